// Page-level building blocks shared by every screen.
import type { ReactNode } from "react";

export function PageHeader({ eyebrow, title, description, actions }: { eyebrow?: string; title: string; description?: ReactNode; actions?: ReactNode }) {
  return (
    <div className="ck-page-header">
      <div>
        {eyebrow ? <p className="ck-eyebrow">{eyebrow}</p> : null}
        <h1>{title}</h1>
        {description ? <p>{description}</p> : null}
      </div>
      {actions ? <div>{actions}</div> : null}
    </div>
  );
}

export function Notice({ tone = "info", children, role }: { tone?: "info" | "error" | "success" | "warning"; children: ReactNode; role?: "status" | "alert" }) {
  return (
    <div className={`ck-notice${tone === "info" ? "" : ` ck-notice--${tone}`}`} role={role}>
      {children}
    </div>
  );
}

export function Card({ title, children, headingLevel = 2 }: { title?: string; children: ReactNode; headingLevel?: 2 | 3 }) {
  const Heading = headingLevel === 2 ? "h2" : "h3";
  return (
    <section className="ck-card" aria-label={title}>
      {title ? <Heading>{title}</Heading> : null}
      {children}
    </section>
  );
}
