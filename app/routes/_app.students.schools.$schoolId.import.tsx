// Importing a school's roster or weekly indicators: upload, preview with per-row errors, then confirm to write all or nothing.
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { Card, Notice, PageHeader } from "~/components/ui/layout";
import { requireUser } from "~/modules/people/auth.server";
import { StudentSupportNav } from "~/modules/students/components/StudentBits";
import { indicatorTemplate, MAX_STUDENT_IMPORT_BYTES, rosterTemplate } from "~/modules/students/student-import";
import { importKindSchema } from "~/modules/students/students.schema";
import { checkImport, commitImport, schoolFor } from "~/modules/students/students.server";
import { load, readForm, toHttpError } from "~/utils/http.server";
import { uuidParam } from "~/utils/params";

export const meta: MetaFunction = () => [{ title: "Import student data · Cyclekeeper" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const schoolId = uuidParam(params, "schoolId");
  return load(async () => ({ school: await schoolFor(context.db, user, schoolId, "student:work") }));
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const schoolId = uuidParam(params, "schoolId");
  try {
    // Who may import comes before reading what they sent.
    await schoolFor(context.db, user, schoolId, "student:work");
    const form = await readForm(request);
    const kind = importKindSchema.safeParse(form.get("kind"));
    if (!kind.success) throw new Response("Unknown import", { status: 400 });
    let text: string;
    let fileName: string;
    if (form.get("intent") === "confirm") {
      text = String(form.get("content") ?? "");
      fileName = String(form.get("fileName") ?? "upload.csv").slice(0, 200);
    } else {
      const file = form.get("file");
      if (!(file instanceof File) || file.size === 0) return { stage: "error" as const, kind: kind.data, message: "Choose a CSV file to import." };
      if (file.size > MAX_STUDENT_IMPORT_BYTES) return { stage: "error" as const, kind: kind.data, message: "The file is larger than 20 MB." };
      text = await file.text();
      fileName = file.name.slice(0, 200);
    }
    if (form.get("intent") === "confirm") {
      const result = await commitImport(context.db, user, schoolId, kind.data, text, fileName, context.clientIp);
      if (result.ok) throw redirect(`/students/schools/${schoolId}/import?imported=${result.written}&kind=${kind.data}`);
      return preview(kind.data, fileName, text, result.check);
    }
    return preview(kind.data, fileName, text, await checkImport(context.db, user, schoolId, kind.data, text, fileName));
  } catch (error) {
    toHttpError(error);
  }
}

function preview(kind: "roster" | "indicators", fileName: string, content: string, check: Awaited<ReturnType<typeof checkImport>>) {
  const parsed = check.parsed;
  const sample = parsed.rows.slice(0, 10).map((r) => Object.values(r).map((v) => (Array.isArray(v) ? v.join("; ") : v === null ? "" : String(v))));
  return {
    stage: "preview" as const,
    kind,
    fileName,
    content: parsed.errors.length || parsed.fileErrors.length ? "" : content,
    rows: parsed.rows.length,
    fileErrors: parsed.fileErrors,
    errors: parsed.errors.slice(0, 200),
    errorCount: parsed.errors.length,
    header: parsed.rows[0] ? Object.keys(parsed.rows[0]) : [],
    sample,
    detail: check.kind === "roster" ? `${check.newStudents} new students, ${parsed.rows.length - check.newStudents} updated` : `${check.weeks.length} week${check.weeks.length === 1 ? "" : "s"}: ${check.weeks.join(", ")}`,
  };
}

export default function ImportPage() {
  const { school } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  const imported = params.get("imported");
  return (
    <div className="ck-stack">
      <PageHeader eyebrow="Student support" title={`Import — ${school.name}`} actions={<Link to="/students">All schools</Link>} />
      <StudentSupportNav schoolId={school.id} />
      {imported ? (
        <Notice tone="success" role="status">
          Imported {imported} {params.get("kind") === "roster" ? "roster rows" : "indicator rows"}. Importing the same file again changes nothing.
        </Notice>
      ) : null}
      {result?.stage === "error" ? (
        <Notice tone="error" role="alert">
          {result.message}
        </Notice>
      ) : null}
      {result?.stage === "preview" ? (
        <section className="ck-card" aria-labelledby="preview-title">
          <h2 id="preview-title">Preview of {result.fileName}</h2>
          {result.fileErrors.length ? (
            <Notice tone="error" role="alert">
              {result.fileErrors.join(" ")}
            </Notice>
          ) : result.errorCount ? (
            <>
              <Notice tone="error" role="alert">
                {result.errorCount} problem{result.errorCount === 1 ? "" : "s"} found. Nothing has been written: correct the file and upload it again.
              </Notice>
              <div className="ck-table-wrap" tabIndex={0} role="region" aria-label="Problems by row">
                <table className="ck-table" id="import-errors">
                  <caption>Problems by row</caption>
                  <thead>
                    <tr>
                      <th scope="col">Row</th>
                      <th scope="col">Column</th>
                      <th scope="col">Problem</th>
                    </tr>
                  </thead>
                  <tbody>
                    {result.errors.map((e, i) => (
                      <tr key={i}>
                        <td>{e.row}</td>
                        <td>{e.column}</td>
                        <td>{e.reason}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          ) : (
            <>
              <p>
                {result.rows} rows are ready ({result.detail}). Nothing is written until you confirm.
              </p>
              <div className="ck-table-wrap" tabIndex={0} role="region" aria-label="First rows of the file">
                <table className="ck-table">
                  <caption>First rows</caption>
                  <thead>
                    <tr>
                      {result.header.map((h) => (
                        <th scope="col" key={h}>
                          {h}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {result.sample.map((row, i) => (
                      <tr key={i}>
                        {row.map((cell, j) => (
                          <td key={j}>{cell}</td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <Form method="post" className="ck-form">
                <input type="hidden" name="intent" value="confirm" />
                <input type="hidden" name="kind" value={result.kind} />
                <input type="hidden" name="fileName" value={result.fileName} />
                <input type="hidden" name="content" value={result.content} />
                <div>
                  <button type="submit" className="ck-button" disabled={busy}>
                    Import {result.rows} rows
                  </button>
                </div>
              </Form>
            </>
          )}
        </section>
      ) : null}
      <div className="ck-grid">
        <UploadForm kind="roster" title="Roster" columns={rosterTemplate} about="One row per student (OneRoster users.csv headings work too). Groups are separated by semicolons." />
        <UploadForm kind="indicators" title="Weekly indicators" columns={indicatorTemplate} about="One row per student and week. Days are counted for the year so far; incidents for the week; trusted adult is yes or no." />
      </div>
    </div>
  );
}

function UploadForm({ kind, title, columns, about }: { kind: string; title: string; columns: string; about: string }) {
  return (
    <Card title={title}>
      <p className="ck-muted">{about}</p>
      <p className="ck-columns">
        Columns: <code>{columns.trim()}</code>
      </p>
      <Form method="post" encType="multipart/form-data" className="ck-form">
        <input type="hidden" name="intent" value="preview" />
        <input type="hidden" name="kind" value={kind} />
        <div className="ck-field">
          <label htmlFor={`file-${kind}`}>{title} CSV file</label>
          <input id={`file-${kind}`} name="file" type="file" accept=".csv,text/csv" className="ck-input" />
        </div>
        <div>
          <button type="submit" className="ck-button ck-button--secondary">
            Check {title.toLowerCase()}
          </button>
        </div>
      </Form>
    </Card>
  );
}
