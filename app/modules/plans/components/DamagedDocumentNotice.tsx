// What a page shows instead of a document that cannot be read: which document, what is wrong, and its last good
// version to restore (a form that works without JavaScript) or to open first.
import { Form, Link } from "@remix-run/react";
import type { DamageNotice } from "~/modules/plans/document-versions.server";

const moment = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

export function DamagedDocumentNotice({
  damage,
  canRestore,
  restoreAction,
  versionPath,
  error,
}: {
  damage: DamageNotice;
  /** The reader may restore (edits the document); others are told who can. */
  canRestore: boolean;
  /** Where the "restore the last good version" form posts (intent=restore-last-good). */
  restoreAction: string;
  /** The page of a version, to read it before restoring (documents without a history page have none). */
  versionPath?: (versionId: string) => string;
  error?: string;
}) {
  const good = damage.lastGood;
  const when = good ? `${moment.format(new Date(good.createdAt))} UTC` : "";
  return (
    <section className="ck-notice ck-notice--error ck-stack" aria-labelledby="damaged-heading">
      <h2 id="damaged-heading">{`${damage.documentLabel} cannot be shown`}</h2>
      <p>
        {`It is damaged: ${damage.description}.`} Nothing has been changed or thrown away; it is not shown so that nobody's editor works on it as it is.
      </p>
      {error ? <p role="alert"><strong>{error}</strong></p> : null}
      {good ? (
        <p>
          The last version that reads cleanly is{" "}
          {good.kind === "version" ? (
            <>
              {versionPath ? <Link to={versionPath(good.versionId)}>{`“${good.title}”`}</Link> : `“${good.title}”`}, saved {when}
            </>
          ) : (
            <>an automatic copy taken {when}</>
          )}
          .
        </p>
      ) : (
        <p>No earlier version of it reads cleanly, so it cannot be restored; its sections need to be written again.</p>
      )}
      {good && canRestore ? (
        <Form method="post" action={restoreAction} className="ck-actions">
          <input type="hidden" name="intent" value="restore-last-good" />
          <button type="submit" className="ck-button">
            Restore the last good version
          </button>
          {damage.historyPath ? (
            <Link to={damage.historyPath} className="ck-button ck-button--secondary">
              See every version
            </Link>
          ) : null}
        </Form>
      ) : good ? (
        <p>
          Someone who may edit it can restore that version{damage.historyPath ? <> from <Link to={damage.historyPath}>its history</Link></> : null}.
        </p>
      ) : null}
      <p className="ck-muted">Restoring is a new change: the damaged state is kept as a version named “Before restoring …”, so it can still be examined.</p>
    </section>
  );
}
