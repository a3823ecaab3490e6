// A CSV template for one measure: the import's headings and example rows for it, ready to fill in.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { schoolYearOf } from "~/modules/cycles/school-year";
import { listSchoolNames } from "~/modules/districts/districts.server";
import { importFields, templateRows } from "~/modules/data/import";
import { getMeasureBySlug } from "~/modules/data/measures.server";
import { requireUser } from "~/modules/people/auth.server";
import { requirePermission } from "~/modules/people/permissions";
import { toCsv } from "~/utils/csv";
import { load } from "~/utils/http.server";
import { todayFor } from "~/utils/time-zone";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const slug = params.measureSlug ?? "";
  if (!/^[a-z0-9-]{1,80}$/.test(slug)) throw new Response("Not found", { status: 404 });
  const { measure, schools } = await load(async () => {
    requirePermission(user, "data:manage", { districtId: user.districtId });
    return { measure: await getMeasureBySlug(context.db, user, slug), schools: await listSchoolNames(context.db, user, { limit: 2 }) };
  });
  const startYear = schoolYearOf(todayFor(user));
  const body = toCsv([...importFields], templateRows(measure, startYear, schools.map((s) => s.name)));
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="cyclekeeper-template-${measure.slug}.csv"`,
      "Cache-Control": "private, no-store",
    },
  });
}
