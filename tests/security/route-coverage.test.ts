// Every route the app has is in a permission matrix: a new route left out of route-matrix, cycle-routes or
// rubric-routes fails here, so nobody ships a page whose roles were never tried.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const matrices = ["tests/security/route-matrix.test.ts", "tests/security/cycle-routes.test.ts", "tests/security/rubric-routes.test.ts"];

/** Routes whose rules are proven elsewhere, each with where. */
const provenElsewhere: Record<string, string> = {
  "": "the landing page redirects by session (tests/security/redirects.test.ts)",
  "*": "the not-found page (route-matrix's /nope row)",
  "sign-in": "tests/integration/sign-in.test.ts, tests/security/throttle.test.ts, redirects.test.ts",
  "sign-out": "tests/security/sessions.test.ts",
  setup: "tests/integration/people.test.ts (first-run set-up)",
  "invite/*": "tests/integration/people.test.ts (accepting an invitation)",
};

/** The URL a Remix flat-routes file serves, with "*" for each dynamic segment; null for a pathless layout. */
function routePattern(file: string): string | null {
  const segments = file.replace(/\.tsx?$/, "").split(".");
  const parts: string[] = [];
  for (const segment of segments) {
    if (segment === "_index") continue;
    if (segment.startsWith("_")) continue; // pathless layout (_app)
    const name = segment.endsWith("_") ? segment.slice(0, -1) : segment; // plan_ : not nested in plan's layout
    parts.push(name.startsWith("$") ? "*" : name);
  }
  if (segments.length === 1 && segments[0].startsWith("_") && segments[0] !== "_index") return null;
  return parts.join("/");
}

/** Paths the matrices request, normalised the same way: interpolations and placeholders become "*". */
function matrixPaths(): string[] {
  const found = new Set<string>();
  for (const file of matrices) {
    const text = fs.readFileSync(path.join(root, file), "utf8");
    for (const match of text.matchAll(/["`](\/[a-z][^"`\s]*)["`]/g)) {
      const clean = match[1].split("?")[0].replace(/\$\{[^}]+\}/g, "*").replace(/:[A-Za-z]+/g, "*");
      found.add(clean.replace(/^\//, "").replace(/\/$/, ""));
    }
  }
  return [...found];
}

function covers(requested: string, pattern: string) {
  const a = requested.split("/");
  const b = pattern.split("/");
  if (b.length === 1 && b[0] === "*") return true;
  return a.length === b.length && b.every((part, i) => part === "*" || part === a[i]);
}

describe("the permission matrices", () => {
  it("read route file names as Remix does", () => {
    expect(routePattern("_app.cycles.$cycleId.plan_.export.$format.tsx")).toBe("cycles/*/plan/export/*");
    expect(routePattern("_app.cycles._index.tsx")).toBe("cycles");
    expect(routePattern("_app.tsx")).toBeNull();
    expect(routePattern("invite.$token.tsx")).toBe("invite/*");
    expect(covers("cycles/*/plan/export/md", "cycles/*/plan/export/*")).toBe(true);
    expect(covers("cycles/*/plan", "cycles/*/plan/export/*")).toBe(false);
  });

  it("try every route the app has", () => {
    const requested = matrixPaths();
    const routes = fs.readdirSync(path.join(root, "app/routes")).filter((file) => /\.tsx?$/.test(file));
    const missing = routes
      .map((file) => ({ file, pattern: routePattern(file) }))
      .filter((route): route is { file: string; pattern: string } => route.pattern !== null)
      .filter(({ pattern }) => !(pattern in provenElsewhere))
      .filter(({ pattern }) => !requested.some((p) => covers(p, pattern)))
      .map(({ file }) => file);
    expect(missing, "routes missing from the permission matrices").toEqual([]);
  });
});
