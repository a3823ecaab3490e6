// The Express application: static files, health check, security middleware and the Remix handler.
import type { ServerBuild } from "@remix-run/node";
import compression from "compression";
import express, { type NextFunction, type Request, type Response } from "express";
import path from "node:path";
import type { DatabaseHandle } from "#db/client.server";
import type { AppConfig } from "~/config";
import type { RequestContext } from "~/context";
import { describeError } from "~/utils/log-safe";
import { boundedBodies } from "./body-limits";
import type { SaveHealth } from "../collab/persistence";
import { createReadiness } from "./health";
import { publicReportsRouter } from "./public-reports";
import { createRequestHandler } from "./remix-handler";
import { sameOriginOnly, securityHeaders } from "./security";

export interface AppOptions {
  database: DatabaseHandle;
  config: AppConfig;
  build: ServerBuild | (() => Promise<ServerBuild>);
  /** Directory of the built client assets (build/client); absent in development, where Vite serves them. */
  clientDir?: string;
  /** Vite's dev middleware in development. */
  devMiddleware?: express.RequestHandler;
  /** With several instances: whether Redis links this one to the others ("ok") or it serves its own clients alone ("degraded"). */
  redisStatus?: () => "ok" | "degraded" | null;
  /** Whether collaborative saves are failing now (the collaboration server attaches after the app exists). */
  saveHealth?: () => SaveHealth | null;
}

export function createApp({ database, config, build, clientDir, devMiddleware, redisStatus, saveHealth }: AppOptions) {
  const app = express();
  app.disable("x-powered-by");
  // A hop count, never `true`: with `true` Express believes the left-most X-Forwarded-For entry, which the client writes.
  if (config.trustProxyHops > 0) app.set("trust proxy", config.trustProxyHops);
  app.use(compression());
  app.use(securityHeaders({ dev: Boolean(devMiddleware) }));

  // Liveness: the process answers. A load balancer must not restart an instance because its database is down.
  app.get("/healthz/live", (_req, res) => {
    res.set("Cache-Control", "no-store").json({ status: "ok" });
  });
  // Readiness: the instance can do its job now (ADR 0037). /healthz is the same verdict in its original, short form.
  const readiness = createReadiness({ database, timeouts: config.timeouts, saveHealth, redisStatus });
  app.get("/healthz/ready", async (_req, res) => {
    const { ready, body } = await readiness.detail();
    res.set("Cache-Control", "no-store").status(ready ? 200 : 503).json(body);
  });
  app.get("/healthz", async (_req, res) => {
    const { ready, body } = await readiness.check();
    res.status(ready ? 200 : 503).json(body);
  });

  // Published reports, readable signed out: straight from stored HTML, before Remix (no session, no JavaScript).
  app.use(publicReportsRouter({ db: database.db, query: (text, params) => database.query(text, params) }));

  if (devMiddleware) {
    app.use(devMiddleware);
  } else if (clientDir) {
    app.use("/assets", express.static(path.join(clientDir, "assets"), { immutable: true, maxAge: "1y", index: false }));
    app.use(express.static(clientDir, { maxAge: "1h", index: false }));
  }

  app.use(sameOriginOnly({ publicOrigin: config.publicOrigin }));
  // Every body Remix reads is capped while it streams in (ADR 0030); the handler below reads only this counted copy.
  app.use(boundedBodies());

  app.all(
    "*",
    createRequestHandler({
      build,
      mode: config.production ? "production" : "development",
      getLoadContext: (req: Request, res: Response) => ({
        db: database.db,
        dbKind: database.kind,
        config,
        cspNonce: res.locals.cspNonce as string,
        clientIp: req.ip ?? req.socket.remoteAddress ?? "unknown",
      }) satisfies RequestContext,
    }),
  );
  // Express's own handler would print the whole error, a failed query's parameters included (ADR 0030).
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    console.error(`${req.method} ${req.path} failed: ${describeError(error)}`);
    if (res.headersSent) return void req.socket.destroy();
    res.status(500).type("text/plain").send("Something went wrong on our side. Try again in a moment.");
  });
  return app;
}
