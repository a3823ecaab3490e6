// The district's reflection protocols: guiding questions and the data views to look at, used when planning a meeting.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Card, PageHeader } from "~/components/ui/layout";
import { requireUser } from "~/modules/people/auth.server";
import { dataViewLinks } from "~/modules/reflections/reflections";
import { listProtocols } from "~/modules/reflections/reflections.server";
import { load } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: "Reflection protocols · Cyclekeeper" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const { protocols, canManage } = await load(() => listProtocols(context.db, user));
  return {
    canManage,
    protocols: protocols.map((p) => ({
      id: p.id,
      name: p.name,
      purpose: p.purpose,
      questions: p.questions.length,
      views: dataViewLinks(p.dataViews).map((v) => v.label),
      archived: p.archivedAt !== null,
    })),
  };
}

export default function Protocols() {
  const data = useLoaderData<typeof loader>();
  return (
    <div className="ck-stack">
      <PageHeader
        title="Reflection protocols"
        description={
          data.canManage
            ? "Each protocol is a list of guiding questions and the data views to look at while answering them. Reword, reorder or add questions to suit the district; a meeting keeps the questions it was planned with."
            : "Each protocol is a list of guiding questions and the data views to look at while answering them."
        }
      />
      {data.protocols.map((p) => (
        <Card key={p.id} title={p.name}>
          {p.archived ? <p className="ck-badge ck-badge--muted">Archived</p> : null}
          {p.purpose ? <p>{p.purpose}</p> : null}
          <p className="ck-muted">
            {p.questions === 1 ? "1 question" : `${p.questions} questions`}
            {p.views.length ? ` · Data: ${p.views.join(", ")}` : ""}
          </p>
          <p>
            <Link to={`/reflection-protocols/${p.id}`}>
              {data.canManage ? "Edit" : "Read"}
              <span className="ck-visually-hidden"> {p.name}</span>
            </Link>
          </p>
        </Card>
      ))}
    </div>
  );
}
