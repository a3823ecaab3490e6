// One action answer, several forms on a page: tells which form (its intent) and which record (a hidden field such as
// the plan's id) a failed answer came from, so each form shows only its own errors and gets back only its own values.

/** The part of a failed action's answer that says which form sent it: the fields it sent, hidden ones included. */
export interface SentForm {
  values: Record<string, string | string[]>;
}

/**
 * `failure` if the form with this intent sent it (and, for a form repeated once per record, the one whose hidden
 * fields hold these values), else undefined. The form it belongs to is the one the cursor goes back to, so the
 * answer is marked `focusFirstError` for the form fields (see useFocusOnFailure in ~/components/ui/form).
 */
export function failureFor<F extends SentForm>(failure: F | undefined, intent: string, record: Record<string, string> = {}): (F & { focusFirstError: true }) | undefined {
  if (!failure?.values || failure.values.intent !== intent) return undefined;
  for (const [field, value] of Object.entries(record)) if (failure.values[field] !== value) return undefined;
  return { ...failure, focusFirstError: true };
}
