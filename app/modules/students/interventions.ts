// How a plan's ending that met a newer version reads: what was saved beside what this person typed, in words.
import { outcomeLabels } from "./students.schema";

export interface PlanConflictRow {
  field: string;
  label: string;
  saved: string;
  typed: string;
}

const words = (value: unknown) => (typeof value === "string" && value.trim() !== "" ? value.trim() : "(empty)");
const outcomeInWords = (value: unknown) => (typeof value === "string" && value in outcomeLabels ? outcomeLabels[value as keyof typeof outcomeLabels] : words(value));

/**
 * Where the plan as saved (`saved`, from the stale answer) and the end form as typed (`typed`) differ: end date,
 * outcome and outcome note, in words. None when the colleague ended it just as this person meant to.
 */
export function planEndConflictRows(saved: Record<string, unknown>, typed: Record<string, unknown>): PlanConflictRow[] {
  const ended = Boolean(saved.endDate);
  const rows: PlanConflictRow[] = [
    { field: "endDate", label: "End date", saved: ended ? words(saved.endDate) : "Not ended", typed: words(typed.endDate) },
    { field: "outcome", label: "Outcome", saved: ended ? outcomeInWords(saved.outcome) : "–", typed: outcomeInWords(typed.outcome) },
    { field: "outcomeNote", label: "Outcome note", saved: ended ? words(saved.outcomeNote) : "–", typed: words(typed.outcomeNote) },
  ];
  return rows.filter((row) => row.saved !== row.typed);
}
