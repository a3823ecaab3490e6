// The Remix request handler for Express, reading the request body only through the counted stream that
// boundedBodies (body-limits.ts) puts in res.locals.body, never from the socket directly. The rest follows
// @remix-run/express 2.17, whose index exports only its handler.
import type { GetLoadContextFunction } from "@remix-run/express";
import { createRequestHandler as createNodeHandler, writeReadableStreamToWritable, type ServerBuild } from "@remix-run/node";
import type { NextFunction, Request as ExpressRequest, Response as ExpressResponse } from "express";

export function createRequestHandler({
  build,
  mode,
  getLoadContext,
}: {
  build: ServerBuild | (() => Promise<ServerBuild>);
  mode: string;
  getLoadContext: GetLoadContextFunction;
}) {
  const handleRequest = createNodeHandler(build, mode);
  return async (req: ExpressRequest, res: ExpressResponse, next: NextFunction) => {
    try {
      const request = remixRequest(req, res);
      const response = await handleRequest(request, await getLoadContext(req, res));
      // A body over its cap has already been answered with 413 by boundedBodies; what Remix made of the cut-off body is dropped.
      if (res.headersSent) return;
      await sendRemixResponse(res, response);
    } catch (error) {
      // After a 413 the cut-off request may fail in any way; it has been answered. Anything else (a response that
      // failed half-way included) goes to the app's error handler, which logs it redacted and closes the socket.
      if (res.headersSent && res.statusCode === 413) return;
      next(error);
    }
  };
}

/** As @remix-run/express builds it (host, port and abort on close), with the bounded body instead of the raw socket. */
function remixRequest(req: ExpressRequest, res: ExpressResponse) {
  const [, forwardedPort] = req.get("X-Forwarded-Host")?.split(":") ?? [];
  const [, hostPort] = req.get("host")?.split(":") ?? [];
  const port = [Number.parseInt(forwardedPort, 10), Number.parseInt(hostPort, 10)].find((p) => Number.isSafeInteger(p));
  const url = new URL(`${req.protocol}://${req.hostname}${port ? `:${port}` : ""}${req.originalUrl}`);
  let controller: AbortController | null = new AbortController();
  const init: RequestInit & { duplex?: "half" } = { method: req.method, headers: createRemixHeaders(req.headers), signal: controller.signal };
  if (req.method !== "GET" && req.method !== "HEAD") {
    const body = res.locals.body as ReadableStream<Uint8Array> | undefined;
    if (!body) throw new Error("a request body reached Remix without boundedBodies in front of it");
    init.body = body;
    init.duplex = "half";
  }
  res.on("finish", () => (controller = null));
  res.on("close", () => controller?.abort());
  return new Request(url.href, init);
}

function createRemixHeaders(requestHeaders: ExpressRequest["headers"]) {
  const headers = new Headers();
  for (const [key, values] of Object.entries(requestHeaders)) {
    if (!values) continue;
    if (Array.isArray(values)) for (const value of values) headers.append(key, value);
    else headers.set(key, values);
  }
  return headers;
}

async function sendRemixResponse(res: ExpressResponse, response: Response) {
  res.statusMessage = response.statusText;
  res.status(response.status);
  for (const [key, value] of response.headers.entries()) res.append(key, value);
  if (/text\/event-stream/i.test(response.headers.get("Content-Type") ?? "")) res.flushHeaders();
  if (response.body) await writeReadableStreamToWritable(response.body, res);
  else res.end();
}
