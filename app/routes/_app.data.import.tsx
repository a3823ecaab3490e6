// Importing outcome data from CSV: upload → column mapping → preview with every row checked → confirm (ADR 0019).
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Card, Notice, PageHeader } from "~/components/ui/layout";
import { DataAdminNav } from "~/modules/data/components/DataAdminNav";
import { ImportPreview } from "~/modules/data/components/ImportPreview";
import { MappingForm } from "~/modules/data/components/MappingForm";
import { UploadForm } from "~/modules/data/components/UploadForm";
import { CheckProgress } from "~/modules/data/components/CheckProgress";
import { decodeUpload, guessMapping, importFields, isTemplateLayout, MAX_UPLOAD_BYTES, parseCsv } from "~/modules/data/import";
import { checkProgress, ERRORS_PER_PAGE, openCheck, openUpload, readCheckedRows, readErrorPage } from "~/modules/data/import-check.server";
import { commitSchema, mappingFrom, mappingParams, mappingSchema, uploadTokenSchema } from "~/modules/data/import.schema";
import { commitImport } from "~/modules/data/import.server";
import { discardStagedUpload, stageUpload } from "~/modules/data/import-staging.server";
import type { ImportPreviewData } from "~/modules/data/import-preview";
import { listMeasures } from "~/modules/data/measures.server";
import { requireUser } from "~/modules/people/auth.server";
import { requirePermission } from "~/modules/people/permissions";
import { act, boundedForm, load, parseForm } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: "Import data · Cyclekeeper" }];

/** Headings beyond this many are refused at upload: the mapping step offers each one as a choice. */
const MAX_COLUMNS = 1_000;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  return load(async () => {
    requirePermission(user, "data:manage", { districtId: user.districtId });
    const url = new URL(request.url);
    const token = url.searchParams.get("upload");
    if (!token) {
      const measures = await listMeasures(context.db, user);
      return { step: "upload" as const, templates: measures.map((m) => ({ slug: m.slug, name: m.name })) };
    }
    if (!uploadTokenSchema.safeParse(token).success) throw new Response("Not found", { status: 404 });
    let chosen = null;
    if (importFields.some((f) => url.searchParams.has(`col_${f}`))) {
      const parsed = mappingSchema.safeParse(Object.fromEntries(importFields.map((f) => [`col_${f}`, url.searchParams.get(`col_${f}`) ?? ""])));
      if (!parsed.success) throw new Response("The column mapping is not valid.", { status: 400 });
      chosen = mappingFrom(parsed.data);
    }
    const staged = await openUpload(context.db, user, token);
    const file = { token, fileName: staged.fileName, encoding: staged.encoding, bytes: staged.bytes };
    const guessed = guessMapping(staged.headers);
    const mapping = chosen ?? guessed;
    const columns = { headers: staged.headers, mapping, params: mappingParams(mapping) };
    if ((chosen === null && !isTemplateLayout(staged.headers, guessed)) || url.searchParams.has("remap")) return { step: "map" as const, file, ...columns };
    const check = await openCheck(context.db, user, staged, mapping);
    if (check.status === "checking") return { step: "checking" as const, file, ...columns, progress: checkProgress(check) };
    if (check.status !== "checked") return { step: "unreadable" as const, file, error: check.error };
    const { summary } = check;
    const pages = Math.max(1, Math.ceil(summary.errorsKept / ERRORS_PER_PAGE));
    const page = Math.min(pages, Math.max(1, Math.trunc(Number(url.searchParams.get("errors_page"))) || 1));
    const preview: ImportPreviewData = {
      total: summary.total,
      valid: summary.valid,
      badRows: summary.badRows,
      errorCount: summary.errorCount,
      errors: summary.errorsKept ? await readErrorPage(context.db, check.id, page) : [],
      errorPage: { page, pages, perPage: ERRORS_PER_PAGE, kept: summary.errorsKept },
      slices: summary.slices,
      sample: summary.sample,
    };
    return { step: "preview" as const, file, ...columns, preview };
  });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  await load(async () => requirePermission(user, "data:manage", { districtId: user.districtId }));
  const length = Number(request.headers.get("content-length") ?? 0);
  if (length > MAX_UPLOAD_BYTES) {
    return { ok: false as const, fileError: `The file is larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB; split it into smaller files.` };
  }
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    return { ok: false as const, fileError: "The upload did not arrive whole; try again." };
  }
  // The text rule and field cap every form gets (ADR 0030): a NUL in the file's name never reaches the database.
  form = boundedForm(form);
  if (form.get("intent") === "upload") {
    const file = form.get("file");
    if (!(file instanceof File) || file.size === 0) return { ok: false as const, fileError: file instanceof File && file.name ? "The file is empty." : "Choose a CSV file to upload." };
    if (file.size > MAX_UPLOAD_BYTES) return { ok: false as const, fileError: `The file is larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB; split it into smaller files.` };
    const decoded = decodeUpload(new Uint8Array(await file.arrayBuffer()));
    if (!decoded.ok) return { ok: false as const, fileError: decoded.error };
    // Only the heading row is read now; every row is checked in the background once the columns are known.
    const head = parseCsv(decoded.text, { maxRecords: 1 });
    if (!head.ok) return { ok: false as const, fileError: head.error };
    if (head.headers.length > MAX_COLUMNS) {
      return { ok: false as const, fileError: `The first row has ${head.headers.length.toLocaleString("en-US")} columns; a data file has at most ${MAX_COLUMNS.toLocaleString("en-US")}. Check that the file is a CSV of outcome data.` };
    }
    const staged = await stageUpload(context.db, { userId: user.id, districtId: user.districtId }, {
      fileName: (file.name || "upload.csv").slice(0, 200),
      encoding: decoded.encoding,
      text: decoded.text,
      bytes: file.size,
    });
    throw redirect(`/data/import?upload=${staged.token}`);
  }
  return act(form, async () => {
    const input = parseForm(form, commitSchema);
    const staged = await openUpload(context.db, user, input.upload);
    // The rows the check stored, by id: a school renamed since still matches, one removed fails the whole import.
    const rows = await readCheckedRows(context.db, user, staged, mappingFrom(input));
    const result = await commitImport(context.db, user, { fileName: staged.fileName, rows }, { ip: context.clientIp });
    await discardStagedUpload(context.db, input.upload);
    if (result.status === "unchanged") {
      throw redirect(`/data/imports?unchanged=${encodeURIComponent(staged.fileName)}`);
    }
    throw redirect(`/data/imports?imported=${result.importId}`);
  });
}

