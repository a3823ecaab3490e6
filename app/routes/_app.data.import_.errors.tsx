// Every error of a checked upload as a CSV file (row, column, problem), for fixing the file in a spreadsheet; sent a
// stored part at a time, so a file with a hundred thousand errors never sits whole in memory.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { importFields } from "~/modules/data/import";
import { openCheck, openUpload, storedErrors } from "~/modules/data/import-check.server";
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
  const { staged, check } = await load(async () => {
    const staged = await openUpload(context.db, user, token.data);
    // Asked for from a finished preview, so the check is normally done; a fresh one gets time to finish.
    return { staged, check: await openCheck(context.db, user, staged, mappingFrom(mapping.data), { waitMs: 10_000 }) };
  });
  if (check.status === "checking") {
    return new Response("The file is still being checked. Download the errors when the check is done.", { status: 409, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  }
  const header = ["row", "column", "problem"];
  const db = context.db;
  const encoder = new TextEncoder();
  // Each part is written as CSV of its own; its header line is dropped after the first, so the file has one.
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      // A byte-order mark so spreadsheets read the accented names in the reasons as UTF-8.
      controller.enqueue(encoder.encode("\uFEFF" + toCsv(header, []) + "\r\n"));
      if (check.status !== "checked") {
        controller.enqueue(encoder.encode(rowsOnly([[1, "", check.error]])));
        return controller.close();
      }
      try {
        for await (const part of storedErrors(db, check.id)) controller.enqueue(encoder.encode(rowsOnly(part.map((e) => [e.row, e.column, e.reason]))));
        const unlisted = check.summary.errorCount - check.summary.errorsKept;
        if (unlisted > 0) controller.enqueue(encoder.encode(rowsOnly([["", "", `…and ${unlisted.toLocaleString("en-US")} more errors, not listed. Fix the ones above and check the file again.`]])));
        controller.close();
      } catch (error) {
        controller.error(error);
      }
    },
  });
  const base = staged.fileName.replace(/\.[^.]*$/, "").replace(/[^\w.-]+/g, "-").slice(0, 80) || "upload";
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${base}-errors.csv"`,
      "Cache-Control": "private, no-store",
    },
  });
}

/** CSV lines for rows, without the header line `toCsv` writes first. */
function rowsOnly(rows: (string | number)[][]) {
  const csv = toCsv(["row", "column", "problem"], rows);
  return csv.slice(csv.indexOf("\r\n") + 2) + "\r\n";
}
