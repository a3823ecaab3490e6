// The district's implementation rubric: the version cycles use now, the earlier versions, and (for the lead) adapting it.
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { Card, Notice, PageHeader } from "~/components/ui/layout";
import { DescriptorList } from "~/modules/cycles/components/RubricWording";
import { describeRubricChange } from "~/modules/cycles/rubric-versions";
import { getRubricOverview, startRubricDraft, type RubricVersionSummary } from "~/modules/cycles/rubrics.server";
import { requireUser } from "~/modules/people/auth.server";
import { act, load, readForm, type ActionFailure } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: "Implementation rubric · Cyclekeeper" }];

const when = (date: Date | string | null) => (date ? new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeZone: "UTC" }).format(new Date(date)) : "");

/** What a version shows in a list: who published it and when, its note, its changes and the cycles on it. */
function versionSummary(v: RubricVersionSummary) {
  return {
    id: v.id,
    number: v.number,
    note: v.note,
    publishedAt: v.publishedAt?.toISOString() ?? null,
    publishedBy: v.publishedBy,
    previousNumber: v.previousNumber,
    changes: v.changes.map(describeRubricChange),
    cycles: v.cycles,
  };
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  return load(async () => {
    const overview = await getRubricOverview(context.db, user);
    return {
      canAdapt: overview.canAdapt,
      current: overview.current
        ? {
            ...versionSummary(overview.current),
            focusAreas: overview.current.focusAreas.map((area) => ({
              id: area.id,
              position: area.position,
              name: area.name,
              items: area.items.map((item) => ({ id: item.id, title: item.title, levels: [...item.levels], ownItem: !item.keyActivityId })),
            })),
          }
        : null,
      earlier: overview.earlier.map(versionSummary),
      draft: overview.draft
        ? { number: overview.draft.number, createdAt: overview.draft.createdAt.toISOString(), createdBy: overview.draft.createdBy, changes: overview.draft.changes.length }
        : null,
    };
  });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const form = await readForm(request);
  return act(form, async () => {
    if (!z.literal("start-draft").safeParse(form.get("intent")).success) throw new Response("Unknown action", { status: 400 });
    await startRubricDraft(context.db, user, context.clientIp);
    throw redirect("/rubric/draft?started=1");
  });
}

function CyclesOnVersion({ cycles }: { cycles: ReturnType<typeof versionSummary>["cycles"] }) {
  if (cycles.length === 0) return <span className="ck-muted">No cycle uses it.</span>;
  return (
    <ul className="ck-inline-list">
      {cycles.map((c) => {
        const what = `${c.yearLabel}${c.status === "closed" ? " (closed)" : ""}: ${c.districtCycleId ? "the district" : ""}${c.districtCycleId && c.schoolCycles ? " and " : ""}${
          c.schoolCycles ? `${c.schoolCycles} school${c.schoolCycles === 1 ? "" : "s"}` : ""
        }`;
        return <li key={c.startYear}>{c.districtCycleId ? <Link to={`/cycles/${c.districtCycleId}/rubric`}>{what}</Link> : what}</li>;
      })}
    </ul>
  );
}

