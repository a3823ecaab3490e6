// Plan versions without the database: the name a person gives one, the change that restores one, and who changed
// the plan on which day.
import type { JSONContent } from "@tiptap/core";
import { prosemirrorJSONToYDoc } from "@tiptap/y-tiptap";
import * as Y from "yjs";
import { z } from "zod";
import { DOCUMENT_FIELD, editorSchema } from "~/editor/extensions";
import { schoolYearLabel } from "~/modules/cycles/school-year";
import { nameText } from "~/utils/text";

export const VERSION_NAME_MAX = 120;

export const saveVersionSchema = z.object({
  name: nameText(
    z
      .string({ error: "Give the version a name." })
      .trim()
      .min(1, "Give the version a name, such as “Approved by board, May 2027”.")
      .max(VERSION_NAME_MAX, `Keep the name to ${VERSION_NAME_MAX} characters or fewer.`),
  ),
});

export type VersionKind = "named" | "daily";

const longDate = new Intl.DateTimeFormat("en-US", { dateStyle: "long", timeZone: "UTC" });

/** "3 May 2027" style for a daily version's day (stored as YYYY-MM-DD, a UTC day). */
export function dayLabel(day: string) {
  return longDate.format(new Date(`${day}T00:00:00Z`));
}

/** How a version is called on the page: its name, or the day it keeps the end of. */
export function versionTitle(version: { kind: VersionKind; name: string | null; day: string | null }) {
  return version.kind === "named" ? (version.name ?? "Unnamed version") : `End of ${dayLabel(version.day ?? "")}`;
}

/** The name of the version a restore keeps of what it replaced, within the length names may have. */
export function beforeRestoreName(restored: { kind: VersionKind; name: string | null; day: string | null }) {
  const what = restored.kind === "named" ? `“${restored.name ?? ""}”` : `the version of ${dayLabel(restored.day ?? "")}`;
  const name = `Before restoring ${what}`;
  return name.length <= VERSION_NAME_MAX ? name : `${name.slice(0, VERSION_NAME_MAX - 2)}…”`;
}

/**
 * The Yjs change that makes a document read `content` again, as a new change on top of `currentState`: every
 * top-level block there now is deleted and the version's blocks are inserted, in one transaction by a client id the
 * document has never seen. Nothing earlier is rewritten, so editors who had the old state converge on the new one and
 * edits made concurrently by others merge as usual (what the plan said before is kept as a version by the caller).
 */
export function restoreChange(currentState: Uint8Array, content: JSONContent): Uint8Array {
  const source = prosemirrorJSONToYDoc(editorSchema(), content, DOCUMENT_FIELD);
  const scratch = new Y.Doc();
  Y.applyUpdate(scratch, currentState);
  const seen = Y.decodeStateVector(Y.encodeStateVector(scratch));
  while (seen.has(scratch.clientID)) scratch.clientID = Math.floor(Math.random() * 0xffffffff);
  let change: Uint8Array | null = null;
  scratch.on("update", (update: Uint8Array) => (change = update));
  const fragment = scratch.getXmlFragment(DOCUMENT_FIELD);
  const blocks = source.getXmlFragment(DOCUMENT_FIELD).toArray();
  scratch.transact(() => {
    fragment.delete(0, fragment.length);
    fragment.insert(
      0,
      blocks.map((block) => block.clone() as Y.XmlElement | Y.XmlText),
    );
  });
  source.destroy();
  scratch.destroy();
  return change ?? Y.encodeStateAsUpdate(new Y.Doc());
}

export interface ActivityRow {
  userId: string | null;
  day: string;
  firstAt: Date;
  lastAt: Date;
  changes: number;
}

/**
 * One row per person and day, newest day first: the sums compaction kept and the rows still in the log, which never
 * overlap, are added up.
 */
export function mergeActivity(rows: ActivityRow[]): ActivityRow[] {
  const byKey = new Map<string, ActivityRow>();
  for (const row of rows) {
    const key = `${row.day}|${row.userId ?? ""}`;
    const seen = byKey.get(key);
    if (!seen) {
      byKey.set(key, { ...row });
      continue;
    }
    seen.changes += row.changes;
    if (row.firstAt < seen.firstAt) seen.firstAt = row.firstAt;
    if (row.lastAt > seen.lastAt) seen.lastAt = row.lastAt;
  }
  return [...byKey.values()].sort((a, b) => (a.day === b.day ? b.lastAt.getTime() - a.lastAt.getTime() : a.day < b.day ? 1 : -1));
}

/**
 * How a damaged plan is named to a district lead ("Maple Elementary's action plan for 2026–27") and where its history
 * is, to restore from.
 */
export function planDamageLabel(cycle: { id: string; schoolName: string | null; startYear: number }, districtName: string) {
  return { documentLabel: `${possessive(cycle.schoolName ?? districtName)} action plan for ${schoolYearLabel(cycle.startYear)}`, historyPath: `/cycles/${cycle.id}/plan/history` };
}

/** "Maple Elementary's", "St. James'". */
export function possessive(name: string) {
  return /s$/i.test(name) ? `${name}’` : `${name}’s`;
}
