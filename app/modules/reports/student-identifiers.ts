// Finds students' names and district ids in what a report would publish, so publishing can refuse it (ADR 0034).
//
// Built once per publish from the district's roster: a map from each name's first word to the names starting with it,
// and a set of ids. The report's text is then read once, word by word, so the cost grows with the text plus the
// roster, never with their product. Names compare without case or accents and only as whole words; ids compare as
// whole tokens without case.
import type { JSONContent } from "@tiptap/core";

export interface RosterEntry {
  studentId: string;
  /** The district's own student id (ADR 0023). */
  localId: string;
  givenName: string;
  familyName: string;
}

/**
 * "id": a district student id, never publishable. "number": an id that is a plain number of at most four digits,
 * which a count or a year can equal ("2026", "12 students"). "name": a student's full name, which a staff member's
 * name or ordinary words can equal. The lead may confirm a "number" or "name" match is not about a student.
 */
export type IdentifierKind = "id" | "number" | "name";

export interface IdentifierMatch {
  kind: IdentifierKind;
  /** The words as the report has them. */
  text: string;
  /** What the lead confirms when a match is not about a student: kind and normalised words, e.g. "name:ana lopez". */
  key: string;
  start: number;
  end: number;
  /** The roster's students whose name or id this is (for the access log; never shown). */
  studentIds: string[];
}

export interface StudentMatcher {
  find(text: string): IdentifierMatch[];
}

/** Whether the lead may publish a match after confirming it is not about a student. */
export const overridable = (kind: IdentifierKind) => kind !== "id";

