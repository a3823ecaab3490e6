// Benchmarks (with their source) and district targets per measure and grade band: everyone with data access reads
// them; data managers add and change them, safe against a colleague's newer save.
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams, type ShouldRevalidateFunction } from "@remix-run/react";
import { useId } from "react";
import { z } from "zod";
import { FormError, SelectField, TextField, type FormState } from "~/components/ui/form";
import { StaleEditNotice } from "~/components/ui/conflict";
import { Card, Notice, PageHeader } from "~/components/ui/layout";
import { addBenchmark, listBenchmarks, updateBenchmark } from "~/modules/data/benchmarks.server";
import { benchmarkEditSchema, benchmarkSchema, gradeBands } from "~/modules/data/data.schema";
import { requireUser } from "~/modules/people/auth.server";
import { act, load, parseForm, readForm, type ActionFailure } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: "Benchmarks and targets · Outcome data · Cyclekeeper" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  return load(async () => {
    const view = await listBenchmarks(context.db, user);
    return {
      canManage: view.canManage,
      measures: view.measures.map((m) => ({
        id: m.id,
        name: m.name,
        scale: `${m.scaleMin}–${m.scaleMax}`,
        rows: m.rows.map((r) => ({ id: r.id, kind: r.kind, gradeBand: r.gradeBand, value: r.value, source: r.source, version: r.version, updatedBy: r.updatedBy })),
      })),
    };
  });
}

export const shouldRevalidate: ShouldRevalidateFunction = ({ actionStatus, defaultShouldRevalidate }) => actionStatus === 409 || defaultShouldRevalidate;

const intent = z.enum(["add", "update"]);

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const form = await readForm(request);
  return act(form, async () => {
    const chosen = intent.safeParse(form.get("intent"));
    if (!chosen.success) throw new Response("Unknown action", { status: 400 });
    if (chosen.data === "add") {
      const row = await addBenchmark(context.db, user, parseForm(form, benchmarkSchema), context.clientIp);
      throw redirect(`/data/benchmarks?saved=1#b-${row.id}`);
    }
    const row = await updateBenchmark(context.db, user, parseForm(form, benchmarkEditSchema), context.clientIp);
    throw redirect(`/data/benchmarks?saved=1#b-${row.id}`);
  });
}

/** A field for a row of the table: a short visible label, the row it belongs to for screen readers, its errors below. */
function CompactField({ name, label, context, defaultValue, state, inputMode }: { name: string; label: string; context: string; defaultValue: string; state?: FormState; inputMode?: "decimal" }) {
  const id = useId();
  const errors = state?.fieldErrors?.[name];
  const typed = state?.values?.[name];
  return (
    <div className="ck-field">
      <label htmlFor={id}>
        {label}
        <span className="ck-visually-hidden"> — {context}</span>
      </label>
      <input
        id={id}
        name={name}
        className="ck-input"
        inputMode={inputMode}
        defaultValue={typeof typed === "string" ? typed : defaultValue}
        aria-invalid={errors ? true : undefined}
        aria-describedby={errors ? `${id}-error` : undefined}
      />
      {errors ? (
        <p className="ck-field__error" id={`${id}-error`}>
          {errors.join(" ")}
        </p>
      ) : null}
    </div>
  );
}

const bandLabel = (band: string) => (band === "all" ? "All grades" : `Grades ${band}`);

