// The root address sends each visitor where they belong: first run, sign-in or their home.
import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { getUser } from "~/modules/people/auth.server";
import { hasAnyDistrict } from "~/modules/people/people.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  if (await getUser(request, context)) throw redirect("/home");
  if (!(await hasAnyDistrict(context.db))) throw redirect("/setup");
  throw redirect("/sign-in");
}
