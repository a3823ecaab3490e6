// The student groups results are reported by: the catalog's and the ones a district names itself (and renames on a
// page of each one's own).
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { FormError, TextField, type FormState } from "~/components/ui/form";
import { Card, Notice, PageHeader } from "~/components/ui/layout";
import { DataAdminNav } from "~/modules/data/components/DataAdminNav";
import { studentGroupSchema } from "~/modules/data/measures.schema";
import { createStudentGroup, listStudentGroups } from "~/modules/data/measures.server";
import { requireUser } from "~/modules/people/auth.server";
import { can, requirePermission } from "~/modules/people/permissions";
import { act, load, parseForm, readForm } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: "Student groups · Cyclekeeper" }];

const categoryLabels: Record<string, string> = {
  all: "All students",
  gender: "Gender",
  race_ethnicity: "Race and ethnicity",
  english_learner: "English learners",
  disability: "Disability",
  economic: "Economic",
  custom: "Named by the district",
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  return load(async () => {
    const groups = await listStudentGroups(context.db, user);
    return {
      canManage: can(user, "data:manage", { districtId: user.districtId }),
      groups: groups.map((g) => ({ id: g.id, slug: g.slug, name: g.name, category: categoryLabels[g.category] ?? g.category, own: g.own })),
    };
  });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const form = await readForm(request);
  return act(form, async () => {
    requirePermission(user, "data:manage", { districtId: user.districtId });
    const created = await createStudentGroup(context.db, user, parseForm(form, studentGroupSchema), context.clientIp);
    throw redirect(`/data/student-groups?added=${created.slug}`);
  });
}

export default function StudentGroups() {
  const { groups, canManage } = useLoaderData<typeof loader>();
  const state = useActionData<typeof action>() as FormState | undefined;
  const navigation = useNavigation();
  const [params] = useSearchParams();
  const added = groups.find((g) => g.own && g.slug === params.get("added"));
  const saved = groups.find((g) => g.own && g.slug === params.get("saved"));
  return (
    <div className="ck-stack">
      <PageHeader
        title="Student groups"
        description="The groups results are broken down by. Within a category the catalog's groups add up to all students; groups the district names stand on their own."
      />
      <DataAdminNav canManage={canManage} />
      {added ? (
        <Notice tone="success" role="status">
          Added “{added.name}”. Files refer to it as <code>{added.slug}</code> or by its name.
        </Notice>
      ) : null}
      {saved ? (
        <Notice tone="success" role="status">
          Saved “{saved.name}”.
        </Notice>
      ) : null}
      <div className="ck-table-wrap">
        <table className="ck-table">
          <caption>Student groups</caption>
          <thead>
            <tr>
              <th scope="col">Group</th>
              <th scope="col">Short name in files</th>
              <th scope="col">Category</th>
              {canManage ? <th scope="col">Change</th> : null}
            </tr>
          </thead>
          <tbody>
            {groups.map((g) => (
              <tr key={g.id}>
                <th scope="row">{g.name}</th>
                <td>
                  <code>{g.slug}</code>
                </td>
                <td>{g.category}</td>
                {canManage ? (
                  <td>
                    {/* The catalog's groups are shared by every district and read-only. */}
                    {g.own ? (
                      <Link to={`/data/student-groups/${g.id}/edit`} aria-label={`Edit “${g.name}”`}>
                        Edit
                      </Link>
                    ) : null}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {canManage ? (
        <Card title="Name a group">
          <Form method="post" className="ck-form ck-form--inline" noValidate>
            <FormError state={state} />
            <TextField name="name" label="Group name" required state={state} hint="e.g. Newcomers, Students in foster care." />
            <button type="submit" className="ck-button" disabled={navigation.state === "submitting"}>
              Add group
            </button>
          </Form>
        </Card>
      ) : null}
    </div>
  );
}
