// The school switcher's target: works as a plain GET form, without JavaScript.
import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { getSchool } from "~/modules/districts/districts.server";
import { requireUser } from "~/modules/people/auth.server";
import { load } from "~/utils/http.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const id = new URL(request.url).searchParams.get("school") ?? "";
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw redirect("/schools");
  return load(async () => {
    const school = await getSchool(context.db, user, id);
    throw redirect(`/schools/${school.id}`);
  });
}
