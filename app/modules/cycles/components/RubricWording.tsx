// An item's wording on screen: its four level descriptors to read, and the labelled fields to write them.
import { useId } from "react";
import { valueOf, type FormState } from "~/components/ui/form";
import { levelLabel } from "../rubric-rollup";
import { LevelChip } from "./LevelChip";

export function DescriptorList({ levels, label }: { levels: readonly string[]; label: string }) {
  return (
    <ol className="ck-levels" aria-label={label}>
      {levels.map((text, index) => (
        <li key={index} className="ck-descriptor">
          <LevelChip level={index + 1} /> <span>{text}</span>
        </li>
      ))}
    </ol>
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
  hint?: string;
  state?: FormState;
  defaultValue?: string;
  rows?: number;
}) {
  const id = useId();
  const errors = state?.fieldErrors?.[name];
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
        aria-invalid={errors ? true : undefined}
        aria-describedby={[hintId, errorId].filter(Boolean).join(" ") || undefined}
      />
      {errors ? (
        <p className="ck-field__error" id={errorId}>
          {errors.join(" ")}
        </p>
      ) : null}
    </div>
  );
}

/** The title and the four descriptors, as the add and edit forms both ask for them. */
export function WordingFields({ defaults, state }: { defaults?: { title: string; levels: readonly string[] }; state?: FormState }) {
  const id = useId();
  const titleErrors = state?.fieldErrors?.title;
  return (
    <>
      <div className="ck-field">
        <label htmlFor={`${id}-title`}>Title</label>
        <span className="ck-field__hint" id={`${id}-title-hint`}>
          The key activity in a few words, as teams will see it on the rubric.
        </span>
        <input
          id={`${id}-title`}
          name="title"
          className="ck-input"
          defaultValue={valueOf(state, "title") ?? defaults?.title}
          aria-invalid={titleErrors ? true : undefined}
          aria-describedby={titleErrors ? `${id}-title-hint ${id}-title-error` : `${id}-title-hint`}
        />
        {titleErrors ? (
          <p className="ck-field__error" id={`${id}-title-error`}>
            {titleErrors.join(" ")}
          </p>
        ) : null}
      </div>
      {([1, 2, 3, 4] as const).map((level) => (
        <TextAreaField
          key={level}
          name={`level${level}`}
          label={`Level ${levelLabel(level)}`}
          hint="What a team sees when it is at this level."
          state={state}
          defaultValue={defaults?.levels[level - 1]}
        />
      ))}
    </>
  );
}
