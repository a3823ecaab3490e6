// The district's schools; the lead adds new ones here.
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { FormError, SelectField, TextField, type FormState } from "~/components/ui/form";
import { Card, PageHeader } from "~/components/ui/layout";
import { schoolLevelLabels, schoolLevels, schoolSchema } from "~/modules/districts/districts.schema";
import { createSchool, listSchools } from "~/modules/districts/districts.server";
import { requireUser } from "~/modules/people/auth.server";
import { can, requirePermission } from "~/modules/people/permissions";
import { act, load, parseForm, readForm } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: "Schools · Cyclekeeper" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  return load(async () => {
    const canManage = can(user, "school:manage", { districtId: user.districtId });
    const schools = await listSchools(context.db, user, { includeArchived: canManage });
    return {
      canManage,
      schools: schools.map((s) => ({ id: s.id, name: s.name, level: schoolLevelLabels[s.level], teamSize: s.teamSize, archived: Boolean(s.archivedAt) })),
    };
  });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const form = await readForm(request);
  return act(form, async () => {
    requirePermission(user, "school:manage", { districtId: user.districtId });
    const input = parseForm(form, schoolSchema);
    const school = await createSchool(context.db, user, input, context.clientIp);
    throw redirect(`/schools/${school.id}?added=1`);
  });
}

const levelOptions = schoolLevels.map((l) => ({ value: l, label: schoolLevelLabels[l] }));

export default function Schools() {
  const { schools, canManage } = useLoaderData<typeof loader>();
  const state = useActionData<typeof action>() as FormState | undefined;
  const navigation = useNavigation();
  const active = schools.filter((s) => !s.archived);
  const archived = schools.filter((s) => s.archived);
  return (
    <div className="ck-stack">
      <PageHeader title="Schools" description={`${active.length} active school${active.length === 1 ? "" : "s"}`} />
      <SchoolTable caption="Active schools" schools={active} />
      {archived.length ? <SchoolTable caption="Archived schools" schools={archived} /> : null}
      {canManage ? (
        <Card title="Add a school">
          <Form method="post" className="ck-form ck-form--inline" noValidate>
            <FormError state={state} />
            <TextField name="name" label="School name" required state={state} />
            <SelectField name="level" label="Level" options={levelOptions} defaultValue="elementary" state={state} />
            <button type="submit" className="ck-button" disabled={navigation.state === "submitting"}>
              Add school
            </button>
          </Form>
        </Card>
      ) : null}
    </div>
  );
}

function SchoolTable({ caption, schools }: { caption: string; schools: { id: string; name: string; level: string; teamSize: number }[] }) {
  if (schools.length === 0) return <p className="ck-muted">No schools to show.</p>;
  return (
    <div className="ck-table-wrap">
      <table className="ck-table">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">School</th>
            <th scope="col">Level</th>
            <th scope="col">School team</th>
          </tr>
        </thead>
        <tbody>
          {schools.map((s) => (
            <tr key={s.id}>
              <th scope="row">
                <Link to={`/schools/${s.id}`}>{s.name}</Link>
              </th>
              <td>{s.level}</td>
              <td>{s.teamSize === 1 ? "1 person" : `${s.teamSize} people`}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