const NAME_WORD = /[\p{L}\p{N}]+(?:['-][\p{L}\p{N}]+)*/gu;
const ID_TOKEN = /[\p{L}\p{N}]+(?:[-_.][\p{L}\p{N}]+)*/gu;
const NAME_WORD_ASCII = /[a-z0-9]+(?:['-][a-z0-9]+)*/gi;
const ID_TOKEN_ASCII = /[a-z0-9]+(?:[-_.][a-z0-9]+)*/gi;

/**
 * The text folded for comparison (`fold` per character) with, for each folded character, the index of the original
 * character it came from, so a match found in the folded text points back at the report's own words.
 */
function folded(text: string, fold: (c: string) => string): { text: string; origin: (k: number) => number } {
  // Plain ASCII, most of any report, folds by lower-casing, one character for one.
  if (ASCII.test(text)) return { text: text.toLowerCase(), origin: (k) => k };
  const out: string[] = [];
  const origin: number[] = [];
  let i = 0;
  for (const c of text) {
    const f = fold(c);
    out.push(f);
    for (let k = 0; k < f.length; k++) origin.push(i);
    i += c.length;
  }
  origin.push(i);
  return { text: out.join(""), origin: (k) => origin[k] };
}
const ASCII = /^[\x00-\x7f]*$/;

const foldName = (c: string) => (c === "’" || c === "ʼ" ? "'" : c.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase());
const foldId = (c: string) => c.normalize("NFKC").toLowerCase();

function words(text: string, pattern: RegExp): { word: string; start: number; end: number }[] {
  // The same words in ASCII text without Unicode property classes, several times faster.
  const p = ASCII.test(text) ? (pattern === NAME_WORD ? NAME_WORD_ASCII : ID_TOKEN_ASCII) : pattern;
  return [...text.matchAll(p)].map((m) => ({ word: m[0], start: m.index, end: m.index + m[0].length }));
}
const nameWords = (name: string) => words(folded(name, foldName).text, NAME_WORD).map((w) => w.word);

/**
 * The ways a report may write a student's name: given and family names in full, in either order ("Ana López",
 * "López, Ana"), and the first given name with the family name ("Ana María López" → "Ana López") or the given name
 * with the first family name ("Ana López García" → "Ana López"). A given or family name alone is not matched: a
 * student called Hope or Rivers would stop every report that hopes or mentions rivers.
 */
function nameForms(entry: RosterEntry): string[][] {
  const given = nameWords(entry.givenName);
  const family = nameWords(entry.familyName);
  if (given.length === 0 || family.length === 0) return [];
  return [[...given, ...family], [...family, ...given], [given[0], ...family], [...given, family[0]], [given[0], family[0]]];
}

export function buildStudentMatcher(roster: readonly RosterEntry[]): StudentMatcher {
  // First word → every form starting with it (with its students); a form shared by two students is one entry.
  const byFirst = new Map<string, Map<string, { words: string[]; studentIds: Set<string> }>>();
  const ids = new Map<string, Set<string>>();
  for (const entry of roster) {
    for (const form of nameForms(entry)) {
      const key = form.join(" ");
      let forms = byFirst.get(form[0]);
      if (!forms) byFirst.set(form[0], (forms = new Map()));
      let known = forms.get(key);
      if (!known) forms.set(key, (known = { words: form, studentIds: new Set() }));
      known.studentIds.add(entry.studentId);
    }
    const id = folded(entry.localId.trim(), foldId).text;
    if (id) {
      let students = ids.get(id);
      if (!students) ids.set(id, (students = new Set()));
      students.add(entry.studentId);
    }
  }

  return {
    find(text) {
      const found: IdentifierMatch[] = [];
      const names = folded(text, foldName);
      // A possessive reads as the name ("Zoë Ng's"); words of one name are apart by spaces or a comma ("López, Ana"),
      // never by a full stop or a semicolon, which end one phrase and start another.
      const tokens = words(names.text, NAME_WORD).map((t) => ({ ...t, base: t.word.replace(/'s$/, "") }));
      const sameName = (k: number) => /^\s*,?\s+$|^\s*,\s*$/.test(names.text.slice(tokens[k - 1].end, tokens[k].start));
      const equal = (k: number, w: string) => tokens[k].word === w || tokens[k].base === w;
      for (let i = 0; i < tokens.length; ) {
        let best: { length: number; key: string; studentIds: Set<string> } | undefined;
        const candidates = [...(byFirst.get(tokens[i].word) ?? []), ...(tokens[i].base !== tokens[i].word ? (byFirst.get(tokens[i].base) ?? []) : [])];
        for (const [key, form] of candidates) {
          if (best && form.words.length <= best.length) continue;
          if (i + form.words.length > tokens.length) continue;
          if (form.words.every((w, k) => equal(i + k, w) && (k === 0 || sameName(i + k)))) best = { length: form.words.length, key, studentIds: form.studentIds };
        }
        if (!best) {
          i++;
          continue;
        }
        const start = names.origin(tokens[i].start);
        const end = names.origin(tokens[i + best.length - 1].end);
        found.push({ kind: "name", text: text.slice(start, end), key: `name:${best.key}`, start, end, studentIds: [...best.studentIds] });
        i += best.length;
      }
      if (ids.size > 0) {
        const idText = folded(text, foldId);
        for (const token of words(idText.text, ID_TOKEN)) {
          const students = ids.get(token.word);
          if (!students) continue;
          const kind: IdentifierKind = /^\d{1,4}$/.test(token.word) ? "number" : "id";
          const start = idText.origin(token.start);
          const end = idText.origin(token.end);
          found.push({ kind, text: text.slice(start, end), key: `${kind}:${token.word}`, start, end, studentIds: [...students] });
        }
      }
      return found.sort((a, b) => a.start - b.start);
    },
  };
}

/** One place in a report that names a student, as the report page lists it. */
export interface IdentifyingPlace {
  kind: IdentifierKind;
  key: string;
  /** Where: "Report title", 'Section "Our data", paragraph 2', 'Section "Our data", data block "Attendance", note'. */
  where: string;
  /** The match and a few words either side, to show with the match highlighted. */
  before: string;
  match: string;
  after: string;
  studentIds: string[];
}

const SNIPPET = 40;

function placesIn(text: string, where: string, matcher: StudentMatcher): IdentifyingPlace[] {
  return matcher.find(text).map((m) => {
    const from = Math.max(0, m.start - SNIPPET);
    const to = Math.min(text.length, m.end + SNIPPET);
    return {
      kind: m.kind,
      key: m.key,
      where,
      // Cut at whole words, with an ellipsis where the text goes on.
      before: from > 0 ? `…${text.slice(from, m.start).replace(/^\S*\s+/, " ")}` : text.slice(0, m.start),
      match: m.text,
      after: to < text.length ? `${text.slice(m.end, to).replace(/\s+\S*$/, "")} …` : text.slice(m.end),
      studentIds: m.studentIds,
    };
  });
}

/** The text of an inline run: text nodes joined, a hard break read as a space. */
function inlineText(node: JSONContent): string {
  if (node.type === "text") return node.text ?? "";
  if (node.type === "hardBreak") return " ";
  return (node.content ?? []).map(inlineText).join("");
}

const TEXT_BLOCKS = new Set(["paragraph", "heading"]);

/**
 * Every place in what a report would publish that names a student: its title, every paragraph and heading (in
 * lists, tables and quotes too), each data block's note and frozen figures (a goal's or group's name is typed by
 * people), and each goal block's frozen words. Places are named by the section (the last heading) and the
 * paragraph's number in it.
 */
export function findStudentIdentifiers(content: JSONContent, title: string, matcher: StudentMatcher): IdentifyingPlace[] {
  const places = placesIn(title, "Report title", matcher);
  let section = "Before the first heading";
  let paragraph = 0;
  const label = (text: string) => `“${text.length > 60 ? `${text.slice(0, 57)}…` : text}”`;
  const visit = (node: JSONContent) => {
    if (node.type === "heading") {
      const text = inlineText(node).trim();
      places.push(...placesIn(text, `Heading ${label(text)}`, matcher));
      section = `Section ${label(text)}`;
      paragraph = 0;
      return;
    }
    if (node.type && TEXT_BLOCKS.has(node.type)) {
      paragraph++;
      places.push(...placesIn(inlineText(node), `${section}, paragraph ${paragraph}`, matcher));
      return;
    }
    if (node.type === "dataBlock") {
      const attrs = (node.attrs ?? {}) as { note?: unknown; frozen?: { title?: unknown; summary?: unknown; columns?: { label?: unknown }[]; rows?: { header?: unknown; cells?: unknown[] }[]; footnotes?: unknown[] } | null };
      const frozen = attrs.frozen ?? null;
      const name = typeof frozen?.title === "string" ? `data block ${label(frozen.title)}` : "a data block";
      if (typeof attrs.note === "string") places.push(...placesIn(attrs.note, `${section}, ${name}, note`, matcher));
      if (frozen) {
        const figures = [frozen.title, frozen.summary, ...(frozen.columns ?? []).map((c) => c?.label), ...(frozen.rows ?? []).flatMap((r) => [r?.header, ...(r?.cells ?? [])]), ...(frozen.footnotes ?? [])];
        for (const text of figures) if (typeof text === "string") places.push(...placesIn(text, `${section}, ${name}, table`, matcher));
      }
      return;
    }
    if (node.type === "goalReference") {
      const frozen = (node.attrs?.frozen ?? null) as { title?: unknown } | null;
      if (typeof frozen?.title === "string") places.push(...placesIn(frozen.title, `${section}, goal block`, matcher));
      return;
    }
    for (const child of node.content ?? []) visit(child);
  };
  visit(content);
  return places;
}
