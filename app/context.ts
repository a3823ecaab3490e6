// What the server hands every loader and action.
import type { Database, DatabaseKind } from "#db/client.server";
import type { AppConfig } from "./config";

export interface RequestContext {
  db: Database;
  dbKind: DatabaseKind;
  config: AppConfig;
  cspNonce: string;
  clientIp: string;
}

declare module "@remix-run/node" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface AppLoadContext extends RequestContext {}
}

declare module "@remix-run/server-runtime" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface AppLoadContext extends RequestContext {}
}
