// Versions of any collaborative document (an action plan, a report's draft) and reading one safely: listing, saving,
// restoring as a new change, and finding the newest state that still reads cleanly when the stored one is damaged.
// Permissions are the caller's: plan-versions.server.ts and reports/report-versions.server.ts decide who may do what.
import { and, desc, eq, sql } from "drizzle-orm";
import type { Database } from "#db/client.server";
import { docSnapshots, docVersions, users } from "#db/schema";
import { damageDescriptions, readDocument, withoutUnsafeLinks, type DocumentReading } from "~/editor/document";
import type { EditorExtensionOptions } from "~/editor/extensions";
import { recordAudit } from "~/modules/audit/audit.server";
import type { Actor } from "~/modules/people/permissions";
import { Conflict, NotFound } from "~/utils/errors";
import { loadPlanState } from "./plan-content.server";
import { beforeRestoreName, restoreChange, versionTitle, type VersionKind } from "./plan-versions";
import { submitServerChange } from "./server-changes.server";

export interface VersionSummary {
  id: string;
  kind: VersionKind;
  title: string;
  day: string | null;
  createdAt: Date;
  createdBy: string | null;
}

/** Newest first: a daily version counts from the end of its day, a named one from when it was saved. */
const newestFirst = [desc(sql`coalesce(${docVersions.day}::timestamptz + interval '1 day', ${docVersions.createdAt})`), desc(docVersions.createdAt)];

/** Every version of a document, newest first. */
export async function documentVersions(db: Database, documentId: string): Promise<VersionSummary[]> {
  const rows = await db
    .select({ id: docVersions.id, kind: docVersions.kind, name: docVersions.name, day: docVersions.day, createdAt: docVersions.createdAt, createdBy: users.name })
    .from(docVersions)
    .leftJoin(users, eq(users.id, docVersions.createdBy))
    .where(eq(docVersions.documentId, documentId))
    .orderBy(...newestFirst);
  return rows.map((v) => ({ id: v.id, kind: v.kind, title: versionTitle(v), day: v.day, createdAt: v.createdAt, createdBy: v.createdBy }));
}

/** One version of the document (its state included); a version of another document is NotFound. */
export async function documentVersion(db: Database, documentId: string, versionId: string) {
  const [version] = await db
    .select({
      id: docVersions.id,
      kind: docVersions.kind,
      name: docVersions.name,
      day: docVersions.day,
      state: docVersions.state,
      seq: docVersions.seq,
      createdAt: docVersions.createdAt,
      createdBy: users.name,
    })
    .from(docVersions)
    .leftJoin(users, eq(users.id, docVersions.createdBy))
    .where(and(eq(docVersions.id, versionId), eq(docVersions.documentId, documentId)));
  if (!version) throw new NotFound("version");
  return version;
}

/** The document as stored now, read as the editor would read it. */
export async function readStoredDocument(
  db: Database,
  documentId: string,
  options: EditorExtensionOptions = {},
): Promise<DocumentReading & { seq: number; state: Uint8Array }> {
  const stored = await loadPlanState(db, documentId);
  return { ...readDocument(stored.state, options), seq: stored.seq, state: stored.state };
}

/** Where a damaged document can be brought back from: a version, or a snapshot compaction kept that no version has. */
export type LastGood =
  | { kind: "version"; versionId: string; title: string; createdAt: Date; seq: number }
  | { kind: "snapshot"; seq: number; createdAt: Date };

/** How many past states are tried before giving up: each is one read through the editor's schema (a few ms). */
const LAST_GOOD_CANDIDATES = 60;

/**
 * The newest past state of the document that reads cleanly: its versions (named and daily) and its snapshots, newest
 * first by the log position they cover (a version wins a tie, it can be restored as it is). States are fetched one at
 * a time, so the usual case — the newest one is fine — reads one row.
 */
