// Any address no other route claims is a 404, rendered by the root error page.
export async function loader() {
  throw new Response("Not found", { status: 404, statusText: "Not Found" });
}

export async function action() {
  throw new Response("Not found", { status: 404, statusText: "Not Found" });
}

export default function NotFoundPage() {
  return null;
}
