// A data block's live numbers for the editor (a resource route): GET ?query=<json>&language=es → the block's data and
// its figure's HTML. Scoped to the signed-in person's district and what they may read; never cached.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/modules/people/auth.server";
import { liveBlock } from "~/modules/reports/block-data-request.server";
import { ValidationFailed } from "~/utils/errors";
import { toHttpError } from "~/utils/http.server";

const headers = { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "private, no-store" };

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const url = new URL(request.url);
  try {
    const block = await liveBlock(context.db, user, url.searchParams.get("query"), url.searchParams.get("language"));
    return new Response(JSON.stringify(block), { headers });
  } catch (error) {
    // A bad query says what is wrong with it; other errors are 404/403 as everywhere.
    if (error instanceof ValidationFailed) return new Response(JSON.stringify({ error: Object.values(error.fieldErrors).flat().join(" ") }), { status: 400, headers });
    toHttpError(error);
  }
}
