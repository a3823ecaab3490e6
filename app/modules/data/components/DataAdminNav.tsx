// Links between the data-administration pages (import, history, measures, groups).
import { NavLink } from "@remix-run/react";

export function DataAdminNav({ canManage }: { canManage: boolean }) {
  const links = [
    ...(canManage
      ? [
          { to: "/data/import", label: "Import data" },
          { to: "/data/imports", label: "Import history" },
        ]
      : []),
    { to: "/data/measures", label: "Measures" },
    { to: "/data/student-groups", label: "Student groups" },
  ];
  return (
    <nav className="ck-subnav" aria-label="Outcome data">
      {links.map((l) => (
        <NavLink key={l.to} to={l.to} end>
          {l.label}
        </NavLink>
      ))}
    </nav>
  );
}