export default function RubricOverview() {
  const data = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>() as ActionFailure | undefined;
  const [params] = useSearchParams();
  const published = params.get("published");
  return (
    <div className="ck-stack">
      <PageHeader
        eyebrow="District"
        title="Implementation rubric"
        description="The rubric every cycle in the district is scored against. Each change is a new version, so a score always reads against the words it was given under."
      />
      {published ? (
        <Notice tone="success" role="status">
          Version {published} published
          {params.get("switched") && params.get("switched") !== "0"
            ? ` and now used by ${params.get("switched")} open cycles.`
            : ". Cycles opened from now on use it; open cycles keep their version."}
        </Notice>
      ) : null}
      {params.has("discarded") ? (
        <Notice tone="success" role="status">
          The draft was discarded. Nothing changed for any cycle.
        </Notice>
      ) : null}
      {failure?.formError ? (
        <Notice tone="error" role="alert">
          {failure.formError}
        </Notice>
      ) : null}
      {data.canAdapt ? (
        <Card title="Adapt the rubric">
          {data.draft ? (
            <>
              <p>
                Version {data.draft.number} is in progress as a draft{data.draft.createdBy ? `, started by ${data.draft.createdBy}` : ""} on {when(data.draft.createdAt)}
                {" — "}
                {data.draft.changes === 0 ? "no changes yet." : `${data.draft.changes} change${data.draft.changes === 1 ? "" : "s"} so far.`} No cycle uses it until
                it is published.
              </p>
              <p>
                <Link className="ck-button" to="/rubric/draft">
                  Continue the draft
                </Link>
              </p>
            </>
          ) : (
            <Form method="post" className="ck-form">
              <p>
                Reword descriptors or add your district's own items. You work on a draft copy of version {data.current?.number ?? 1}; nobody sees it
                until you publish it, and scores already given keep the words they were given under.
              </p>
              <input type="hidden" name="intent" value="start-draft" />
              <div>
                <button type="submit" className="ck-button">
                  Adapt the rubric
                </button>
              </div>
            </Form>
          )}
        </Card>
      ) : null}
      {data.current ? (
        <Card title={`Version ${data.current.number} (current)`}>
          <p>
            {data.current.publishedBy ? `Published by ${data.current.publishedBy}` : "Published"} on {when(data.current.publishedAt)}.
          </p>
          {data.current.note ? <blockquote className="ck-quote">{data.current.note}</blockquote> : null}
          {data.current.changes.length ? (
            <>
              <h3>What changed since version {data.current.previousNumber}</h3>
              <ul>
                {data.current.changes.map((c) => (
                  <li key={c}>{c}</li>
                ))}
              </ul>
            </>
          ) : null}
          <h3 className="ck-rubric-area">Cycles on this version</h3>
          <CyclesOnVersion cycles={data.current.cycles} />
          {data.current.focusAreas.map((area) => (
            <section key={area.id} aria-labelledby={`area-${area.id}`} className="ck-rubric-area">
              <h3 id={`area-${area.id}`}>
                Focus area {area.position}: {area.name}
              </h3>
              <ul className="ck-list">
                {area.items.map((item) => (
                  <li key={item.id}>
                    <details className="ck-details">
                      <summary>
                        {item.title}
                        {item.ownItem ? <span className="ck-badge ck-badge--muted">District item</span> : null}
                      </summary>
                      <DescriptorList levels={item.levels} label={`Level descriptors of ${item.title}`} />
                    </details>
                  </li>
                ))}
              </ul>
            </section>
          ))}
        </Card>
      ) : (
        <Notice>The district gets its first rubric when it opens its first cycle.</Notice>
      )}
      {data.earlier.length ? (
        <Card title="Earlier versions">
          <div className="ck-table-wrap">
            <table className="ck-table">
              <thead>
                <tr>
                  <th scope="col">Version</th>
                  <th scope="col">Published</th>
                  <th scope="col">What changed and why</th>
                  <th scope="col">Cycles on it</th>
                </tr>
              </thead>
              <tbody>
                {data.earlier.map((v) => (
                  <tr key={v.id}>
                    <th scope="row">
                      <Link to={`/rubric/versions/${v.id}`}>Version {v.number}</Link>
                    </th>
                    <td>
                      {when(v.publishedAt)}
                      {v.publishedBy ? <div className="ck-muted">by {v.publishedBy}</div> : null}
                    </td>
                    <td>
                      {v.note || <span className="ck-muted">No note</span>}
                      {v.changes.length ? <div className="ck-muted">{v.changes.join("; ")}</div> : null}
                    </td>
                    <td>
                      <CyclesOnVersion cycles={v.cycles} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Card>
      ) : null}
    </div>
  );
}
