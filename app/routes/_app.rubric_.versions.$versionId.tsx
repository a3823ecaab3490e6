// One published rubric version as it was: its note, what it changed, the cycles on it and every descriptor.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Card, PageHeader } from "~/components/ui/layout";
import { DescriptorList } from "~/modules/cycles/components/RubricWording";
import { describeRubricChange } from "~/modules/cycles/rubric-versions";
import { getRubricVersion } from "~/modules/cycles/rubrics.server";
import { requireUser } from "~/modules/people/auth.server";
import { load } from "~/utils/http.server";
import { uuidParam } from "~/utils/params";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Rubric version ${data.number} · Cyclekeeper` : "Rubric version · Cyclekeeper" }];

const when = (date: Date | string | null) => (date ? new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeZone: "UTC" }).format(new Date(date)) : "");

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const versionId = uuidParam(params, "versionId");
  return load(async () => {
    const v = await getRubricVersion(context.db, user, versionId);
    return {
      number: v.number,
      isCurrent: v.isCurrent,
      note: v.note,
      publishedAt: v.publishedAt?.toISOString() ?? null,
      publishedBy: v.publishedBy,
      previousNumber: v.previousNumber,
      changes: v.changes.map(describeRubricChange),
      cycles: v.cycles,
      focusAreas: v.focusAreas.map((area) => ({
        id: area.id,
        position: area.position,
        name: area.name,
        items: area.items.map((item) => ({ id: item.id, title: item.title, levels: [...item.levels] })),
      })),
    };
  });
}

export default function RubricVersion() {
  const data = useLoaderData<typeof loader>();
  return (
    <div className="ck-stack">
      <PageHeader
        eyebrow="Implementation rubric"
        title={`Rubric version ${data.number}${data.isCurrent ? " (current)" : ""}`}
        description={`${data.publishedBy ? `Published by ${data.publishedBy}` : "Published"} on ${when(data.publishedAt)}.`}
      />
      <p>
        <Link to="/rubric">All versions</Link>
      </p>
      <Card title="What changed and why">
        {data.note ? <blockquote className="ck-quote">{data.note}</blockquote> : <p className="ck-muted">No note.</p>}
        {data.changes.length ? (
          <ul>
            {data.changes.map((c) => (
              <li key={c}>{c}</li>
            ))}
          </ul>
        ) : data.previousNumber ? null : (
          <p className="ck-muted">The district's first version.</p>
        )}
        <h3>Cycles on this version</h3>
        {data.cycles.length ? (
          <ul>
            {data.cycles.map((c) => (
              <li key={c.startYear}>
                {c.districtCycleId ? <Link to={`/cycles/${c.districtCycleId}/rubric`}>{c.yearLabel}</Link> : c.yearLabel}
                {c.status === "closed" ? " (closed)" : ""}
                {c.schoolCycles ? `, with ${c.schoolCycles} school${c.schoolCycles === 1 ? "" : "s"}` : ""}
              </li>
            ))}
          </ul>
        ) : (
          <p className="ck-muted">No cycle uses it now.</p>
        )}
      </Card>
      {data.focusAreas.map((area) => (
        <Card key={area.id} title={`Focus area ${area.position}: ${area.name}`}>
          {area.items.map((item) => (
            <section key={item.id} aria-label={item.title}>
              <h3>{item.title}</h3>
              <DescriptorList levels={item.levels} label={`Level descriptors of ${item.title}`} />
            </section>
          ))}
        </Card>
      ))}
    </div>
  );
}
