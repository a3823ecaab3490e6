// A cycle's action plan, co-edited live; readers see it (and who is editing) without being able to change it.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { Notice } from "~/components/ui/layout";
import { CycleHeader } from "~/modules/cycles/components/CycleHeader";
import { cycleHeading } from "~/modules/cycles/cycle-view";
import { getCycle } from "~/modules/cycles/cycles.server";
import { requireUser } from "~/modules/people/auth.server";
import { DamagedDocumentNotice } from "~/modules/plans/components/DamagedDocumentNotice";
import { PlanEditor } from "~/modules/plans/components/PlanEditor";
import { getPlanPage } from "~/modules/plans/plan-page.server";
import { load } from "~/utils/http.server";
import { uuidParam } from "~/utils/params";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Action plan · ${data.heading.organisation} ${data.heading.yearLabel} · Cyclekeeper` : "Action plan · Cyclekeeper" },
];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const cycleId = uuidParam(params, "cycleId");
  const cycle = await load(() => getCycle(context.db, user, cycleId));
  const plan = await load(() => getPlanPage(context.db, user, cycle.id, context.clientIp));
  return { heading: cycleHeading(cycle, user.districtName), cycleId: cycle.id, closed: cycle.status === "closed", ...plan };
}

export default function ActionPlan() {
  const data = useLoaderData<typeof loader>();
  const readOnly = data.access !== "edit";
  const [params] = useSearchParams();
  return (
    <div className="ck-stack">
      <CycleHeader cycle={data.heading} title="Action plan" />
      <div className="ck-plan-actions">
        <Link to={`/cycles/${data.cycleId}/plan/history`}>Versions and changes</Link>
        {data.damage ? null : (
          <>
            <span aria-hidden="true">·</span>
            <span>
              Export as <a href={`/cycles/${data.cycleId}/plan/export/html`}>HTML</a>, <a href={`/cycles/${data.cycleId}/plan/export/md`}>Markdown</a> or{" "}
              <a href={`/cycles/${data.cycleId}/plan/export/txt`}>plain text</a>
            </span>
          </>
        )}
      </div>
      {params.has("restored") && !data.damage ? (
        <Notice tone="success" role="status">
          The last good version was restored as a new change. The damaged state is kept in the plan's history as “Before restoring …”.
        </Notice>
      ) : null}
      {data.closed ? <p className="ck-muted">This cycle is closed, so its plan is kept as it was at year end.</p> : null}
      {data.damage ? (
        // The live editor is not opened on a damaged plan: it would fail, or delete what it cannot read as the opener's change.
        <DamagedDocumentNotice
          damage={data.damage}
          canRestore={!readOnly}
          restoreAction={`/cycles/${data.cycleId}/plan/history`}
          versionPath={(id) => `/cycles/${data.cycleId}/plan/versions/${id}`}
        />
      ) : (
        <PlanEditor documentId={data.documentId} cycleId={data.cycleId} readOnly={readOnly} user={data.presence} goals={data.goals} initialHtml={data.html ?? ""} />
      )}
    </div>
  );
}
