// SCAFFOLDING (replaced by the publishing work): the PDF of a published report.
import type { JSONContent } from "@tiptap/core";

export interface PdfInput {
  title: string;
  language: string;
  organisationName: string;
  versionNumber: number;
  publishedAt: Date;
  content: JSONContent;
}

export async function renderReportPdf(_input: PdfInput): Promise<Uint8Array | null> {
  return null;
}
