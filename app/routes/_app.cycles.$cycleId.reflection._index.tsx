// A cycle's reflection meetings: the list, and (for those who may edit the cycle) planning a new one from a protocol.
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { CheckboxGroup, FormError, SelectField, TextAreaField, TextField } from "~/components/ui/form";
import { Card, Notice } from "~/components/ui/layout";
import { CycleHeader } from "~/modules/cycles/components/CycleHeader";
import { cycleHeading } from "~/modules/cycles/cycle-view";
import { getCycle } from "~/modules/cycles/cycles.server";
import { checkpointLabels, checkpoints, formatLongDate } from "~/modules/cycles/school-year";
import { requireUser } from "~/modules/people/auth.server";
import { requirePermission } from "~/modules/people/permissions";
import { stakeholderGroupLabels, stakeholderGroups } from "~/modules/reflections/reflections";
import { meetingSchema } from "~/modules/reflections/reflections.schema";
import { createMeeting, listMeetings, meetingFormOptions } from "~/modules/reflections/reflections.server";
import { act, load, parseForm, readForm, type ActionFailure } from "~/utils/http.server";
import { uuidParam } from "~/utils/params";
import { todayFor } from "~/utils/time-zone";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Reflection · ${data.heading.organisation} ${data.heading.yearLabel} · Cyclekeeper` : "Reflection · Cyclekeeper" },
];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const cycleId = uuidParam(params, "cycleId");
  const { cycle, meetings } = await load(() => listMeetings(context.db, user, cycleId));
  const options = await load(() => meetingFormOptions(context.db, user, cycle.id));
  return {
    heading: cycleHeading(cycle, user.districtName),
    closed: cycle.status === "closed",
    meetings,
    ...options,
    today: todayFor(user),
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const cycleId = uuidParam(params, "cycleId");
  const form = await readForm(request);
  await load(async () => {
    const cycle = await getCycle(context.db, user, cycleId);
    requirePermission(user, "cycle:edit", { districtId: cycle.districtId, schoolId: cycle.schoolId });
  });
  return act(form, async () => {
    const input = parseForm(form, meetingSchema);
    const meeting = await createMeeting(context.db, user, cycleId, input, context.clientIp);
    throw redirect(`/cycles/${cycleId}/reflection/${meeting.id}?created=1`);
  });
}

export default function ReflectionMeetings() {
  const data = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>() as ActionFailure | undefined;
  return (
    <div className="ck-stack">
      <CycleHeader cycle={data.heading} title="Reflection meetings" />
      <p>
        The team reflects on the year's data with a protocol's guiding questions, records what it found, and decides for each goal what happens next year.{" "}
        <Link to="/reflection-protocols">The district's protocols</Link>
        {" · "}
        <Link to={`/cycles/${data.heading.id}/carried-over`}>Strategies left open last year</Link>
      </p>
      {data.closed ? <Notice tone="info">This cycle is closed: its meetings are kept as they were, read-only.</Notice> : null}

      <Card title="Meetings">
        {data.meetings.length === 0 ? (
          <p className="ck-muted">No reflection meetings in this cycle yet.</p>
        ) : (
          <div className="ck-table-wrap">
            <table className="ck-table">
              <thead>
                <tr>
                  <th scope="col">Meeting</th>
                  <th scope="col">Date</th>
                  <th scope="col">Checkpoint</th>
                  <th scope="col">Questions answered</th>
                  <th scope="col">Findings</th>
                  <th scope="col">Goal decisions</th>
                </tr>
              </thead>
              <tbody>
                {data.meetings.map((m) => (
                  <tr key={m.id}>
                    <th scope="row">
                      <Link to={`/cycles/${data.heading.id}/reflection/${m.id}`}>{m.title}</Link>
                    </th>
                    <td>{formatLongDate(m.heldOn)}</td>
                    <td>{checkpointLabels[m.checkpoint]}</td>
                    <td>
                      {m.answered} of {m.questions}
                    </td>
                    <td>{m.findings}</td>
                    <td>{m.decisions}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>

      {data.canEdit ? (
        <Card title="Plan a reflection meeting">
          {data.protocols.length === 0 ? (
            <p>The district has no active protocol. Restore one on the protocols page first.</p>
          ) : (
            <Form method="post" className="ck-form" noValidate>
              <FormError state={failure} />
              <SelectField name="protocolId" label="Protocol" state={failure} options={data.protocols.map((p) => ({ value: p.id, label: p.name }))} />
              <TextField name="title" label="Title" state={failure} hint="For example: End-of-year reflection with the district SEL team" />
              <SelectField
                name="checkpoint"
                label="Checkpoint it reflects on"
                state={failure}
                defaultValue="endyear"
                options={checkpoints.map((c) => ({ value: c, label: checkpointLabels[c] }))}
              />
              <TextField name="heldOn" type="date" label="Date" state={failure} defaultValue={data.today} />
              <CheckboxGroup name="participantIds" legend="Participants from Cyclekeeper" state={failure} options={data.people.map((p) => ({ value: p.id, label: p.name }))} />
              <CheckboxGroup
                name="stakeholderGroups"
                legend="Stakeholder groups taking part"
                state={failure}
                options={stakeholderGroups.map((g) => ({ value: g, label: stakeholderGroupLabels[g] }))}
              />
              <TextAreaField name="stakeholderNote" label="Who came from outside Cyclekeeper (optional)" rows={2} state={failure} hint="For example: six students from the student council, two family liaisons" />
              <div>
                <button type="submit" className="ck-button">
                  Create meeting
                </button>
              </div>
            </Form>
          )}
        </Card>
      ) : null}
    </div>
  );
}
