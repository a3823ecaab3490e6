// CSV downloads of the data views (a resource route): the same suppressed cells as the pages, by the one CSV writer.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { parseFilters } from "~/modules/data/data.schema";
import { competencyCsv, disparityCsv, trendCsv } from "~/modules/data/exports";
import { competencyView, disparityView, trendView } from "~/modules/data/views.server";
import { requireUser } from "~/modules/people/auth.server";
import { load } from "~/utils/http.server";

const viewName = z.enum(["competencies", "groups", "trend"]);

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const view = viewName.safeParse(params.view);
  if (!view.success) throw new Response("Not found", { status: 404 });
  const body = await load(async () => {
    const filters = parseFilters(new URL(request.url).searchParams);
    switch (view.data) {
      case "competencies":
        return competencyCsv(await competencyView(context.db, user, filters));
      case "groups":
        return disparityCsv(await disparityView(context.db, user, filters));
      case "trend":
        return trendCsv(await trendView(context.db, user, filters));
    }
  });
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="cyclekeeper-${view.data}.csv"`,
      "Cache-Control": "private, no-store",
    },
  });
}
