import type { LinksFunction, MetaFunction } from "@remix-run/node";
import { isRouteErrorResponse, Link, Links, Meta, Outlet, Scripts, ScrollRestoration, useRouteError } from "@remix-run/react";
import type { ReactNode } from "react";
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
  return <Outlet />;
}

const messages: Record<number, { title: string; body: string }> = {
  400: { title: "That request could not be understood", body: "Something in the request was not valid. Go back and try again." },
  403: { title: "You do not have access to this page", body: "Your role does not allow this. Ask your district SEL lead if you need access." },
  404: { title: "Page not found", body: "We could not find that page. It may have moved, or the address may be mistyped." },
  409: { title: "That change could not be made", body: "" },
};

export function ErrorBoundary() {
  const error = useRouteError();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const known = messages[status];
  const title = known?.title ?? "Something went wrong";
  const body =
    status === 409 && isRouteErrorResponse(error) && typeof error.data === "string"
      ? error.data
      : (known?.body ?? "An unexpected error happened on our side. Nothing you saved is lost; please try again in a moment.");
  return (
    <main className="ck-auth" id="main">
      <div className="ck-auth__panel ck-card">
        <p className="ck-eyebrow">Error {status}</p>
        <h1>{title}</h1>
        <p>{body}</p>
        <p>
          <Link to="/" className="ck-button">
            Go to your home page
          </Link>
        </p>
      </div>
    </main>
  );
}
