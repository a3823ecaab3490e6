// The CSV upload: a plain multipart form post, enhanced with an upload progress bar when JavaScript runs.
import { useRef, useState, type FormEvent } from "react";

type Progress = { state: "idle" } | { state: "sending"; loaded: number; total: number } | { state: "reading" };

/**
 * Without JavaScript the browser posts the form and follows the redirect to the mapping step. With it, the same form
 * is sent by XMLHttpRequest so a <progress> bar can follow the upload; the page then goes where the server redirected.
 * If the server answers with an error instead, the form is posted again the plain way so its message shows.
 */
export function UploadForm({ error }: { error?: string }) {
  const [progress, setProgress] = useState<Progress>({ state: "idle" });
  const fallback = useRef(false);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    const form = event.currentTarget;
    if (fallback.current || typeof XMLHttpRequest === "undefined") return;
    const input = form.elements.namedItem("file") as HTMLInputElement | null;
    if (!input?.files?.length) return;
    event.preventDefault();
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.upload.onprogress = (e) => setProgress({ state: "sending", loaded: e.loaded, total: e.lengthComputable ? e.total : 0 });
    xhr.upload.onload = () => setProgress({ state: "reading" });
    xhr.onload = () => {
      const landed = new URL(xhr.responseURL || form.action, window.location.href);
      if (xhr.status < 400 && landed.searchParams.has("upload")) {
        window.location.assign(landed.pathname + landed.search);
      } else {
        fallback.current = true;
        form.requestSubmit();
      }
    };
    xhr.onerror = () => {
      fallback.current = true;
      form.requestSubmit();
    };
    setProgress({ state: "sending", loaded: 0, total: input.files[0].size });
    xhr.send(new FormData(form));
  }

  const busy = progress.state !== "idle";
  const percent = progress.state === "sending" && progress.total ? Math.round((progress.loaded / progress.total) * 100) : null;
  return (
    <form method="post" encType="multipart/form-data" action="/data/import" className="ck-form" onSubmit={onSubmit} noValidate>
      <input type="hidden" name="intent" value="upload" />
      <div className="ck-field">
        <label htmlFor="import-file">CSV file</label>
        <span className="ck-field__hint" id="import-file-hint">
          One row per school, school year, term, grade, student group and measure, with n and value. UTF-8 is best; Latin-1 and UTF-16 files are read too.
        </span>
        <input
          id="import-file"
          name="file"
          type="file"
          accept=".csv,text/csv,text/plain"
          className="ck-input"
          required
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? "import-file-hint import-file-error" : "import-file-hint"}
        />
        {error ? (
          <p className="ck-field__error" id="import-file-error">
            {error}
          </p>
        ) : null}
      </div>
      <div>
        <button type="submit" className="ck-button" disabled={busy}>
          Upload and check
        </button>
      </div>
      <div className="ck-upload-progress" hidden={!busy} role="status" aria-live="polite">
        <label htmlFor="import-progress">{progress.state === "reading" ? "Uploaded; reading the file…" : `Uploading${percent === null ? "…" : ` ${percent} %`}`}</label>
        <progress id="import-progress" max={100} value={progress.state === "sending" && percent !== null ? percent : undefined} />
      </div>
    </form>
  );
}
