// Downloads a cycle's action plan as HTML, Markdown or plain text (a resource route: no page, just the file).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/modules/people/auth.server";
import { exportFormatSchema } from "~/modules/plans/plan-export";
import { exportPlan } from "~/modules/plans/plan-export.server";
import { DamagedDocument } from "~/utils/errors";
import { load } from "~/utils/http.server";
import { uuidParam } from "~/utils/params";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const cycleId = uuidParam(params, "cycleId");
  const format = exportFormatSchema.safeParse(params.format);
  if (!format.success) throw new Response("Not found", { status: 404 });
  const file = await load(async () => {
    try {
      return await exportPlan(context.db, user, cycleId, format.data, { ip: context.clientIp });
    } catch (error) {
      // A download link answers with a sentence, not the app's error page: which plan, what is wrong, where to restore.
      if (error instanceof DamagedDocument) {
        throw new Response(`${error.message}\n`, { status: 409, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "private, no-store" } });
      }
      throw error;
    }
  });
  return new Response(file.body, {
    headers: {
      "Content-Type": file.contentType,
      "Content-Disposition": `attachment; filename="${file.filename}"`,
      // A plan may hold what a district keeps to itself: never kept by shared caches or the browser's.
      "Cache-Control": "private, no-store",
    },
  });
}
