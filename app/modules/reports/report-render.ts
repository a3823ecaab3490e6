// SCAFFOLDING (replaced by the publishing work): the published body HTML of a report's content.
import type { JSONContent } from "@tiptap/core";
import { documentHTML } from "~/editor/document";

export function renderReportBody(content: JSONContent): string {
  return documentHTML(content);
}
