// The school switcher's target: works as a plain GET form, without JavaScript.
import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { getSchool } from "~/modules/districts/districts.server";
import { requireUser } from "~/modules/people/auth.server";
import { load } from "~/utils/http.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const id = z.uuid().safeParse(new URL(request.url).searchParams.get("school"));
  if (!id.success) throw redirect("/schools");
  return load(async () => {
    const school = await getSchool(context.db, user, id.data);
    throw redirect(`/schools/${school.id}`);
  });
}

// A component makes this a page route, so a refused switch shows the app's error page, not bare text.
export default function SwitchSchool() {
  return null;
}
