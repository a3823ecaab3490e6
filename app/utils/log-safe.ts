// What an error may say in a log: its class, code, our own message and where it came from, never the values a
// request or a file carried (a failed query's parameters, a row's detail), and never more than a few lines (ADR 0030).

/** Longest message kept from one error in the chain. */
const MESSAGE_MAX = 240;
/** Stack frames kept: enough to find the line, not a page of framework internals. */
const FRAMES_MAX = 8;

/**
 * One bounded line (plus a few stack frames) describing an error. A drizzle query error's message is
 * "Failed query: <sql>\nparams: <every value>": the SQL is ours and kept, shortened; the values are dropped. A
 * database error's own message names the problem ('invalid byte sequence for encoding "UTF8": 0x00'); its
 * `detail` ("Key (email)=(…) already exists") and `where` can hold data and are left out.
 */
export function describeError(error: unknown, options: { frames?: boolean } = {}): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current !== undefined && current !== null; depth++) {
    parts.push(describeOne(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  const frames = options.frames !== false && error instanceof Error && typeof error.stack === "string" ? error.stack.split("\n").filter((l) => /^\s+at /.test(l)).slice(0, FRAMES_MAX) : [];
  return [parts.join(" ← caused by "), ...frames].join("\n");
}

function describeOne(error: unknown): string {
  if (!(error instanceof Error)) return `a thrown ${error === null ? "null" : typeof error} (not an Error; its value is not logged)`;
  const record = error as Error & { code?: unknown; table_name?: unknown; table?: unknown; constraint_name?: unknown; constraint?: unknown; column_name?: unknown; column?: unknown };
  const code = typeof record.code === "string" || typeof record.code === "number" ? ` [${record.code}]` : "";
  const where = [
    ["table", record.table_name ?? record.table],
    ["column", record.column_name ?? record.column],
    ["constraint", record.constraint_name ?? record.constraint],
  ]
    .filter(([, v]) => typeof v === "string" && v.length > 0 && v.length < 64)
    .map(([k, v]) => `${k} ${v}`);
  return `${error.name}${code}: ${safeMessage(error.message)}${where.length ? ` (${where.join(", ")})` : ""}`;
}

/** The message without any "params:" part and cut to a bounded length, control characters shown as spaces. */
export function safeMessage(message: string): string {
  const withoutParams = message.split(/\n?\s*params:/i)[0];
  const oneLine = withoutParams.replace(/[\u0000-\u001f\u007f]+/g, " ").trim();
  return oneLine.length > MESSAGE_MAX ? `${oneLine.slice(0, MESSAGE_MAX)}… (${oneLine.length} characters)` : oneLine;
}
