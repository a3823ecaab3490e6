// The annual-goal form, walked through SMARTIE, shared by the new-goal and edit-goal pages.
import { Form, Link } from "@remix-run/react";
import { CheckboxGroup, FormError, SelectField, TextField, type FormState } from "~/components/ui/form";
import { Card } from "~/components/ui/layout";
import type { Option } from "../edit-conflict";
import { mirrorScopeLabels, mirrorScopes, type GoalKind } from "../goals.schema";
import { levelLabel } from "../rubric-rollup";
import { checkpointLabels, checkpoints } from "../school-year";

export interface GoalFormOptions {
  rubricItems: Option[];
  measures: Option[];
  /** The district's schools, for sharing a district goal; empty in a school's cycle. */
  schools: Option[];
}

/** A saved goal as the form's fields hold it: every value a string, as FormData would carry it. */
export interface GoalFormValues {
  title: string;
  description: string;
  relevance: string;
  population: string;
  inclusiveNote: string;
  equityNote: string;
  rubricItemId: string;
  targetLevel: string;
  targetCheckpoint: string;
  measureId: string;
  baselineValue: string;
  targetValue: string;
  dueDate: string;
  mirrorScope: string;
  schoolIds: string[];
}

/** The choices `goalFormOptions` found, as the form's lists show them. */
export function goalFormChoices(found: {
  rubricItems: { id: string; title: string }[];
  measures: { id: string; name: string; direction: "higher_is_better" | "lower_is_better" }[];
  schools: { id: string; name: string }[];
}): GoalFormOptions {
  return {
    rubricItems: found.rubricItems.map((i) => ({ value: i.id, label: i.title })),
    measures: found.measures.map((m) => ({ value: m.id, label: `${m.name} — ${m.direction === "higher_is_better" ? "higher is better" : "lower is better"}` })),
    schools: found.schools.map((s) => ({ value: s.id, label: s.name })),
  };
}

const levelOptions = [{ value: "", label: "Choose a level…" }, ...([1, 2, 3, 4] as const).map((l) => ({ value: String(l), label: levelLabel(l) }))];
const checkpointOptions = [{ value: "", label: "Choose a checkpoint…" }, ...checkpoints.map((c) => ({ value: c, label: checkpointLabels[c] }))];

/** Links that switch the form between the two kinds of goal; they keep any other search parameters out. */
export function GoalKindSwitch({ kind }: { kind: GoalKind }) {
  return (
    <nav aria-label="Kind of goal" className="ck-subnav">
      <Link to="?kind=implementation" aria-current={kind === "implementation" ? "page" : undefined}>
        Implementation goal
      </Link>
      <Link to="?kind=outcome" aria-current={kind === "outcome" ? "page" : undefined}>
        Outcome goal
      </Link>
    </nav>
  );
}

/**
 * The form itself. Field values come from `state` (what was just sent, after an error) before `values` (the saved
 * goal, when editing), so nothing typed is lost. `expectedVersion` is the version the edit is based on.
 */
export function GoalForm({
  kind,
  options,
  values,
  state,
  expectedVersion,
  submitLabel,
  formKey,
}: {
  kind: GoalKind;
  options: GoalFormOptions;
  values?: Partial<GoalFormValues>;
  state?: FormState;
  expectedVersion?: number | null;
  submitLabel: string;
  /** Changes when the form must be drawn afresh, e.g. after a conflict moves it to a newer version. */
  formKey?: string;
}) {
  const v = values ?? {};
  return (
    <Form method="post" className="ck-form" noValidate key={formKey}>
      <FormError state={state} />
      <input type="hidden" name="kind" value={kind} />
      {expectedVersion !== undefined ? <input type="hidden" name="expectedVersion" value={expectedVersion ?? ""} /> : null}
      <TextField name="title" label="Goal" hint="One sentence a family member would understand." required defaultValue={v.title} state={state} />
      <TextField
        name="description"
        label="Specific: what exactly will change"
        hint="What will change, for whom and how, in a sentence or two."
        defaultValue={v.description}
        state={state}
      />
      {kind === "implementation" ? (
        <Card title="Measurable and time-bound">
          <div className="ck-form">
            <SelectField
              name="rubricItemId"
              label="Rubric activity"
              options={[{ value: "", label: "Choose an activity…" }, ...options.rubricItems]}
              defaultValue={v.rubricItemId}
              state={state}
            />
            <SelectField
              name="targetLevel"
              label="Level to reach"
              hint="Ambitious and attainable: a step up from where the activity stands, usually one or two levels."
              options={levelOptions}
              defaultValue={v.targetLevel}
              state={state}
            />
            <SelectField name="targetCheckpoint" label="By checkpoint" options={checkpointOptions} defaultValue={v.targetCheckpoint ?? "endyear"} state={state} />
          </div>
        </Card>
      ) : (
        <Card title="Measurable and time-bound">
          <div className="ck-form">
            <SelectField
              name="measureId"
              label="Measure"
              options={[{ value: "", label: "Choose a measure…" }, ...options.measures]}
              defaultValue={v.measureId}
              state={state}
            />
            <TextField
              name="baselineValue"
              label="Baseline value"
              inputMode="decimal"
              hint="Where the measure stands now, if known."
              defaultValue={v.baselineValue}
              state={state}
            />
            <TextField
              name="targetValue"
              label="Target value"
              inputMode="decimal"
              hint="Ambitious and attainable: better than the baseline, within reach this year."
              required
              defaultValue={v.targetValue}
              state={state}
            />
            <TextField name="dueDate" label="By date" type="date" hint="Within this school year." required defaultValue={v.dueDate} state={state} />
          </div>
        </Card>
      )}
      <TextField name="relevance" label="Relevant: why this matters for our vision" defaultValue={v.relevance} state={state} />
      <TextField
        name="population"
        label="Inclusive: which students this goal is for"
        hint="All students, a grade band, or a group."
        defaultValue={v.population}
        state={state}
      />
      <TextField
        name="inclusiveNote"
        label="Inclusive: who shaped this goal"
        hint="Students, families and staff whose voices informed it."
        defaultValue={v.inclusiveNote}
        state={state}
      />
      <TextField
        name="equityNote"
        label="Equitable: how it closes gaps"
        hint="Which differences between groups it addresses."
        defaultValue={v.equityNote}
        state={state}
      />
      {options.schools.length ? (
        <>
          <SelectField
            name="mirrorScope"
            label="Share with schools"
            options={mirrorScopes.map((m) => ({ value: m, label: mirrorScopeLabels[m] }))}
            defaultValue={v.mirrorScope}
            state={state}
          />
          <CheckboxGroup
            name="schoolIds"
            legend="Chosen schools (when sharing with chosen schools)"
            options={options.schools}
            defaultChecked={v.schoolIds}
            state={state}
          />
        </>
      ) : null}
      <div>
        <button type="submit" className="ck-button">
          {submitLabel}
        </button>
      </div>
    </Form>
  );
}