export default function BenchmarksPage() {
  const data = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>() as ActionFailure | undefined;
  const [params] = useSearchParams();
  const failedRow = failure?.values.intent === "update" ? String(failure.values.benchmarkId ?? "") : null;
  const addState = failure?.values.intent === "add" ? (failure as FormState) : undefined;
  return (
    <div className="ck-stack">
      <PageHeader
        eyebrow="Outcome data"
        title="Benchmarks and targets"
        description="What each measure is read against: a provider's benchmark, with where it comes from, and the district's own target, by grade band."
      />
      <p>
        <Link to="/data">All data views</Link>
      </p>
      {params.get("saved") && !failure ? (
        <Notice tone="success" role="status">
          Saved.
        </Notice>
      ) : null}
      {failure?.stale ? (
        <StaleEditNotice
          message={failure.formError ?? ""}
          stale={failure.stale}
          rows={[
            { field: "value", label: "Value", saved: String(failure.stale.value ?? ""), typed: String(failure.values.value ?? "") },
            { field: "source", label: "Source", saved: String(failure.stale.source ?? "") || "(empty)", typed: String(failure.values.source ?? "") || "(empty)" },
          ]}
        />
      ) : null}
      {data.measures.map((m) => (
        <Card key={m.id} title={m.name}>
          {m.rows.length === 0 ? (
            <p className="ck-muted">No benchmark or target yet.</p>
          ) : (
            <div className="ck-table-wrap">
              <table className="ck-table">
                <caption className="ck-visually-hidden">Benchmarks and targets for {m.name}</caption>
                <thead>
                  <tr>
                    <th scope="col">Grade band</th>
                    <th scope="col">Kind</th>
                    <th scope="col" colSpan={data.canManage ? 2 : 1}>
                      {data.canManage ? `Value (scale ${m.scale}) and source` : `Value (scale ${m.scale})`}
                    </th>
                    {data.canManage ? null : <th scope="col">Source</th>}
                  </tr>
                </thead>
                <tbody>
                  {m.rows.map((r) => {
                    const state = failedRow === r.id && !failure?.stale ? (failure as FormState) : undefined;
                    const label = `${r.kind === "target" ? "Target" : "Benchmark"} for ${m.name}, ${bandLabel(r.gradeBand).toLowerCase()}`;
                    return (
                      <tr key={r.id} id={`b-${r.id}`}>
                        <th scope="row">{bandLabel(r.gradeBand)}</th>
                        <td>{r.kind === "target" ? "District target" : "Benchmark"}</td>
                        {data.canManage ? (
                          <td colSpan={2}>
                            <Form method="post" className="ck-benchmark-form" noValidate>
                              <input type="hidden" name="intent" value="update" />
                              <input type="hidden" name="benchmarkId" value={r.id} />
                              <input type="hidden" name="expectedVersion" value={r.version} />
                              <CompactField name="value" label="Value" context={label} defaultValue={String(r.value)} state={state} inputMode="decimal" />
                              <CompactField name="source" label="Source" context={label} defaultValue={r.source} state={state} />
                              <button type="submit" className="ck-button ck-button--secondary">
                                Save<span className="ck-visually-hidden"> {label}</span>
                              </button>
                            </Form>
                          </td>
                        ) : (
                          <>
                            <td>{r.value}</td>
                            <td>{r.source || "—"}</td>
                          </>
                        )}
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
        </Card>
      ))}
      {data.canManage ? (
        <Card title="Add a benchmark or target">
          <Form method="post" className="ck-form" noValidate>
            <FormError state={addState} />
            <input type="hidden" name="intent" value="add" />
            <SelectField name="measureId" label="Measure" options={data.measures.map((m) => ({ value: m.id, label: m.name }))} state={addState} />
            <SelectField
              name="kind"
              label="Kind"
              options={[
                { value: "benchmark", label: "Benchmark (from a provider or the state)" },
                { value: "target", label: "District target" },
              ]}
              state={addState}
            />
            <SelectField name="gradeBand" label="Grade band" options={gradeBands.map((b) => ({ value: b, label: bandLabel(b) }))} state={addState} />
            <TextField name="value" label="Value" inputMode="decimal" required state={addState} />
            <TextField name="source" label="Source" hint="Where the number comes from, e.g. the provider's report and year." state={addState} />
            <div>
              <button type="submit" className="ck-button">
                Add
              </button>
            </div>
          </Form>
        </Card>
      ) : null}
    </div>
  );
}
