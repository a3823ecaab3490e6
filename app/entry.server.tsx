// Server rendering: streams HTML, waiting for everything for bots, with the request's CSP nonce on our scripts.
import { Transform } from "node:stream";
import type { AppLoadContext, EntryContext } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { describeError } from "./utils/log-safe";
import { isDatabaseOutage } from "#db/client.server";
import { RETRY_AFTER_SECONDS } from "./utils/http.server";
import { NonceProvider } from "./utils/nonce";

/**
 * Requests that failed because the database is unavailable, noted by handleError (which sees the original error; the
 * page only sees a sanitised one): a loader that did not map the outage itself still answers 503 with Retry-After.
 */
const outages = new WeakSet<Request>();

const ABORT_DELAY = 5_000;
export const streamTimeout = ABORT_DELAY;

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const nonce = loadContext.cspNonce;
  if (responseStatusCode === 500 && outages.has(request)) responseStatusCode = 503;
  if (responseStatusCode === 503) responseHeaders.set("Retry-After", String(RETRY_AFTER_SECONDS));
  const waitForAll = isbot(request.headers.get("user-agent") ?? "");
  return new Promise<Response>((resolve, reject) => {
    let shellRendered = false;
    const { pipe, abort } = renderToPipeableStream(
      <NonceProvider value={nonce}>
        <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
      </NonceProvider>,
      {
        nonce,
        [waitForAll ? "onAllReady" : "onShellReady"]() {
          shellRendered = true;
          const body = coalescing();
          responseHeaders.set("Content-Type", "text/html; charset=utf-8");
          resolve(new Response(createReadableStreamFromReadable(body), { headers: responseHeaders, status: responseStatusCode }));
          pipe(body);
        },
        onShellError(error: unknown) {
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          if (shellRendered) console.error(describeError(error));
        },
      },
    );
    setTimeout(abort, ABORT_DELAY + 1_000);
  });
}

/**
 * React 18.3 encodes HTML into a fresh 2 KiB buffer and, when a multi-byte character (an en dash, a minus sign, an
 * accented name) does not fit at its end, sends the whole buffer anyway: the 1–3 bytes it never wrote arrive as NUL
 * characters in the page (facebook/react#24985, fixed only in React 19). HTML text never contains NUL (React writes
 * none, and browsers would replace it), so trailing zero bytes of a piece are always that unwritten tail.
 */
export function withoutUnwrittenTail(chunk: Buffer): Buffer {
  let end = chunk.length;
  while (end > 0 && chunk[end - 1] === 0 && chunk.length - end < 3) end--;
  return end === chunk.length ? chunk : chunk.subarray(0, end);
}

/**
 * React writes its HTML in 2 KiB pieces, and each piece went on by itself through a web stream, compression and the
 * socket: for a 350 KiB page that per-piece work cost more than compressing the page. Pieces written in the same
 * turn of the event loop now go on as one; a page that streams in parts still streams, one part per turn.
 */
function coalescing() {
  let pending: Buffer[] = [];
  let scheduled = false;
  const release = () => {
    scheduled = false;
    if (pending.length === 0) return;
    stream.push(pending.length === 1 ? pending[0] : Buffer.concat(pending));
    pending = [];
  };
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      pending.push(withoutUnwrittenTail(chunk));
      if (!scheduled) {
        scheduled = true;
        setImmediate(release);
      }
      done();
    },
    flush(done) {
      release();
      done();
    },
  });
  return stream;
}

/** Client-side navigations fetch data: a 503 there also says when to try again. */
export function handleDataRequest(response: Response) {
  if (response.status === 503 && !response.headers.has("Retry-After")) response.headers.set("Retry-After", String(RETRY_AFTER_SECONDS));
  return response;
}

/** Logs a loader's or action's failure without what the request carried: a failed query's message holds its parameters. */
export function handleError(error: unknown, { request }: { request: Request }) {
  if (request.signal.aborted) return;
  if (isDatabaseOutage(error)) {
    outages.add(request);
    console.error(`database unavailable while answering ${request.method} ${new URL(request.url).pathname}: ${describeError(error, { frames: false })}`);
    return;
  }
  console.error(`${request.method} ${new URL(request.url).pathname} failed: ${describeError(error)}`);
}