export async function lastGoodState(db: Database, documentId: string): Promise<LastGood | null> {
  const [versions, snapshots] = await Promise.all([
    db
      .select({ id: docVersions.id, kind: docVersions.kind, name: docVersions.name, day: docVersions.day, seq: docVersions.seq, createdAt: docVersions.createdAt })
      .from(docVersions)
      .where(eq(docVersions.documentId, documentId))
      .orderBy(desc(docVersions.seq), ...newestFirst)
      .limit(LAST_GOOD_CANDIDATES),
    db
      .select({ seq: docSnapshots.seq, createdAt: docSnapshots.createdAt })
      .from(docSnapshots)
      .where(eq(docSnapshots.documentId, documentId))
      .orderBy(desc(docSnapshots.seq))
      .limit(LAST_GOOD_CANDIDATES),
  ]);
  const candidates: LastGood[] = [
    ...versions.map((v): LastGood => ({ kind: "version", versionId: v.id, title: versionTitle(v), createdAt: v.createdAt, seq: v.seq })),
    ...snapshots.map((s): LastGood => ({ kind: "snapshot", seq: s.seq, createdAt: s.createdAt })),
  ].sort((a, b) => b.seq - a.seq || (a.kind === b.kind ? 0 : a.kind === "version" ? -1 : 1));
  for (const candidate of candidates.slice(0, LAST_GOOD_CANDIDATES)) {
    const state = await stateOf(db, documentId, candidate);
    if (state && readDocument(state).ok) return candidate;
  }
  return null;
}

/** The stored state of a past version or snapshot (null if compaction removed the snapshot since). */
export async function stateOf(db: Database, documentId: string, candidate: LastGood): Promise<Uint8Array | null> {
  if (candidate.kind === "version") {
    const [row] = await db.select({ state: docVersions.state }).from(docVersions).where(eq(docVersions.id, candidate.versionId));
    return row?.state ?? null;
  }
  const [row] = await db
    .select({ state: docSnapshots.state })
    .from(docSnapshots)
    .where(and(eq(docSnapshots.documentId, documentId), eq(docSnapshots.seq, candidate.seq)));
  return row?.state ?? null;
}

/**
 * What a page says about a damaged document: its name, what is wrong, where its history is and the state to bring
 * back. Null when the document reads cleanly.
 */
export interface DamageNotice {
  documentLabel: string;
  description: string;
  historyPath: string | null;
  lastGood: { kind: "version"; versionId: string; title: string; createdAt: string } | { kind: "snapshot"; createdAt: string } | null;
}

export async function damageNotice(
  db: Database,
  documentId: string,
  reading: DocumentReading,
  label: { documentLabel: string; historyPath: string | null },
): Promise<DamageNotice | null> {
  if (reading.ok) return null;
  const good = await lastGoodState(db, documentId);
  return {
    ...label,
    description: damageDescriptions[reading.damage],
    lastGood: !good
      ? null
      : good.kind === "version"
        ? { kind: "version", versionId: good.versionId, title: good.title, createdAt: good.createdAt.toISOString() }
        : { kind: "snapshot", createdAt: good.createdAt.toISOString() },
  };
}

interface VersionAudit {
  districtId: string;
  /** The audit actions are `<prefix>.version.create` and `<prefix>.restore`. */
  auditPrefix: "plan" | "report" | "meeting_notes";
  details: Record<string, unknown>;
  ip?: string;
}

/** Saves the document as it is stored now under a name, audited. */
export async function saveDocumentVersion(db: Database, actor: Actor, documentId: string, name: string, audit: VersionAudit) {
  const stored = await loadPlanState(db, documentId);
  return db.transaction(async (tx) => {
    const [version] = await tx
      .insert(docVersions)
      .values({ documentId, kind: "named", name, state: stored.state, seq: stored.seq, createdBy: actor.id })
      .returning({ id: docVersions.id });
    await recordAudit(tx, {
      districtId: audit.districtId,
      actorId: actor.id,
      action: `${audit.auditPrefix}.version.create`,
      entityType: "doc_version",
      entityId: version.id,
      details: { documentId, ...audit.details, name, seq: stored.seq },
      ip: audit.ip,
    });
    return version;
  });
}

