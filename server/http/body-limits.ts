// Caps every request body while it is read: a declared length over the cap is refused at once, and a streamed
// (chunked) body is counted as it arrives and cut off, with a 413 page, the moment it crosses the cap (ADR 0030).
import type { NextFunction, Request, Response } from "express";
import { MAX_UPLOAD_BYTES } from "~/modules/data/import";
import { MAX_STUDENT_IMPORT_BYTES } from "~/modules/students/student-import";
import { safeRedirectPath } from "~/utils/http.server";

const MiB = 1024 * 1024;

export interface BodyLimit {
  /** Largest body accepted, in bytes, as it arrives on the wire (multipart and URL-encoding overhead included). */
  bytes: number;
  /** What the person is told they may send. */
  allowance: string;
}

/** Ordinary forms: the largest real one (a long reflection or a report comment) is a few tens of KiB. */
export const FORM_LIMIT: BodyLimit = { bytes: 1 * MiB, allowance: "A form can hold up to 1 MB of text." };

/**
 * The two upload routes keep their own file limits; the cap adds room for the form around the file. The roster's
 * confirm step posts the checked CSV back URL-encoded, which can triple its size (every comma becomes %2C).
 */
const UPLOAD_LIMITS: { path: RegExp; limit: BodyLimit }[] = [
  {
    path: /^\/data\/import(?:\.data)?\/?$/,
    limit: { bytes: MAX_UPLOAD_BYTES + MiB, allowance: `A data file can be up to ${MAX_UPLOAD_BYTES / MiB} MB; split a larger one into several files.` },
  },
  {
    path: /^\/students\/schools\/[^/]+\/import(?:\.data)?\/?$/,
    limit: {
      bytes: 3 * MAX_STUDENT_IMPORT_BYTES + MiB,
      allowance: `A student file can be up to ${MAX_STUDENT_IMPORT_BYTES / MiB} MB; split a larger one into several files.`,
    },
  },
];

export function bodyLimitFor(pathname: string): BodyLimit {
  return UPLOAD_LIMITS.find((u) => u.path.test(pathname))?.limit ?? FORM_LIMIT;
}

/**
 * After a 413, what the client still sends is read and thrown away, so that its browser finishes sending and reads the
 * answer instead of seeing the connection reset; for at most LINGER_MS in all, or until it pauses for LINGER_IDLE_MS
 * (nginx's lingering close does the same).
 */
const LINGER_MS = 30_000;
const LINGER_IDLE_MS = 5_000;

/**
 * Replaces the request's body with a counted copy in `res.locals.body` (read by the Remix adapter in remix-handler.ts):
 * nothing downstream ever reads more than the cap, so memory stays bounded whatever the client sends.
 */
export function boundedBodies(limitFor: (pathname: string) => BodyLimit = bodyLimitFor) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method === "GET" || req.method === "HEAD") return next();
    const limit = limitFor(req.path);
    const declared = req.headers["content-length"];
    if (declared !== undefined && Number(declared) > limit.bytes) return refuse(req, res, limit);
    let received = 0;
    // Once the stream has ended, failed or been cancelled by its reader, nothing more may be put into it.
    let settled = false;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        req.on("data", (chunk: Buffer) => {
          if (settled) return;
          received += chunk.length;
          if (received > limit.bytes) {
            settled = true;
            req.removeAllListeners("data");
            controller.error(new BodyTooLarge(limit));
            refuse(req, res, limit);
            return;
          }
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          // Back-pressure: the socket waits while the reader has not taken what it was given.
          if ((controller.desiredSize ?? 0) <= 0) req.pause();
        });
        req.once("end", () => {
          if (settled) return;
          settled = true;
          controller.close();
        });
        req.once("error", (error) => {
          if (settled) return;
          settled = true;
          controller.error(error);
        });
      },
      pull() {
        req.resume();
      },
      cancel() {
        settled = true;
        req.destroy();
      },
    }, { highWaterMark: 64 * 1024, size: (chunk) => chunk.byteLength });
    res.locals.body = body;
    // A route that answers without reading the whole body (a 405, a redirect) leaves the rest on the socket: it is read
    // and dropped, as Node would, but only up to the cap.
    res.once("finish", () => {
      if (req.complete || res.statusCode === 413) return;
      req.removeAllListeners("data");
      req.on("data", (chunk: Buffer) => {
        received += chunk.length;
        if (received > limit.bytes) req.socket.destroy();
      });
      req.resume();
    });
    next();
  };
}

export class BodyTooLarge extends Error {
  constructor(readonly limit: BodyLimit) {
    super(`request body over ${limit.bytes} bytes`);
  }
}

/** A 413 a person can read: what happened, what the limit is, and the way back to the form. */
function refuse(req: Request, res: Response, limit: BodyLimit) {
  if (res.headersSent) return;
  // Whatever the client still sends is read and dropped (never kept), briefly, then the connection is closed.
  const close = () => req.socket.destroy();
  const linger = setTimeout(close, LINGER_MS).unref();
  let idle = setTimeout(close, LINGER_IDLE_MS).unref();
  req.removeAllListeners("data");
  req.on("data", () => {
    clearTimeout(idle);
    idle = setTimeout(close, LINGER_IDLE_MS).unref();
  });
  req.resume();
  req.socket.once("close", () => {
    clearTimeout(linger);
    clearTimeout(idle);
  });
  res.setHeader("Connection", "close");
  res.status(413);
  const back = safeRedirectPath(req.path.replace(/\.data$/, ""), "/");
  if (req.accepts(["html", "text"]) !== "html") {
    res.type("text/plain").send(`This request is too large. ${limit.allowance}`);
    return;
  }
  res.type("html").send(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Too large · Cyclekeeper</title>
<style>
body { font: 1rem/1.5 system-ui, sans-serif; color: #1f2933; margin: 0; padding: 2rem 1rem; }
main { max-width: 36rem; margin: 0 auto; }
h1 { font-size: 1.5rem; margin: 0 0 1rem; }
a { color: #0b5cad; }
a:focus-visible { outline: 3px solid #0b5cad; outline-offset: 2px; }
</style>
</head>
<body>
<main>
<h1>That was too large to send</h1>
<p>Nothing was saved. ${escapeHtml(limit.allowance).replace(/ MB\b/g, "&nbsp;MB")}</p>
<p><a href="${escapeHtml(back)}">Go back to the form</a></p>
</main>
</body>
</html>`);
}

function escapeHtml(text: string) {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
