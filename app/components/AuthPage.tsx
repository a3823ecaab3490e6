// The frame for pages shown before sign-in: brand, one panel, nothing else.
import type { ReactNode } from "react";

export function AuthPage({ title, intro, children }: { title: string; intro?: ReactNode; children: ReactNode }) {
  return (
    <main className="ck-auth" id="main">
      <div className="ck-auth__panel">
        <div className="ck-auth__brand">
          <p className="ck-eyebrow">Cyclekeeper</p>
          <h1>{title}</h1>
          {intro ? <p>{intro}</p> : null}
        </div>
        <div className="ck-card">{children}</div>
      </div>
    </main>
  );
}