/**
 * Keeps a snapshot that reads cleanly as a named version, so it can be opened and restored like any other (compaction
 * would otherwise delete it). Used when a damaged document has no clean version newer than it.
 */
export async function keepSnapshotAsVersion(db: Database, actor: Actor, documentId: string, seq: number, audit: VersionAudit) {
  const [snapshot] = await db
    .select({ state: docSnapshots.state, createdAt: docSnapshots.createdAt })
    .from(docSnapshots)
    .where(and(eq(docSnapshots.documentId, documentId), eq(docSnapshots.seq, seq)));
  if (!snapshot) throw new Conflict("That earlier state is no longer kept. Reload the page to see what can be restored now.");
  const name = `Last readable state, kept ${snapshot.createdAt.toISOString().slice(0, 10)}`;
  return db.transaction(async (tx) => {
    const [version] = await tx
      .insert(docVersions)
      .values({ documentId, kind: "named", name, state: snapshot.state, seq, createdBy: actor.id })
      .returning({ id: docVersions.id });
    await recordAudit(tx, {
      districtId: audit.districtId,
      actorId: actor.id,
      action: `${audit.auditPrefix}.version.create`,
      entityType: "doc_version",
      entityId: version.id,
      details: { documentId, ...audit.details, name, seq, fromSnapshot: true },
      ip: audit.ip,
    });
    return version;
  });
}

/**
 * Makes the document read as the version does again, as a new change by the actor through the collaboration server,
 * so open editors see it at once and it is stored before anyone does. What the document said just before (damaged or
 * not) is first kept as a named version: a restore never loses anything. A version that is itself damaged is refused.
 */
export async function restoreDocumentVersion(db: Database, actor: Actor, documentId: string, versionId: string, audit: VersionAudit) {
  const version = await documentVersion(db, documentId, versionId);
  const reading = readDocument(version.state);
  if (!reading.ok) {
    throw new Conflict(`“${versionTitle(version)}” is damaged too (${damageDescriptions[reading.damage]}), so it cannot be restored. Choose an older version.`);
  }
  // Links a rule forbids now are not brought back, whenever the version was saved.
  const content = withoutUnsafeLinks(reading.json).json;
  const before = await loadPlanState(db, documentId);
  const [kept] = await db
    .insert(docVersions)
    .values({ documentId, kind: "named", name: beforeRestoreName(version), state: before.state, seq: before.seq, createdBy: actor.id })
    .returning({ id: docVersions.id });
  let seq: number;
  try {
    seq = await submitServerChange(db, documentId, actor.id, (current) => restoreChange(current, content));
  } catch (error) {
    // Nothing was restored, so there is nothing to have kept: the list shows no "Before restoring" without a restore.
    await db.delete(docVersions).where(eq(docVersions.id, kept.id)).catch(() => {});
    throw error;
  }
  await recordAudit(db, {
    districtId: audit.districtId,
    actorId: actor.id,
    action: `${audit.auditPrefix}.restore`,
    entityType: "doc_version",
    entityId: version.id,
    details: { documentId, ...audit.details, version: versionTitle(version), seq, keptVersionId: kept.id },
    ip: audit.ip,
  });
  return { seq, keptVersionId: kept.id, title: versionTitle(version) };
}

/**
 * "Restore the last good version" of a damaged document: the newest version or snapshot that reads cleanly, found
 * again here (never taken from a form), a snapshot first kept as a named version. The caller checked edit access.
 */
export async function restoreLastGood(db: Database, actor: Actor, documentId: string, what: string, audit: VersionAudit) {
  const reading = await readStoredDocument(db, documentId);
  if (reading.ok) throw new Conflict(`The ${what} reads cleanly now: nothing needs restoring. Reload the page.`);
  const good = await lastGoodState(db, documentId);
  if (!good) throw new Conflict(`No earlier version of the ${what} reads cleanly, so there is nothing to restore.`);
  const versionId = good.kind === "version" ? good.versionId : (await keepSnapshotAsVersion(db, actor, documentId, good.seq, audit)).id;
  return restoreDocumentVersion(db, actor, documentId, versionId, audit);
}
