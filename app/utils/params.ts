// Route parameters that must be UUIDs: anything else is a plain 404, never a database error.
import { z } from "zod";

export function uuidParam(params: Record<string, string | undefined>, name: string): string {
  const parsed = z.uuid().safeParse(params[name]);
  if (!parsed.success) throw new Response("Not found", { status: 404 });
  return parsed.data;
}
