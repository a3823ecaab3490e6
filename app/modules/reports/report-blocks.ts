// Live data blocks in a report: a chart or table node bound to a query, whose numbers are frozen when the report is
// published. These types are the contract between generating a report, the editor, publishing and the PDF.
import { z } from "zod";

export const dataBlockKinds = [
  // Rubric: the district roll-up by item at the latest checkpoint, and movement across checkpoints and years.
  "rubric-rollup",
  "rubric-movement",
  // This year's goals with their status.
  "goals",
  // What data was collected: measures, sources, terms and how many schools.
  "data-collected",
  // Outcome measures against benchmarks and targets, and by student group (suppressed).
  "outcomes",
  "outcome-groups",
  // Who took part in reflection meetings.
  "participation",
  // Findings and the decision per goal.
  "decisions",
] as const;
export type DataBlockKind = (typeof dataBlockKinds)[number];

export const dataBlockQuerySchema = z.object({
  kind: z.enum(dataBlockKinds),
  cycleId: z.uuid(),
  /** Kind-specific options (a measure slug, a checkpoint); every value a string so the node attribute stays plain JSON. */
  options: z.record(z.string(), z.string()).default({}),
});
export type DataBlockQuery = z.infer<typeof dataBlockQuerySchema>;

/** A block's numbers, read once: formatted for people, already suppressed, the same for page, editor and PDF. */
export interface BlockData {
  /** The caption: "Implementation rubric, district average by focus area, end of year 2026–27". */
  title: string;
  /** One or two sentences a screen reader (and the PDF) reads in place of the chart. */
  summary: string;
  columns: { label: string; numeric: boolean }[];
  /** Each row's first cell is its header (a row heading); cells are formatted text ("64 %", "Fewer than 10 students"). */
  rows: { header: string; cells: string[] }[];
  /** A simple bar chart of one value per row, drawn beside the table; null when a table says it better. */
  chart: null | {
    unit: "%" | "level";
    max: number;
    bars: { label: string; value: number | null }[];
    reference?: { label: string; value: number };
  };
  /** "Groups of fewer than 10 students are not shown." and similar. */
  footnotes: string[];
  /** When the numbers were read (ISO 8601). */
  asOf: string;
}

/** The report document's data block node: its name and attributes as Yjs stores them. */
export const DATA_BLOCK_NODE = "dataBlock";
export interface DataBlockAttrs {
  query: DataBlockQuery;
  /** The authors' annotation, shown under the block. */
  note: string;
  /** The numbers as published; null in a draft, where the block reads live data. */
  frozen: BlockData | null;
}

export const reportAudiences = ["board", "families", "staff"] as const;
export type ReportAudience = (typeof reportAudiences)[number];
export const reportAudienceLabels: Record<ReportAudience, string> = {
  board: "Board (full detail)",
  families: "Families (plain language, fewer numbers)",
  staff: "Staff",
};
