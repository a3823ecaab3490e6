// A district's "today": due dates, checkpoints and weeks are calendar days where the district is, not in UTC (at
// 7 pm in New York it is already tomorrow in UTC, and a strategy due today would read as overdue).

/** Whether `name` is an IANA time zone this runtime knows (e.g. "America/Chicago", "UTC"). */
export function isTimeZone(name: unknown): name is string {
  if (typeof name !== "string" || name.length === 0 || name.length > 64) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The calendar date (YYYY-MM-DD) at `at` in `timeZone`; an unknown zone counts as UTC. */
export function localDate(at: Date, timeZone: string): string {
  const zone = isTimeZone(timeZone) ? timeZone : "UTC";
  let format = formatters.get(zone);
  if (!format) formatters.set(zone, (format = new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" })));
  const parts = Object.fromEntries(format.formatToParts(at).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}

/** Today, where the signed-in person's district is. */
export function todayFor(user: { timeZone: string }, now: Date = new Date()): string {
  return localDate(now, user.timeZone);
}

/** The time zones offered in the district's settings, by name. */
export function timeZoneChoices(): string[] {
  const zones = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  return zones.includes("UTC") ? zones : ["UTC", ...zones];
}
