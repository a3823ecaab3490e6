// Every error of a checked upload as a CSV file (row, column, problem), for fixing the file in a spreadsheet.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { importFields } from "~/modules/data/import";
import { checkUpload } from "~/modules/data/import-check.server";
import { mappingFrom, mappingSchema, uploadTokenSchema } from "~/modules/data/import.schema";
import { requireUser } from "~/modules/people/auth.server";
import { toCsv } from "~/utils/csv";
import { load } from "~/utils/http.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const url = new URL(request.url);
  const token = uploadTokenSchema.safeParse(url.searchParams.get("upload"));
  if (!token.success) throw new Response("Not found", { status: 404 });
  const mapping = mappingSchema.safeParse(Object.fromEntries(importFields.map((f) => [`col_${f}`, url.searchParams.get(`col_${f}`) ?? ""])));
  if (!mapping.success) throw new Response("The column mapping is not valid.", { status: 400 });
  const checked = await load(() => checkUpload(context.db, user, token.data, mappingFrom(mapping.data)));
  const rows = checked.ok ? checked.result.errors.map((e) => [e.row, e.column, e.reason]) : [[1, "", checked.error]];
  const base = checked.staged.fileName.replace(/\.[^.]*$/, "").replace(/[^\w.-]+/g, "-").slice(0, 80) || "upload";
  // A byte-order mark so spreadsheets read the accented names in the reasons as UTF-8.
  return new Response("\uFEFF" + toCsv(["row", "column", "problem"], rows), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${base}-errors.csv"`,
      "Cache-Control": "private, no-store",
    },
  });
}
