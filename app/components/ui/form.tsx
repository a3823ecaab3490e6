// Labelled form controls that show their errors beside them and keep what was typed.
import { useEffect, useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes } from "react";

export interface FormState {
  fieldErrors?: Record<string, string[]>;
  formError?: string;
  values?: Record<string, string | string[]>;
  /** This form is the one that was sent (failureFor in ~/utils/form-failure): its first field in error takes the cursor. */
  focusFirstError?: boolean;
}

function errorsFor(state: FormState | undefined, name: string) {
  return state?.fieldErrors?.[name];
}

/**
 * Whether `name` is the field the answer to a failed form should put the cursor in: its first field in error. Errors
 * come in the order the form's schema lists its fields, which is the order the form shows them.
 */
export function takesFocus(state: FormState | undefined, name: string) {
  if (!state?.focusFirstError || !state.fieldErrors) return false;
  return Object.keys(state.fieldErrors).find((field) => state.fieldErrors?.[field]?.length) === name;
}

/**
 * After a failed submission, puts the cursor in the first field in error, or else on the message that explains the
 * failure (an element marked `data-failure-notice` with tabIndex -1). Without JavaScript the server's page does this
 * with autofocus (see takesFocus); with it the page re-renders in place, where autofocus does nothing, and this does.
 * Pass the action's answer itself (useActionData), so the effect runs once per answer, not on every render.
 */
export function useFocusOnFailure(failure: object | undefined) {
  useEffect(() => {
    if (!failure) return;
    const target = document.querySelector<HTMLElement>('[aria-invalid="true"]') ?? document.querySelector<HTMLElement>("[data-failure-notice]");
    target?.focus();
  }, [failure]);
}

export function valueOf(state: FormState | undefined, name: string, fallback?: string) {
  const v = state?.values?.[name];
  if (v === undefined) return fallback;
  return Array.isArray(v) ? v[0] : v;
}

export function valuesOf(state: FormState | undefined, name: string, fallback: string[] = []) {
  if (!state?.values) return fallback;
  const v = state.values[name];
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

interface FieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, "name"> {
  name: string;
  label: string;
  hint?: ReactNode;
  state?: FormState;
}

export function TextField({ name, label, hint, state, defaultValue, type = "text", autoFocus, ...rest }: FieldProps) {
  const id = useId();
  const errors = errorsFor(state, name);
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = errors ? `${id}-error` : undefined;
  const keep = type !== "password";
  return (
    <div className="ck-field">
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <span className="ck-field__hint" id={hintId}>
          {hint}
        </span>
      ) : null}
      <input
        id={id}
        name={name}
        type={type}
        className="ck-input"
        defaultValue={keep ? (valueOf(state, name) ?? (defaultValue as string | undefined)) : undefined}
        autoFocus={autoFocus ?? (takesFocus(state, name) || undefined)}
        aria-invalid={errors ? true : undefined}
        aria-describedby={[hintId, errorId].filter(Boolean).join(" ") || undefined}
        {...rest}
      />
      <FieldErrors id={errorId} errors={errors} />
    </div>
  );
}

export function TextAreaField({
  name,
  label,
  hint,
  state,
  defaultValue,
  rows = 3,
}: {
  name: string;
  label: string;
  hint?: ReactNode;
  state?: FormState;
  defaultValue?: string;
  rows?: number;
}) {
  const id = useId();
  const errors = errorsFor(state, name);
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = errors ? `${id}-error` : undefined;
  return (
    <div className="ck-field">
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <span className="ck-field__hint" id={hintId}>
          {hint}
        </span>
      ) : null}
      <textarea
        id={id}
        name={name}
        rows={rows}
        className="ck-input"
        defaultValue={valueOf(state, name) ?? defaultValue}
        autoFocus={takesFocus(state, name) || undefined}
        aria-invalid={errors ? true : undefined}
        aria-describedby={[hintId, errorId].filter(Boolean).join(" ") || undefined}
      />
      <FieldErrors id={errorId} errors={errors} />
    </div>
  );
}

interface SelectProps extends Omit<SelectHTMLAttributes<HTMLSelectElement>, "name"> {
  name: string;
  label: string;
  hint?: ReactNode;
  state?: FormState;
  options: { value: string; label: string }[];
}

export function SelectField({ name, label, hint, state, options, defaultValue, autoFocus, ...rest }: SelectProps) {
  const id = useId();
  const errors = errorsFor(state, name);
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = errors ? `${id}-error` : undefined;
  return (
    <div className="ck-field">
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <span className="ck-field__hint" id={hintId}>
          {hint}
        </span>
      ) : null}
      <select
        id={id}
        name={name}
        className="ck-select"
        defaultValue={valueOf(state, name) ?? (defaultValue as string | undefined)}
        autoFocus={autoFocus ?? (takesFocus(state, name) || undefined)}
        aria-invalid={errors ? true : undefined}
        aria-describedby={[hintId, errorId].filter(Boolean).join(" ") || undefined}
        {...rest}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      <FieldErrors id={errorId} errors={errors} />
    </div>
  );
}

export function CheckboxGroup({
  name,
  legend,
  hint,
  state,
  options,
  defaultChecked = [],
}: {
  name: string;
  legend: string;
  hint?: ReactNode;
  state?: FormState;
  options: { value: string; label: string }[];
  defaultChecked?: string[];
}) {
  const id = useId();
  const errors = errorsFor(state, name);
  const checked = new Set(valuesOf(state, name, defaultChecked));
  return (
    <fieldset className="ck-fieldset" aria-describedby={errors ? `${id}-error` : hint ? `${id}-hint` : undefined}>
      <legend>{legend}</legend>
      {hint ? (
        <p className="ck-field__hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      <div className="ck-checks">
        {options.map((o) => (
          <label key={o.value} className="ck-check">
            <input type="checkbox" name={name} value={o.value} defaultChecked={checked.has(o.value)} />
            {o.label}
          </label>
        ))}
      </div>
      <FieldErrors id={errors ? `${id}-error` : undefined} errors={errors} />
    </fieldset>
  );
}

export function Checkbox({ name, label, hint, defaultChecked }: { name: string; label: string; hint?: string; defaultChecked?: boolean }) {
  const id = useId();
  return (
    <div className="ck-field">
      <label className="ck-check" htmlFor={id}>
        <input id={id} type="checkbox" name={name} defaultChecked={defaultChecked} aria-describedby={hint ? `${id}-hint` : undefined} />
        {label}
      </label>
      {hint ? (
        <span className="ck-field__hint" id={`${id}-hint`}>
          {hint}
        </span>
      ) : null}
    </div>
  );
}

function FieldErrors({ id, errors }: { id?: string; errors?: string[] }) {
  if (!errors?.length) return null;
  return (
    <p className="ck-field__error" id={id}>
      {errors.join(" ")}
    </p>
  );
}

export function FormError({ state }: { state?: FormState }) {
  const count = state?.fieldErrors ? Object.keys(state.fieldErrors).length : 0;
  if (!state?.formError && !count) return null;
  return (
    <div className="ck-notice ck-notice--error" role="alert">
      {state?.formError ?? `Please correct ${count === 1 ? "the highlighted field" : `the ${count} highlighted fields`}.`}
    </div>
  );
}
