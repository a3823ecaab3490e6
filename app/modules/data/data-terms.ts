// The terms results are reported in, in the order of the school year, and how they read.
export const dataTerms = ["fall", "winter", "spring", "year"] as const;
export type DataTerm = (typeof dataTerms)[number];
export const dataTermLabels: Record<DataTerm, string> = { fall: "Fall", winter: "Winter", spring: "Spring", year: "Whole year" };
