// What an error page says: a status, a plain title and what to do next.
import { isRouteErrorResponse, Link, useLocation } from "@remix-run/react";

const messages: Record<number, { title: string; body: string }> = {
  400: { title: "That request could not be understood", body: "Something in the request was not valid. Go back and try again." },
  403: { title: "You do not have access to this page", body: "Your role does not allow this. Ask your district SEL lead if you need access." },
  404: { title: "Page not found", body: "We could not find that page. It may have moved, or the address may be mistyped." },
  409: { title: "That change could not be made", body: "Someone else may have changed this first. Reload the page and try again." },
  503: {
    title: "The database is unavailable",
    body: "Cyclekeeper cannot reach its database just now, so this page cannot be shown. Nothing you saved is lost. Try again in about 30 seconds.",
  },
};

const generic = new Set(["", "Not found", "Not Found", "Unknown action"]);

export function describeRouteError(error: unknown) {
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const known = messages[status];
  // A route may explain a refusal in its own words (an expired invitation, a conflict); 403s stay generic.
  const routeMessage =
    isRouteErrorResponse(error) && typeof error.data === "string" && !generic.has(error.data) && status !== 403 && status !== 400 ? error.data : null;
  return {
    status,
    title: known?.title ?? "Something went wrong",
    body: routeMessage ?? known?.body ?? "An unexpected error happened on our side. Nothing you saved is lost; please try again in a moment.",
  };
}

export function ErrorText({ status, title, body }: { status: number; title: string; body: string }) {
  const location = useLocation();
  return (
    <>
      <p className="ck-eyebrow">Error {status}</p>
      <h1>{title}</h1>
      <p>{body}</p>
      <p>
        {status === 503 ? (
          // While the database is away the home page cannot be shown either: the useful step is to ask again.
          <Link to={location.pathname + location.search} reloadDocument className="ck-button">
            Try again
          </Link>
        ) : (
          <Link to="/" className="ck-button">
            Go to your home page
          </Link>
        )}
      </p>
    </>
  );
}
