// At the start of a year: the strategies last year left unfinished, and what became of each, for the team to review.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Card } from "~/components/ui/layout";
import { CycleHeader } from "~/modules/cycles/components/CycleHeader";
import { cycleHeading } from "~/modules/cycles/cycle-view";
import { strategyStatusLabels, type StrategyStatus } from "~/modules/cycles/goals.schema";
import { goalDecisionShortLabels, type GoalDecision } from "~/modules/cycles/lifecycle";
import { requireUser } from "~/modules/people/auth.server";
import { openStrategyFateLabels } from "~/modules/reflections/reflections";
import { openStrategiesForReview } from "~/modules/reflections/reflections.server";
import { load } from "~/utils/http.server";
import { uuidParam } from "~/utils/params";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Strategies to review · ${data.heading.organisation} ${data.heading.yearLabel} · Cyclekeeper` : "Strategies to review · Cyclekeeper" },
];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const cycleId = uuidParam(params, "cycleId");
  const review = await load(() => openStrategiesForReview(context.db, user, cycleId));
  return { heading: cycleHeading(review.cycle, user.districtName), previous: review.previous, strategies: review.strategies };
}

export default function CarriedOver() {
  const data = useLoaderData<typeof loader>();
  const base = `/cycles/${data.heading.id}`;
  return (
    <div className="ck-stack">
      <CycleHeader cycle={data.heading} title="Strategies to review" />
      {!data.previous ? (
        <p>There is no earlier cycle to carry strategies from.</p>
      ) : (
        <Card title={`Left open at the end of ${data.previous.yearLabel}`}>
          <p>
            Each unfinished strategy of <Link to={`/cycles/${data.previous.id}`}>{data.previous.yearLabel}</Link> and what the decision about its goal did with it.
            Carried strategies are already in this year's goals: check their owners and dates. Goals kept with new strategies need new ones written.
          </p>
          {data.strategies.length === 0 ? (
            <p className="ck-muted">Every strategy of {data.previous.yearLabel} was done.</p>
          ) : (
            <div className="ck-table-wrap">
              <table className="ck-table">
                <thead>
                  <tr>
                    <th scope="col">Strategy</th>
                    <th scope="col">Goal last year</th>
                    <th scope="col">Status at year end</th>
                    <th scope="col">Decision</th>
                    <th scope="col">What became of it</th>
                  </tr>
                </thead>
                <tbody>
                  {data.strategies.map((s) => (
                    <tr key={s.id}>
                      <th scope="row">
                        {s.title}
                        {s.ownerName ? <div className="ck-muted">{s.ownerName}</div> : null}
                      </th>
                      <td>{s.goalTitle}</td>
                      <td>{strategyStatusLabels[s.status as StrategyStatus] ?? s.status}</td>
                      <td>{s.decision ? goalDecisionShortLabels[s.decision as GoalDecision] : <span className="ck-muted">None</span>}</td>
                      <td>
                        {openStrategyFateLabels[s.fate]}
                        {s.nextGoalId ? (
                          <div>
                            <Link to={`${base}/goals/${s.nextGoalId}`}>{s.fate === "to_rewrite" ? "Write new strategies for this goal" : "Open this year's goal"}</Link>
                          </div>
                        ) : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Card>
      )}
    </div>
  );
}
