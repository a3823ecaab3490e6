// What the data pages accept: filters in the address (school year, term, school, measure) and the benchmark forms.
import { z } from "zod";
import { NotFound } from "~/utils/errors";
import { dataTerms } from "./data-terms";

const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);

/**
 * Filters from the search params. A year or term that does not parse falls back to the newest with data; a school
 * or measure that is not an id names nothing, so it is NotFound like another district's.
 */
export function parseFilters(search: URLSearchParams) {
  const year = z.coerce.number().int().min(1990).max(2100).safeParse(search.get("year") ?? undefined);
  const term = z.enum(dataTerms).safeParse(search.get("term") ?? undefined);
  const school = search.get("school") || null;
  const measure = search.get("measure") || null;
  if (school !== null && !uuid.safeParse(school).success) throw new NotFound("school");
  if (measure !== null && !uuid.safeParse(measure).success) throw new NotFound("measure");
  return { startYear: year.success ? year.data : null, term: term.success ? term.data : null, schoolId: school, measureId: measure };
}


/** The address of a view with the same filters, for links between views and to the CSV export. */
export function withFilters(path: string, filters: Partial<Record<"year" | "term" | "school" | "measure", string | number | null | undefined>>) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(filters)) if (v !== null && v !== undefined && v !== "") params.set(k, String(v));
  const query = params.toString();
  return query ? `${path}?${query}` : path;
}

export const gradeBands = ["all", "K-2", "3-5", "6-8", "9-12"] as const;
export const benchmarkKinds = ["benchmark", "target"] as const;

const value = z.coerce.number({ error: "Enter a number." }).refine(Number.isFinite, "Enter a number.");

export const benchmarkSchema = z.object({
  measureId: uuid,
  kind: z.enum(benchmarkKinds, { error: "Choose benchmark or target." }),
  gradeBand: z.enum(gradeBands, { error: "Choose a grade band." }),
  value,
  source: z.string().trim().max(200, "Use at most 200 characters.").default(""),
});

export const benchmarkEditSchema = z.object({
  benchmarkId: uuid,
  value,
  source: z.string().trim().max(200, "Use at most 200 characters.").default(""),
  expectedVersion: z.coerce.number().int().min(1),
});

export type BenchmarkInput = z.infer<typeof benchmarkSchema>;
export type BenchmarkEdit = z.infer<typeof benchmarkEditSchema>;
