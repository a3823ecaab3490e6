// Step 3 while a large file is being checked: rows checked so far and the share of the file read, kept current by
// polling with JavaScript and by the page refreshing itself without it (ADR 0039).
import { Link, useLocation, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { Card } from "~/components/ui/layout";

/** How often the page asks again: often enough to feel live, rare enough to cost nothing next to the check. */
const POLL_MS = 1_000;

export function CheckProgress({ rowsDone, percent }: { rowsDone: number; percent: number }) {
  const revalidator = useRevalidator();
  const location = useLocation();
  useEffect(() => {
    const timer = setInterval(() => {
      if (revalidator.state === "idle") revalidator.revalidate();
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [revalidator]);
  return (
    <Card title="3. Check the rows">
      {/* Without JavaScript the browser reloads the page; with it, the poll above does (noscript is then inert text). */}
      <noscript>
        <meta httpEquiv="refresh" content="2" />
      </noscript>
      <p id="check-status" role="status">
        Checking every row before anything is saved: {rowsDone.toLocaleString("en-US")} rows checked ({percent} % of the file).
      </p>
      <progress id="check-progress" max={100} value={percent} aria-labelledby="check-status" />
      <p className="ck-muted">
        You can leave this page; the check goes on. <Link to={location.pathname + location.search}>Check progress now</Link>
      </p>
    </Card>
  );
}
