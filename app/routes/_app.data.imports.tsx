// Import history: who imported which file when, what it replaced, and undo (ADR 0019).
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { Notice, PageHeader } from "~/components/ui/layout";
import { DataAdminNav } from "~/modules/data/components/DataAdminNav";
import { undoSchema } from "~/modules/data/import.schema";
import { listImports, undoImport } from "~/modules/data/import.server";
import { requireUser } from "~/modules/people/auth.server";
import { requirePermission } from "~/modules/people/permissions";
import { act, load, parseForm, readForm } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: "Import history · Cyclekeeper" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  return load(async () => {
    requirePermission(user, "data:manage", { districtId: user.districtId });
    return { imports: await listImports(context.db, user) };
  });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const form = await readForm(request);
  return act(form, async () => {
    requirePermission(user, "data:manage", { districtId: user.districtId });
    const input = parseForm(form, undoSchema);
    await undoImport(context.db, user, input.importId, { ip: context.clientIp });
    throw redirect(`/data/imports?undone=${input.importId}`);
  });
}

export default function ImportHistory() {
  const { imports } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>() as { formError?: string; fieldErrors?: Record<string, string[]> } | undefined;
  const [params] = useSearchParams();
  const navigation = useNavigation();
  const imported = imports.find((i) => i.id === params.get("imported"));
  const undone = imports.find((i) => i.id === params.get("undone"));
  const unchanged = params.get("unchanged");
  return (
    <div className="ck-stack">
      <PageHeader title="Import history" description="Every confirmed import of outcome data, newest first. Undoing an import brings back the data it replaced." />
      <DataAdminNav canManage />
      {imported ? (
        <Notice tone="success" role="status">
          Imported “{imported.fileName}”: {imported.rowCount.toLocaleString("en-US")} row{imported.rowCount === 1 ? "" : "s"} in {imported.slices.length} slice
          {imported.slices.length === 1 ? "" : "s"}.
        </Notice>
      ) : null}
      {unchanged !== null ? (
        <Notice role="status">
          Nothing changed: the district already holds exactly the rows in “{unchanged}” for every school, year, term and measure it covers, so no import was recorded.
        </Notice>
      ) : null}
      {undone ? (
        <Notice tone="success" role="status">
          Undid “{undone.fileName}”. The data it had replaced is current again.
        </Notice>
      ) : null}
      {failure?.formError ? (
        <Notice tone="error" role="alert">
          {failure.formError}
        </Notice>
      ) : null}
      {imports.length === 0 ? (
        <p>
          No imports yet. <Link to="/data/import">Import a file</Link>.
        </p>
      ) : (
        <div className="ck-table-wrap">
          <table className="ck-table ck-import-history">
            <caption>Imports</caption>
            <thead>
              <tr>
                <th scope="col">File</th>
                <th scope="col">Imported</th>
                <th scope="col">Rows</th>
                <th scope="col">What it covers</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {imports.map((i) => (
                <tr key={i.id} id={`import-${i.id}`}>
                  <th scope="row">{i.fileName}</th>
                  <td>
                    {i.importedAt}
                    <br />
                    <span className="ck-muted">by {i.importedBy}</span>
                  </td>
                  <td>{i.rowCount.toLocaleString("en-US")}</td>
                  <td>
                    <SliceList slices={i.slices} />
                  </td>
                  <td>
                    {i.status === "undone" ? (
                      <>
                        <span className="ck-badge ck-badge--muted">Undone</span>
                        <br />
                        <span className="ck-muted">
                          {i.undoneAt}
                          {i.undoneBy ? ` by ${i.undoneBy}` : ""}
                        </span>
                      </>
                    ) : i.blockedBy ? (
                      <>
                        <span className="ck-badge">In force</span>
                        <p className="ck-muted ck-import-blocked">
                          Partly replaced by “{i.blockedBy.fileName}” ({i.blockedBy.importedAt}); undo that import first to undo this one.
                        </p>
                      </>
                    ) : (
                      <Form method="post">
                        <input type="hidden" name="intent" value="undo" />
                        <input type="hidden" name="importId" value={i.id} />
                        <button type="submit" className="ck-button ck-button--secondary" disabled={navigation.state === "submitting"} aria-label={`Undo the import of ${i.fileName}, ${i.importedAt}`}>
                          Undo
                        </button>
                      </Form>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

function SliceList({ slices }: { slices: string[] }) {
  if (slices.length === 0) return <span className="ck-muted">—</span>;
  const first = slices.slice(0, 3);
  return (
    <>
      <ul className="ck-slice-list">
        {first.map((s) => (
          <li key={s}>{s}</li>
        ))}
      </ul>
      {slices.length > first.length ? (
        <details>
          <summary>All {slices.length} slices</summary>
          <ul className="ck-slice-list">
            {slices.slice(first.length).map((s) => (
              <li key={s}>{s}</li>
            ))}
          </ul>
        </details>
      ) : null}
    </>
  );
}
