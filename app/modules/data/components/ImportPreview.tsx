// Step 3: what the file holds, every problem found (row, column, reason), and the confirm button when there are none.
import { Form, Link } from "@remix-run/react";
import { Card, Notice } from "~/components/ui/layout";
import { importFieldLabels, importFields, type ColumnMapping } from "../import";
import type { ImportPreviewData } from "../import-preview";
import { UploadForm } from "./UploadForm";

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;

export function ImportPreview({
  token,
  headers,
  mapping,
  params,
  preview,
  submitting,
}: {
  token: string;
  headers: string[];
  mapping: ColumnMapping;
  params: Record<string, string>;
  preview: ImportPreviewData;
  submitting: boolean;
}) {
  const query = new URLSearchParams({ upload: token, ...params });
  const clean = preview.errorCount === 0 && preview.valid > 0;
  const { page, pages, perPage, kept } = preview.errorPage;
  const firstShown = (page - 1) * perPage + 1;
  const pageLink = (to: number) => `/data/import?${query}&errors_page=${to}`;
  return (
    <>
      <Card title="3. Check the rows">
        <dl className="ck-import-counts">
          <div>
            <dt>Rows in the file</dt>
            <dd>{preview.total.toLocaleString("en-US")}</dd>
          </div>
          <div>
            <dt>Rows without errors</dt>
            <dd>{preview.valid.toLocaleString("en-US")}</dd>
          </div>
          <div>
            <dt>Rows with errors</dt>
            <dd>{preview.badRows.toLocaleString("en-US")}</dd>
          </div>
          <div>
            <dt>Slices (school · year · term · measure)</dt>
            <dd>{preview.slices.toLocaleString("en-US")}</dd>
          </div>
        </dl>
        <details className="ck-mapping-summary">
          <summary>Columns used</summary>
          <ul>
            {importFields.map((f) => (
              <li key={f}>
                {importFieldLabels[f]}: {mapping[f] === null ? "none" : `“${headers[mapping[f]!] || `column ${mapping[f]! + 1}`}”`}
              </li>
            ))}
          </ul>
          <p>
            <Link to={`/data/import?${query}&remap=1`}>Change the column mapping</Link>
          </p>
        </details>
      </Card>

      {preview.errorCount > 0 ? (
        <Card title="Errors">
          <Notice tone="error" role="alert">
            {plural(preview.errorCount, "error")} in {plural(preview.badRows, "row")}. Nothing has been imported. Fix the file and upload it again
            {preview.errors.some((e) => e.row === 1 && e.field !== "file") ? (
              <>
                , or <Link to={`/data/import?${query}&remap=1`}>choose the missing columns</Link>
              </>
            ) : null}
            .
          </Notice>
          <div className="ck-table-wrap">
            <table className="ck-table">
              <caption>
                {preview.errors.length < preview.errorCount
                  ? `Errors ${firstShown.toLocaleString("en-US")} to ${(firstShown + preview.errors.length - 1).toLocaleString("en-US")} of ${preview.errorCount.toLocaleString("en-US")}`
                  : "Every error"}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Row</th>
                  <th scope="col">Column</th>
                  <th scope="col">Problem</th>
                </tr>
              </thead>
              <tbody>
                {preview.errors.map((e, i) => (
                  <tr key={i}>
                    <td>{e.row}</td>
                    <td>{e.column || (e.field === "file" ? "—" : importFieldLabels[e.field as keyof typeof importFieldLabels])}</td>
                    <td>{e.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {pages > 1 ? (
            <nav aria-label="Pages of errors" className="ck-inline-list ck-error-links">
              {page > 1 ? <Link to={pageLink(page - 1)}>Previous {perPage} errors</Link> : null}
              <span>
                Page {page.toLocaleString("en-US")} of {pages.toLocaleString("en-US")}
              </span>
              {page < pages ? <Link to={pageLink(page + 1)}>Next {perPage} errors</Link> : null}
            </nav>
          ) : null}
          <p className="ck-inline-list ck-error-links">
            <a href={`/data/import/errors?${query}`} download>
              {kept < preview.errorCount ? `Download the first ${kept.toLocaleString("en-US")} errors as CSV` : "Download every error as CSV"}
            </a>
          </p>
          <h3>Upload a corrected file</h3>
          <UploadForm />
        </Card>
      ) : null}

      {preview.sample.length ? (
        <div className="ck-table-wrap">
          <table className="ck-table">
            <caption>{clean ? "The first rows, as they will be saved" : "The first rows without errors"}</caption>
            <thead>
              <tr>
                <th scope="col">Row</th>
                <th scope="col">School</th>
                <th scope="col">Year</th>
                <th scope="col">Term</th>
                <th scope="col">Grade</th>
                <th scope="col">Student group</th>
                <th scope="col">Measure</th>
                <th scope="col">n</th>
                <th scope="col">Value</th>
              </tr>
            </thead>
            <tbody>
              {preview.sample.map((r) => (
                <tr key={r.row}>
                  <td>{r.row}</td>
                  <td>{r.school}</td>
                  <td>{r.year}</td>
                  <td>{r.term}</td>
                  <td>{r.grade}</td>
                  <td>{r.group}</td>
                  <td>{r.measure}</td>
                  <td>{r.n}</td>
                  <td>{r.value}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}

      {clean ? (
        <Card title="4. Import">
          <p>
            Importing saves {plural(preview.valid, "row")} in one step. Where the district already has data for the same school, school year, term and measure,
            these rows replace it; you can undo the import from the history.
          </p>
          <Form method="post" className="ck-form">
            <input type="hidden" name="upload" value={token} />
            {Object.entries(params).map(([name, value]) => (
              <input key={name} type="hidden" name={name} value={value} />
            ))}
            <div>
              <button type="submit" className="ck-button" disabled={submitting}>
                Import {plural(preview.valid, "row")}
              </button>
            </div>
            <div className="ck-upload-progress" hidden={!submitting} role="status" aria-live="polite">
              <label htmlFor="commit-progress">Saving the rows…</label>
              <progress id="commit-progress" />
            </div>
          </Form>
        </Card>
      ) : null}
    </>
  );
}
