// An item's wording on screen: its four level descriptors to read, and the labelled fields to write them.
import { TextAreaField, TextField, type FormState } from "~/components/ui/form";
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

/** The title and the four descriptors, as the add and edit forms both ask for them. */
export function WordingFields({ defaults, state }: { defaults?: { title: string; levels: readonly string[] }; state?: FormState }) {
  return (
    <>
      <TextField
        name="title"
        label="Title"
        hint="The key activity in a few words, as teams will see it on the rubric."
        state={state}
        defaultValue={defaults?.title}
      />
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
