// Changing one of the district's own measures: its name and description always; its unit, direction and scale only
// as far as the results, goals and benchmarks already read by it allow. Catalog measures are never edited here.
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, type ShouldRevalidateFunction } from "@remix-run/react";
import { StaleEditNotice } from "~/components/ui/conflict";
import { FormError, SelectField, TextAreaField, TextField, type FormState } from "~/components/ui/form";
import { Card, Notice, PageHeader } from "~/components/ui/layout";
import { measureConflictRows, measureUseInWords } from "~/modules/data/measure-edit";
import {
  measureCategories,
  measureCategoryLabels,
  measureDirectionLabels,
  measureDirections,
  measureEditSchema,
  measureUnitLabels,
  measureUnits,
} from "~/modules/data/measures.schema";
import { getMeasureForEdit, updateMeasure } from "~/modules/data/measures.server";
import { requireUser } from "~/modules/people/auth.server";
import { act, load, parseForm, readForm, type ActionFailure } from "~/utils/http.server";
import { uuidParam } from "~/utils/params";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Edit measure: ${data.measure.name} · Cyclekeeper` : "Edit measure · Cyclekeeper" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const measureId = uuidParam(params, "measureId");
  return load(async () => {
    const { measure, use } = await getMeasureForEdit(context.db, user, measureId);
    const low = use.ranges.length ? Math.min(...use.ranges.map((r) => r.min)) : null;
    const high = use.ranges.length ? Math.max(...use.ranges.map((r) => r.max)) : null;
    return {
      measure: {
        id: measure.id,
        slug: measure.slug,
        name: measure.name,
        description: measure.description,
        category: measure.category,
        unit: measure.unit,
        direction: measure.direction,
        scaleMin: String(measure.scaleMin),
        scaleMax: String(measure.scaleMax),
        version: measure.version,
      },
      inUse: measureUseInWords(use),
      savedValues: low !== null && high !== null ? { low, high } : null,
    };
  });
}

/** A conflict means the form shows an outdated measure: load it again (an error answer would skip that); typed values still win. */
export const shouldRevalidate: ShouldRevalidateFunction = ({ actionStatus, defaultShouldRevalidate }) => actionStatus === 409 || defaultShouldRevalidate;

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const measureId = uuidParam(params, "measureId");
  const form = await readForm(request);
  return act(form, async () => {
    // Stale saves come back from act() as 409 with the newer values; refused changes as field errors; nothing is written.
    const saved = await updateMeasure(context.db, user, measureId, parseForm(form, measureEditSchema), context.clientIp);
    throw redirect(`/data/measures?saved=${saved.slug}#measure-${saved.slug}`);
  });
}

const options = <T extends string>(values: readonly T[], labels: Record<T, string>) => values.map((v) => ({ value: v, label: labels[v] }));

export default function EditMeasure() {
  const { measure, inUse, savedValues } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>() as ActionFailure | undefined;
  const navigation = useNavigation();
  const stale = failure?.stale;
  const state: FormState | undefined = failure ? { fieldErrors: failure.fieldErrors, formError: stale ? undefined : failure.formError, values: failure.values } : undefined;
  const version = typeof stale?.version === "number" ? stale.version : measure.version;
  const fixed = inUse ? "Fixed while results, goals or benchmarks read this measure." : undefined;
  return (
    <div className="ck-stack">
      <PageHeader title={`Edit measure: ${measure.name}`} description="A measure of the district's own. Catalog measures are shared by every district and stay as they are." />
      <p>
        <Link to={`/data/measures#measure-${measure.slug}`}>Back to the measures</Link>
      </p>
      {stale ? (
        <StaleEditNotice message={failure?.formError ?? ""} stale={stale} rows={measureConflictRows(stale, failure?.values ?? {})}>
          <p>What you typed is still in the form below. Saving it now replaces their version with yours.</p>
        </StaleEditNotice>
      ) : null}
      {inUse ? (
        <Notice tone="info">
          This measure has {inUse}. Its unit and which way is better stay as they are, because they decide how all of them read
          {savedValues
            ? `, and its scale must keep every saved value (${savedValues.low === savedValues.high ? savedValues.low : `from ${savedValues.low} to ${savedValues.high}`})`
            : ""}
          .
        </Notice>
      ) : null}
      <Card title="Change the measure">
        <Form method="post" className="ck-form" noValidate key={`measure-${version}`}>
          <FormError state={state} />
          <input type="hidden" name="expectedVersion" value={version} />
          <TextField
            name="name"
            label="Name"
            required
            state={state}
            defaultValue={measure.name}
            hint={
              <>
                Files refer to it as <code>{measure.slug}</code> or by its name; the short name stays when the name changes.
              </>
            }
          />
          <TextAreaField name="description" label="Description (optional)" state={state} rows={2} defaultValue={measure.description} />
          <SelectField name="category" label="Category" options={options(measureCategories, measureCategoryLabels)} defaultValue={measure.category} state={state} />
          <SelectField name="unit" label="Unit" options={options(measureUnits, measureUnitLabels)} defaultValue={measure.unit} state={state} hint={fixed} />
          <SelectField
            name="direction"
            label="Which way is better"
            options={options(measureDirections, measureDirectionLabels)}
            defaultValue={measure.direction}
            state={state}
            hint={fixed}
          />
          <div className="ck-form--inline">
            <TextField name="scaleMin" label="Scale: lowest value" inputMode="decimal" required state={state} defaultValue={measure.scaleMin} />
            <TextField name="scaleMax" label="Scale: highest value" inputMode="decimal" required state={state} defaultValue={measure.scaleMax} />
          </div>
          <div>
            <button type="submit" className="ck-button" disabled={navigation.state === "submitting"}>
              Save measure
            </button>
          </div>
        </Form>
      </Card>
    </div>
  );
}
