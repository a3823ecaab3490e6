// A cycle's settings: which phase it is in, its checkpoint dates (the district's, followed by every school), and starting it.
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { FormError, TextField, type FormState } from "~/components/ui/form";
import { Card, Notice } from "~/components/ui/layout";
import { CycleHeader } from "~/modules/cycles/components/CycleHeader";
import { cycleHeading } from "~/modules/cycles/cycle-view";
import { getCycle } from "~/modules/cycles/cycles.server";
import { cyclePhaseLabels, cyclePhases, phaseForDate } from "~/modules/cycles/lifecycle";
import { cycleSettingsSchema, startCycleSchema } from "~/modules/cycles/lifecycle.schema";
import { startCycle, updateCycleSettings } from "~/modules/cycles/lifecycle.server";
import { checkpointLabels, checkpoints, formatLongDate } from "~/modules/cycles/school-year";
import { requireUser } from "~/modules/people/auth.server";
import { requirePermission } from "~/modules/people/permissions";
import { act, load, parseForm, readForm, type ActionFailure } from "~/utils/http.server";
import { uuidParam } from "~/utils/params";
import { todayFor } from "~/utils/time-zone";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Settings · ${data.heading.organisation} ${data.heading.yearLabel} · Cyclekeeper` : "Cycle settings · Cyclekeeper" },
];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const cycleId = uuidParam(params, "cycleId");
  const cycle = await load(() => getCycle(context.db, user, cycleId));
  const dates = { baseline: cycle.baselineDate, midyear: cycle.midyearDate, endyear: cycle.endyearDate };
  return {
    heading: cycleHeading(cycle, user.districtName),
    canEdit: cycle.canEdit,
    status: cycle.status,
    phase: cycle.phase,
    version: cycle.version,
    dates,
    suggestedPhase: phaseForDate(todayFor(user), dates),
  };
}

const intent = z.enum(["settings", "start"]);

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const cycleId = uuidParam(params, "cycleId");
  // Who may change this cycle is settled before the form is read, so readers get 403 whatever they send.
  await load(async () => {
    const cycle = await getCycle(context.db, user, cycleId);
    requirePermission(user, "cycle:edit", { districtId: cycle.districtId, schoolId: cycle.schoolId });
  });
  const form = await readForm(request);
  const chosen = intent.safeParse(form.get("intent"));
  if (!chosen.success) throw new Response("Unknown action", { status: 400 });
  return act(form, async () => {
    if (chosen.data === "start") {
      const input = parseForm(form, startCycleSchema);
      await startCycle(context.db, user, cycleId, input.expectedVersion, context.clientIp);
      throw redirect(`/cycles/${cycleId}/settings?started=1`);
    }
    const input = parseForm(form, cycleSettingsSchema);
    await updateCycleSettings(context.db, user, cycleId, input, context.clientIp);
    throw redirect(`/cycles/${cycleId}/settings?saved=1`);
  });
}

export default function CycleSettings() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionFailure | undefined;
  const [params] = useSearchParams();
  const stale = result?.stale;
  const state: FormState | undefined = result;
  const typedPhase = typeof result?.values.phase === "string" ? result.values.phase : data.phase;
  const isDistrict = data.heading.isDistrict;
  return (
    <div className="ck-stack">
      <CycleHeader cycle={data.heading} title="Cycle settings" />
      {params.has("saved") && !result ? (
        <Notice tone="success" role="status">
          Settings saved.
        </Notice>
      ) : null}
      {params.has("started") && !result ? (
        <Notice tone="success" role="status">
          The {data.heading.yearLabel} cycle has started for the district and every school.
        </Notice>
      ) : null}
      {data.status === "planning" && isDistrict && data.canEdit ? (
        <Card title="Start the cycle">
          <p>
            While a cycle is being planned, the district team sets goals and dates. Starting it tells every school team that the year is under way; their cycles
            start with it.
          </p>
          <Form method="post" className="ck-form">
            <input type="hidden" name="intent" value="start" />
            <input type="hidden" name="expectedVersion" value={data.version} />
            <div>
              <button type="submit" className="ck-button">
                Start the {data.heading.yearLabel} cycle
              </button>
            </div>
          </Form>
        </Card>
      ) : null}
      {data.canEdit ? (
        <Card title="Phase and checkpoints">
          {stale ? (
            <Notice tone="warning" role="alert">
              <p>{result?.formError}</p>
              <p>
                Saved now: {cyclePhaseLabels[stale.phase as keyof typeof cyclePhaseLabels]?.split(" (")[0] ?? String(stale.phase)} phase; baseline{" "}
                {String(stale.baselineDate)}, mid-year {String(stale.midyearDate)}, end of year {String(stale.endyearDate)}. Your choices are kept below; save again
                to replace them.
              </p>
            </Notice>
          ) : (
            <FormError state={state} />
          )}
          <Form method="post" className="ck-form" noValidate>
            <input type="hidden" name="intent" value="settings" />
            <input type="hidden" name="expectedVersion" value={stale ? String(stale.version) : data.version} />
            <fieldset className="ck-fieldset">
              <legend>Phase</legend>
              <p className="ck-field__hint">
                The calendar suggests the {cyclePhaseLabels[data.suggestedPhase].split(" (")[0]} phase; move on when the team is ready.
              </p>
              <div className="ck-choices">
                {cyclePhases.map((phase) => (
                  <label key={phase}>
                    <input type="radio" name="phase" value={phase} defaultChecked={typedPhase === phase} /> {cyclePhaseLabels[phase]}
                  </label>
                ))}
              </div>
            </fieldset>
            {isDistrict ? (
              <fieldset className="ck-fieldset">
                <legend>Checkpoint dates</legend>
                <p className="ck-field__hint">Every school's cycle follows these dates.</p>
                {checkpoints.map((c) => (
                  <TextField key={c} type="date" name={`${c}Date`} label={checkpointLabels[c]} state={state} defaultValue={data.dates[c]} />
                ))}
              </fieldset>
            ) : (
              <>
                {checkpoints.map((c) => (
                  <input key={c} type="hidden" name={`${c}Date`} value={data.dates[c]} />
                ))}
                <CheckpointList dates={data.dates} note="The district sets the checkpoint dates for every school." />
              </>
            )}
            <div>
              <button type="submit" className="ck-button">
                Save settings
              </button>
            </div>
          </Form>
        </Card>
      ) : (
        <Card title="Phase and checkpoints">
          <p>
            Phase: <strong>{cyclePhaseLabels[data.phase].split(" (")[0]}</strong>
          </p>
          <CheckpointList dates={data.dates} note={data.status === "closed" ? "This cycle is closed and read-only." : undefined} />
        </Card>
      )}
    </div>
  );
}

function CheckpointList({ dates, note }: { dates: Record<(typeof checkpoints)[number], string>; note?: string }) {
  return (
    <>
      <dl className="ck-dl">
        {checkpoints.map((c) => (
          <div key={c}>
            <dt>{checkpointLabels[c]}</dt>
            <dd>{formatLongDate(dates[c])}</dd>
          </div>
        ))}
      </dl>
      {note ? <p className="ck-muted">{note}</p> : null}
    </>
  );
}
