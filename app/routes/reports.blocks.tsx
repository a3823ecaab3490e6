// A data block's live numbers for the editor (a resource route): GET ?query=<json>&language=es → the block's data and
// its figure's HTML. Scoped to the signed-in person's district and what they may read; never cached.
import { data, type LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/modules/people/auth.server";
import { liveBlock } from "~/modules/reports/block-data-request.server";
import { ValidationFailed } from "~/utils/errors";
import { toHttpError } from "~/utils/http.server";

const noStore = { "Cache-Control": "private, no-store" };

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const url = new URL(request.url);
  try {
    return data(await liveBlock(context.db, user, url.searchParams.get("query"), url.searchParams.get("language")), { headers: noStore });
  } catch (error) {
    // A bad query says what is wrong with it; other errors are 404/403 as everywhere.
    if (error instanceof ValidationFailed) return data({ error: Object.values(error.fieldErrors).flat().join(" ") }, { status: 400, headers: noStore });
    toHttpError(error);
  }
}