export default function ImportData() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as { fileError?: string; formError?: string } | undefined;
  const navigation = useNavigation();
  return (
    <div className="ck-stack">
      <PageHeader title="Import data" description="Add aggregated results from a CSV file. Every row is checked before anything is saved." />
      <DataAdminNav canManage />
      {data.step === "upload" ? (
        <>
          <Card title="1. Upload a file">
            <UploadForm error={actionData?.fileError} />
          </Card>
          <Card title="Templates">
            <p>Download a template for a measure: its headings and example rows, ready to fill in. Files with other headings work too; you choose which column is which.</p>
            <ul className="ck-template-list">
              {data.templates.map((t) => (
                <li key={t.slug}>
                  <a href={`/data/template/${t.slug}`} download>
                    {t.name}
                  </a>
                </li>
              ))}
            </ul>
          </Card>
        </>
      ) : (
        <>
          <p className="ck-muted">
            File: <strong>{data.file.fileName}</strong>
            {data.file.encoding !== "utf-8" ? ` (read as ${data.file.encoding === "windows-1252" ? "Windows-1252 / Latin-1" : data.file.encoding.toUpperCase()})` : ""} ·{" "}
            <Link to="/data/import">Upload a different file</Link>
          </p>
          {data.step === "unreadable" ? (
            <Notice tone="error" role="alert">
              {data.error}
            </Notice>
          ) : data.step === "map" ? (
            <Card title="2. Match the columns">
              <MappingForm token={data.file.token} headers={data.headers} mapping={data.mapping} />
            </Card>
          ) : data.step === "checking" ? (
            <CheckProgress rowsDone={data.progress.rowsDone} percent={data.progress.percent} />
          ) : (
            <>
              {actionData?.formError ? (
                <Notice tone="error" role="alert">
                  {actionData.formError}
                </Notice>
              ) : null}
              <ImportPreview
                token={data.file.token}
                headers={data.headers}
                mapping={data.mapping}
                params={data.params}
                preview={data.preview}
                submitting={navigation.state === "submitting"}
              />
            </>
          )}
        </>
      )}
    </div>
  );
}
