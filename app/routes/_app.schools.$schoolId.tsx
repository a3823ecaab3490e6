// One school: its team, and for the lead, rename and archive.
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { FormError, SelectField, TextField, type FormState } from "~/components/ui/form";
import { Card, Notice, PageHeader } from "~/components/ui/layout";
import { schoolLevelLabels, schoolLevels, schoolSchema } from "~/modules/districts/districts.schema";
import { getSchool, getSchoolTeam, setSchoolArchived, updateSchool } from "~/modules/districts/districts.server";
import { requireUser } from "~/modules/people/auth.server";
import { can, requirePermission } from "~/modules/people/permissions";
import { act, load, parseForm, readForm } from "~/utils/http.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.school.name ?? "School"} · Cyclekeeper` }];

const idSchema = z.uuid();

function schoolIdOf(params: { schoolId?: string }) {
  const parsed = idSchema.safeParse(params.schoolId);
  if (!parsed.success) throw new Response("Not found", { status: 404 });
  return parsed.data;
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const schoolId = schoolIdOf(params);
  return load(async () => {
    const school = await getSchool(context.db, user, schoolId);
    const team = await getSchoolTeam(context.db, user, schoolId);
    return {
      school: { id: school.id, name: school.name, level: school.level, archived: Boolean(school.archivedAt) },
      team,
      canManage: can(user, "school:manage", { districtId: user.districtId, schoolId }),
      canSeePeople: can(user, "people:manage", { districtId: user.districtId }),
    };
  });
}

const intentSchema = z.enum(["update", "archive", "restore"]);

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const schoolId = schoolIdOf(params);
  const form = await readForm(request);
  return act(form, async () => {
    const intent = intentSchema.safeParse(form.get("intent"));
    // Who may act comes before what they sent: a reader gets 403, not a list of field errors.
    await getSchool(context.db, user, schoolId);
    requirePermission(user, "school:manage", { districtId: user.districtId, schoolId });
    if (!intent.success) throw new Response("Unknown action", { status: 400 });
    if (intent.data === "update") {
      await updateSchool(context.db, user, schoolId, parseForm(form, schoolSchema), context.clientIp);
      throw redirect(`/schools/${schoolId}?saved=1`);
    }
    await setSchoolArchived(context.db, user, schoolId, intent.data === "archive", context.clientIp);
    throw redirect(`/schools/${schoolId}?${intent.data === "archive" ? "archived" : "restored"}=1`);
  });
}

const levelOptions = schoolLevels.map((l) => ({ value: l, label: schoolLevelLabels[l] }));

export default function School() {
  const { school, team, canManage, canSeePeople } = useLoaderData<typeof loader>();
  const state = useActionData<typeof action>() as FormState | undefined;
  const [params] = useSearchParams();
  const message = params.has("added")
    ? "School added."
    : params.has("saved")
      ? "Changes saved."
      : params.has("archived")
        ? "School archived. It no longer appears in lists or the school switcher."
        : params.has("restored")
          ? "School restored."
          : null;
  return (
    <div className="ck-stack">
      <PageHeader
        eyebrow={schoolLevelLabels[school.level]}
        title={school.name}
        description={school.archived ? "This school is archived." : undefined}
        actions={<Link to="/schools">All schools</Link>}
      />
      {message ? (
        <Notice tone="success" role="status">
          {message}
        </Notice>
      ) : null}
      <Card title="School team">
        {team.length === 0 ? (
          <p className="ck-muted">Nobody is on this school's team yet.{canSeePeople ? " Invite someone from the People page." : ""}</p>
        ) : (
          <ul className="ck-list">
            {team.map((p) => (
              <li key={p.id}>
                {canSeePeople ? <Link to={`/people/${p.id}`}>{p.name}</Link> : p.name} <span className="ck-muted">· {p.email}</span>
                {p.status !== "active" ? <span className="ck-badge ck-badge--muted"> {p.status}</span> : null}
              </li>
            ))}
          </ul>
        )}
      </Card>
      {canManage ? (
        <>
          <Card title="Edit school">
            <Form method="post" className="ck-form" noValidate>
              <FormError state={state} />
              <input type="hidden" name="intent" value="update" />
              <TextField name="name" label="School name" defaultValue={school.name} required state={state} />
              <SelectField name="level" label="Level" options={levelOptions} defaultValue={school.level} state={state} />
              <div>
                <button type="submit" className="ck-button">
                  Save changes
                </button>
              </div>
            </Form>
          </Card>
          <Card title={school.archived ? "Restore school" : "Archive school"}>
            <p className="ck-muted">
              {school.archived
                ? "Restoring brings the school back into lists and the school switcher."
                : "Archiving hides the school from lists and the switcher. Its history is kept and it can be restored."}
            </p>
            <Form method="post">
              <input type="hidden" name="intent" value={school.archived ? "restore" : "archive"} />
              <button type="submit" className={school.archived ? "ck-button" : "ck-button ck-button--danger"}>
                {school.archived ? "Restore school" : "Archive school"}
              </button>
            </Form>
          </Card>
        </>
      ) : null}
    </div>
  );
}
