import type { LinksFunction, MetaFunction } from "@remix-run/node";
import { Links, Meta, Outlet, Scripts, ScrollRestoration, useRouteError } from "@remix-run/react";
import { describeRouteError, ErrorText } from "./components/ErrorText";
import { useEffect, type ReactNode } from "react";
import appStyles from "./styles/app.css?url";
import { useNonce } from "./utils/nonce";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: appStyles },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction = () => [{ title: "Cyclekeeper" }];

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce();
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  // Says the page's scripts have taken over; browser tests wait for it before choosing in a select, which React
  // sets back to its default value while hydrating.
  useEffect(() => {
    document.documentElement.dataset.hydrated = "true";
  }, []);
  return <Outlet />;
}

export function ErrorBoundary() {
  const { status, title, body } = describeRouteError(useRouteError());
  return (
    <main className="ck-auth" id="main">
      <div className="ck-auth__panel ck-card">
        <ErrorText status={status} title={title} body={body} />
      </div>
    </main>
  );
}
