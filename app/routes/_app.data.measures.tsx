// The measures outcome data is reported in: the shared catalog (read-only) and the district's own, which it adds here
// and edits on a page of each one's own.
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { FormError, SelectField, TextAreaField, TextField, type FormState } from "~/components/ui/form";
import { Card, Notice, PageHeader } from "~/components/ui/layout";
import { DataAdminNav } from "~/modules/data/components/DataAdminNav";
import {
  measureCategories,
  measureCategoryLabels,
  measureDirectionLabels,
  measureDirections,
  measureSchema,
  measureUnitLabels,
  measureUnits,
} from "~/modules/data/measures.schema";
import { createMeasure, listMeasures } from "~/modules/data/measures.server";
import { requireUser } from "~/modules/people/auth.server";
import { can, requirePermission } from "~/modules/people/permissions";
import { act, load, parseForm, readForm } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: "Measures · Cyclekeeper" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  return load(async () => {
    const rows = await listMeasures(context.db, user);
    return {
      canManage: can(user, "data:manage", { districtId: user.districtId }),
      measures: rows.map((m) => ({
        id: m.id,
        slug: m.slug,
        name: m.name,
        description: m.description,
        unit: measureUnitLabels[m.unit as keyof typeof measureUnitLabels] ?? m.unit,
        direction: measureDirectionLabels[m.direction],
        category: measureCategoryLabels[m.category],
        scale: `${m.scaleMin} to ${m.scaleMax}`,
        own: m.own,
      })),
    };
  });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const form = await readForm(request);
  return act(form, async () => {
    requirePermission(user, "data:manage", { districtId: user.districtId });
    const created = await createMeasure(context.db, user, parseForm(form, measureSchema), context.clientIp);
    throw redirect(`/data/measures?added=${created.slug}#measure-${created.slug}`);
  });
}

const options = <T extends string>(values: readonly T[], labels: Record<T, string>) => values.map((v) => ({ value: v, label: labels[v] }));

export default function Measures() {
  const { measures, canManage } = useLoaderData<typeof loader>();
  const state = useActionData<typeof action>() as FormState | undefined;
  const navigation = useNavigation();
  const [params] = useSearchParams();
  const added = measures.find((m) => m.slug === params.get("added") && m.own);
  const saved = measures.find((m) => m.slug === params.get("saved") && m.own);
  const catalog = measures.filter((m) => !m.own);
  const own = measures.filter((m) => m.own);
  return (
    <div className="ck-stack">
      <PageHeader title="Measures" description="What outcome data is reported in. Catalog measures are shared by every district; a district adds its own." />
      <DataAdminNav canManage={canManage} />
      {added ? (
        <Notice tone="success" role="status">
          Added “{added.name}”. Files refer to it as <code>{added.slug}</code> or by its name.
        </Notice>
      ) : null}
      {saved ? (
        <Notice tone="success" role="status">
          Saved “{saved.name}”.
        </Notice>
      ) : null}
      <MeasureTable caption="The district's own measures" measures={own} canManage={canManage} editable={canManage} empty="The district has not added measures of its own." />
      <MeasureTable caption="Catalog measures (read-only)" measures={catalog} canManage={canManage} />
      {canManage ? (
        <Card title="Add a measure">
          <Form method="post" className="ck-form" noValidate>
            <FormError state={state} />
            <TextField name="name" label="Name" required state={state} hint="As people will read it, e.g. “Sense of belonging (% favourable)”." />
            <TextAreaField name="description" label="Description (optional)" state={state} rows={2} />
            <SelectField name="category" label="Category" options={options(measureCategories, measureCategoryLabels)} defaultValue="custom" state={state} />
            <SelectField name="unit" label="Unit" options={options(measureUnits, measureUnitLabels)} defaultValue="percent" state={state} />
            <SelectField name="direction" label="Which way is better" options={options(measureDirections, measureDirectionLabels)} defaultValue="higher_is_better" state={state} />
            <div className="ck-form--inline">
              <TextField name="scaleMin" label="Scale: lowest value" inputMode="decimal" required state={state} defaultValue="0" />
              <TextField name="scaleMax" label="Scale: highest value" inputMode="decimal" required state={state} defaultValue="100" />
            </div>
            <div>
              <button type="submit" className="ck-button" disabled={navigation.state === "submitting"}>
                Add measure
              </button>
            </div>
          </Form>
        </Card>
      ) : null}
    </div>
  );
}

function MeasureTable({
  caption,
  measures,
  canManage,
  editable = false,
  empty,
}: {
  caption: string;
  measures: { id: string; slug: string; name: string; description: string; unit: string; direction: string; category: string; scale: string }[];
  canManage: boolean;
  /** The district's own measures, which data managers may change; the catalog's are shared and read-only. */
  editable?: boolean;
  empty?: string;
}) {
  if (measures.length === 0) return <p className="ck-muted">{empty}</p>;
  return (
    <div className="ck-table-wrap">
      <table className="ck-table">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Measure</th>
            <th scope="col">Short name in files</th>
            <th scope="col">Category</th>
            <th scope="col">Unit</th>
            <th scope="col">Scale</th>
            <th scope="col">Better</th>
            {canManage ? <th scope="col">Template</th> : null}
            {editable ? <th scope="col">Change</th> : null}
          </tr>
        </thead>
        <tbody>
          {measures.map((m) => (
            <tr key={m.id} id={`measure-${m.slug}`}>
              <th scope="row">
                {m.name}
                {m.description ? <span className="ck-measure-description">{m.description}</span> : null}
              </th>
              <td>
                <code>{m.slug}</code>
              </td>
              <td>{m.category}</td>
              <td>{m.unit}</td>
              <td>{m.scale}</td>
              <td>{m.direction}</td>
              {canManage ? (
                <td>
                  <a href={`/data/template/${m.slug}`} download aria-label={`Download the CSV template for ${m.name}`}>
                    CSV template
                  </a>
                </td>
              ) : null}
              {editable ? (
                <td>
                  <Link to={`/data/measures/${m.id}/edit`} aria-label={`Edit “${m.name}”`}>
                    Edit
                  </Link>
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
