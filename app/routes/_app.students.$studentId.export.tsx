// Downloads one student's whole record as CSV (on a family's request); written to the access log.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/modules/people/auth.server";
import { exportStudentRecord } from "~/modules/students/students.server";
import { load } from "~/utils/http.server";
import { uuidParam } from "~/utils/params";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const studentId = uuidParam(params, "studentId");
  const file = await load(() => exportStudentRecord(context.db, user, studentId));
  return new Response(file.csv, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${file.fileName}"`,
      "Cache-Control": "private, no-store",
    },
  });
}
