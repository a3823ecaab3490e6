// The signed-in shell: header with district, navigation by permission, school switcher, account menu.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, NavLink, Outlet, useLoaderData, useLocation, useRouteError, useRouteLoaderData } from "@remix-run/react";
import type { ReactNode } from "react";
import { describeRouteError, ErrorText } from "~/components/ErrorText";
import { listSchoolNames } from "~/modules/districts/districts.server";
import { requireUser } from "~/modules/people/auth.server";
import { can, roleLabels, seesStudentRecords } from "~/modules/people/permissions";

// Past this many schools the switcher is a long scroll that every page would render and ship (200 options were
// three quarters of a light page); the Schools page lists them all, with search by eye and links.
const SWITCHER_MAX = 40;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  // Names only: the team-size counts of the Schools page would cost every page a subquery per school.
  const names = await listSchoolNames(context.db, user, { limit: SWITCHER_MAX + 1 });
  const schools = names.length > SWITCHER_MAX ? [] : names;
  const scope = { districtId: user.districtId };
  return {
    user: {
      name: user.name,
      email: user.email,
      role: user.role,
      roleLabel: roleLabels[user.role],
      districtName: user.districtName,
      // Only a person with another district to go to is offered the switch (ADR 0035).
      switchesDistrict: user.districtCount > 1,
    },
    schools,
    nav: [
      { to: "/home", label: "Home" },
      { to: "/cycles", label: "Cycles" },
      { to: "/schools", label: user.role === "school_team" && names.length === 1 ? "My school" : "Schools" },
      ...(can(user, "data:read", scope) ? [{ to: "/data", label: "Data" }] : []),
      ...(seesStudentRecords(user) || can(user, "student:settings", scope) ? [{ to: "/students", label: "Student support" }] : []),
      // Every role reads some report (its own drafts, or in review and published ones): see canReadReport.
      ...(can(user, "district:read", scope) ? [{ to: "/reports", label: "Reports" }] : []),
      ...(can(user, "people:manage", scope) ? [{ to: "/people", label: "People" }] : []),
      ...(can(user, "district:manage", scope) ? [{ to: "/settings", label: "Settings" }] : []),
    ],
  };
}

type ShellData = Awaited<ReturnType<typeof loader>>;

export default function AppPage() {
  return (
    <Shell data={useLoaderData<typeof loader>()}>
      <Outlet />
    </Shell>
  );
}

// An error in a page keeps the header and navigation around it, so the person is never stranded.
export function ErrorBoundary() {
  const data = useRouteLoaderData<typeof loader>("routes/_app");
  const error = describeRouteError(useRouteError());
  const text = <ErrorText {...error} />;
  if (!data) {
    return (
      <main className="ck-auth" id="main">
        <div className="ck-auth__panel ck-card">{text}</div>
      </main>
    );
  }
  return (
    <Shell data={data}>
      <div className="ck-card">{text}</div>
    </Shell>
  );
}

function Shell({ data, children }: { data: ShellData; children: ReactNode }) {
  const { user, schools, nav } = data;
  const location = useLocation();
  const currentSchool = schools.find((s) => location.pathname.startsWith(`/schools/${s.id}`));
  return (
    <>
      <a className="ck-skip-link" href="#main">
        Skip to content
      </a>
      <header className="ck-header">
        <div className="ck-header__inner">
          <a className="ck-brand" href="/home">
            Cyclekeeper
            <small>{user.districtName}</small>
          </a>
          <div className="ck-usermenu">
            <div>
              <NavLink to="/account">{user.name}</NavLink>
              <span className="ck-usermenu__role">{user.roleLabel}</span>
              {user.switchesDistrict ? (
                <NavLink to="/switch-district" className="ck-usermenu__district">
                  Switch district
                </NavLink>
              ) : null}
            </div>
            <Form method="post" action="/sign-out">
              <button type="submit" className="ck-button ck-button--secondary">
                Sign out
              </button>
            </Form>
          </div>
        </div>
        <div className="ck-header__inner ck-header__bar">
          <nav className="ck-nav" aria-label="Main">
            <ul>
              {nav.map((item) => (
                <li key={item.to}>
                  <NavLink to={item.to}>
                    {item.label}
                  </NavLink>
                </li>
              ))}
            </ul>
          </nav>
          {schools.length > 1 ? (
            <Form method="get" action="/switch-school" className="ck-switcher" aria-label="Switch school">
              <label htmlFor="school-switcher">Go to school</label>
              <select id="school-switcher" name="school" className="ck-select" defaultValue={currentSchool?.id ?? ""} key={currentSchool?.id ?? "none"}>
                <option value="" disabled>
                  Choose a school…
                </option>
                {schools.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                  </option>
                ))}
              </select>
              <button type="submit" className="ck-button ck-button--secondary">
                Go
              </button>
            </Form>
          ) : null}
        </div>
      </header>
      <main className="ck-main" id="main" tabIndex={-1}>
        {children}
      </main>
      <footer className="ck-footer">Cyclekeeper · plan, implement, reflect and improve — together</footer>
    </>
  );
}
