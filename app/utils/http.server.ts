// The one place that turns typed domain errors into HTTP responses, plus form parsing for actions.
import { data } from "@remix-run/node";
import type { z } from "zod";
import { dropUnstorable } from "./text";
import { isDatabaseOutage } from "#db/client.server";
import { Conflict, Forbidden, NotFound, StaleEdit, ValidationFailed, type FieldErrors } from "./errors";

export interface ActionFailure {
  ok: false;
  fieldErrors: FieldErrors;
  formError?: string;
  /** For a stale edit: the values saved since the form was loaded, to show beside the person's own. */
  stale?: Record<string, unknown>;
  /** A ValidationFailed's detail, for forms that show more than messages per field. */
  detail?: unknown;
  values: Record<string, string | string[]>;
}

/** Form fields as strings (and arrays for repeated names), passwords dropped so they are never echoed back. */
export function formValues(form: FormData): Record<string, string | string[]> {
  const values: Record<string, string | string[]> = {};
  for (const key of new Set(form.keys())) {
    if (/password/i.test(key)) continue;
    const all = form.getAll(key).filter((v): v is string => typeof v === "string");
    values[key] = all.length > 1 ? all : (all[0] ?? "");
  }
  return values;
}

function formObject(form: FormData) {
  const raw: Record<string, unknown> = {};
  for (const key of new Set(form.keys())) {
    const all = form.getAll(key).filter((v) => typeof v === "string");
    raw[key] = all.length > 1 ? all : all[0];
  }
  return raw;
}

export function issuesToFieldErrors(issues: z.core.$ZodIssue[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const key = issue.path.length ? String(issue.path[0]) : "form";
    (errors[key] ??= []).push(issue.message);
  }
  return errors;
}

/** Parses a form with a zod schema or throws ValidationFailed naming each bad field. */
export function parseForm<S extends z.ZodType>(form: FormData, schema: S): z.output<S> {
  const result = schema.safeParse(formObject(form));
  if (!result.success) throw new ValidationFailed(issuesToFieldErrors(result.error.issues));
  return result.data;
}

/** No form of ours has more than a few hundred fields; thousands of tiny ones cost parsing time for nothing. */
export const MAX_FORM_FIELDS = 1_000;

/**
 * The form of a request, bounded (the body's size is capped while it streams in, server/http/body-limits.ts; the
 * field count here) and with every text value under the text rule: what PostgreSQL cannot store is dropped (ADR 0030).
 */
export async function readForm(request: Request) {
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    throw new Response("The form could not be read.", { status: 400 });
  }
  return boundedForm(form);
}

/** The same form with the field-count cap applied and unstorable characters dropped from its text values. */
export function boundedForm(form: FormData): FormData {
  let fields = 0;
  const clean = new FormData();
  for (const [key, value] of form) {
    if (++fields > MAX_FORM_FIELDS) {
      throw new Response(`The form has too many fields (more than ${MAX_FORM_FIELDS}); nothing was saved.`, { status: 413, statusText: "Payload Too Large" });
    }
    if (typeof value === "string") clean.append(dropUnstorable(key), dropUnstorable(value));
    else clean.append(dropUnstorable(key), value, dropUnstorable(value.name));
  }
  return clean;
}

/** How long a page asks a client to wait before trying again while the database is unavailable. */
export const RETRY_AFTER_SECONDS = 30;

/** The answer while the database cannot be reached: 503, and when to try again (entry.server.tsx adds Retry-After). */
export function databaseUnavailable() {
  return new Response(`Cyclekeeper cannot reach its database just now, so this page cannot be shown. Nothing you saved is lost. Try again in about ${RETRY_AFTER_SECONDS} seconds.`, {
    status: 503,
    statusText: "Service Unavailable",
    headers: { "Retry-After": String(RETRY_AFTER_SECONDS) },
  });
}

/** Maps a thrown domain error to a response; anything else is rethrown as a genuine failure. */
export function toHttpError(error: unknown): never {
  if (error instanceof Response) throw error;
  if (isDatabaseOutage(error)) throw databaseUnavailable();
  if (error instanceof NotFound) throw new Response("Not found", { status: 404, statusText: "Not Found" });
  if (error instanceof Forbidden) throw new Response(error.message, { status: 403, statusText: "Forbidden" });
  if (error instanceof Conflict) throw new Response(error.message, { status: 409, statusText: "Conflict" });
  if (error instanceof ValidationFailed) throw new Response(error.message, { status: 400, statusText: "Bad Request" });
  throw error;
}

/** Runs a loader body, turning domain errors into 404/403/409 responses. */
export async function load<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    toHttpError(error);
  }
}

/**
 * Runs an action body. Validation failures and field-level conflicts come back as data (status 400/409)
 * so the form can show them next to their fields with the input kept; other errors become responses.
 */
export async function act<T>(form: FormData, fn: () => Promise<T>) {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof ValidationFailed) {
      return data<ActionFailure>(
        { ok: false, fieldErrors: error.fieldErrors, ...(error.detail === undefined ? {} : { detail: error.detail }), values: formValues(form) },
        { status: 400 },
      );
    }
    if (error instanceof StaleEdit) {
      return data<ActionFailure>({ ok: false, fieldErrors: {}, formError: error.message, stale: error.current, values: formValues(form) }, { status: 409 });
    }
    if (error instanceof Conflict) {
      const fieldErrors: FieldErrors = error.field ? { [error.field]: [error.message] } : {};
      return data<ActionFailure>(
        { ok: false, fieldErrors, formError: error.field ? undefined : error.message, values: formValues(form) },
        { status: 409 },
      );
    }
    toHttpError(error);
  }
}

/** Only local paths may be redirect targets, so a link cannot send someone off-site after sign-in. */
export function safeRedirectPath(to: FormDataEntryValue | string | null | undefined, fallback = "/home") {
  // Browsers drop tabs and newlines and read a backslash as "/", which would turn "/\t/evil.example" into "//evil.example".
  if (typeof to !== "string" || !isLocalPath(to)) return fallback;
  const base = "http://cyclekeeper.invalid";
  let url: URL;
  try {
    url = new URL(to, base);
  } catch {
    return fallback;
  }
  if (url.origin !== base) return fallback;
  const path = url.pathname + url.search + url.hash;
  // Checked again on what is returned: "/.//evil.example" normalises to "//evil.example", which a browser reads as another host.
  return isLocalPath(path) ? path : fallback;
}

/** A path a browser resolves on this site whatever it does with it: one leading slash, no backslash or control character. */
function isLocalPath(path: string) {
  return path.startsWith("/") && !path.startsWith("//") && !/[\u0000-\u001f\u007f\\]/.test(path) && new URL(path, "http://cyclekeeper.invalid").host === "cyclekeeper.invalid";
}
