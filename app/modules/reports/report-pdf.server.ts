// The PDF of a published report, made with PDFKit (no browser, nothing to download after `npm install`): a tagged
// PDF 1.7 with the report's language, its title shown as the window title, and a structure tree of headings,
// paragraphs, lists and tables, so screen readers and `pdftotext` read the same text the public page shows. DejaVu
// Sans is embedded (subset) because PDFKit's standard fonts only cover WinAnsi, which lacks "≥", "≤", "☑" and more.
// See docs/decisions/0026-published-reports.md.
import type { JSONContent } from "@tiptap/core";
import { createRequire } from "node:module";
import path from "node:path";
import PDFDocument from "pdfkit";
import { goalBlockWords } from "~/editor/goal-reference";
import { formatDate } from "./public-page";
import { formatReportDate, reportMessages } from "./report-messages";
import { DATA_BLOCK_NODE, type DataBlockAttrs } from "./report-blocks";
import { GOAL_REFERENCE_NODE } from "./report-goals";
import { orderedHeadings } from "./report-render";

export interface PdfInput {
  title: string;
  language: string;
  organisationName: string;
  versionNumber: number;
  publishedAt: Date;
  content: JSONContent;
}

const require = createRequire(import.meta.url);
const fontDir = path.join(path.dirname(require.resolve("dejavu-fonts-ttf/package.json")), "ttf");
const FONTS = {
  regular: path.join(fontDir, "DejaVuSans.ttf"),
  bold: path.join(fontDir, "DejaVuSans-Bold.ttf"),
  italic: path.join(fontDir, "DejaVuSans-Oblique.ttf"),
  boldItalic: path.join(fontDir, "DejaVuSans-BoldOblique.ttf"),
};
const INK = "#1b1f24";
const MUTED = "#4a5360";
const LINE = "#8a939f";
const HEADING_SIZE: Record<number, number> = { 1: 22, 2: 16, 3: 13.5, 4: 12, 5: 11, 6: 11 };
const BODY_SIZE = 10.5;

type Doc = PDFKit.PDFDocument;
type Struct = PDFKit.PDFStructureElement;

const words = {
  en: { version: "Version", published: "Published", note: "Note" },
  es: { version: "Versión", published: "Publicado el", note: "Nota" },
} as const;

function fontFor(marks: JSONContent["marks"]): keyof typeof FONTS {
  const bold = marks?.some((m) => m.type === "bold") ?? false;
  const italic = marks?.some((m) => m.type === "italic") ?? false;
  return bold && italic ? "boldItalic" : bold ? "bold" : italic ? "italic" : "regular";
}

const textOf = (node: JSONContent): string => (node.type === "hardBreak" ? "\n" : (node.text ?? "") + (node.content ?? []).map(textOf).join(""));

class Writer {
  constructor(
    readonly doc: Doc,
    readonly language: string,
  ) {}

  private get left() {
    return this.doc.page.margins.left;
  }
  private get width() {
    return this.doc.page.width - this.doc.page.margins.left - this.doc.page.margins.right;
  }

  /** Room for `height` points on this page, or a new one. */
  ensure(height: number) {
    if (this.doc.y + height > this.doc.page.height - this.doc.page.margins.bottom) this.doc.addPage();
  }

  /** One structure element holding inline runs (bold, italic, links) as one flow of text. */
  inline(parent: Struct, tag: string, runs: JSONContent[], options: { size?: number; font?: keyof typeof FONTS; indent?: number; color?: string; gap?: number } = {}) {
    const { doc } = this;
    const size = options.size ?? BODY_SIZE;
    const indent = options.indent ?? 0;
    const pieces = runs.flatMap((run) =>
      run.type === "hardBreak" ? [{ text: "\n", marks: run.marks }] : run.type === "text" ? [{ text: run.text ?? "", marks: run.marks }] : textOf(run) ? [{ text: textOf(run), marks: run.marks }] : [],
    );
    if (pieces.length === 0) pieces.push({ text: "", marks: undefined });
    this.ensure(size * 1.6);
    const element = doc.struct(tag);
    parent.add(element);
    element.add(() => {
      doc.fillColor(options.color ?? INK);
      pieces.forEach((piece, i) => {
        const link = piece.marks?.find((m) => m.type === "link")?.attrs?.href as string | undefined;
        doc.font(FONTS[options.font ?? fontFor(piece.marks)]).fontSize(size);
        const opts: PDFKit.Mixins.TextOptions = {
          continued: i < pieces.length - 1,
          width: this.width - indent,
          lineGap: 2,
          underline: Boolean(link) || (piece.marks?.some((m) => m.type === "underline") ?? false),
          strike: piece.marks?.some((m) => m.type === "strike") ?? false,
          link: link && /^(https?:|mailto:)/i.test(link) ? link : null,
        };
        if (i === 0) doc.text(piece.text, this.left + indent, doc.y, opts);
        else doc.text(piece.text, opts);
      });
    });
    element.end();
    doc.moveDown(options.gap ?? 0.45);
  }

  plain(parent: Struct, tag: string, text: string, options: Parameters<Writer["inline"]>[3] = {}) {
    this.inline(parent, tag, [{ type: "text", text }], options);
  }

  table(parent: Struct, header: string[] | null, rows: { header?: string; cells: string[] }[]) {
    const { doc } = this;
    const cell = (text: string, th: "column" | "row" | null) =>
      th ? { text, type: "TH", scope: th, font: { src: FONTS.bold }, backgroundColor: th === "column" ? "#eef1f5" : undefined } : { text };
    const data: unknown[][] = [];
    if (header) data.push(header.map((h) => cell(h, "column")));
    for (const row of rows) data.push([...(row.header !== undefined ? [cell(row.header, "row")] : []), ...row.cells.map((c) => cell(c, null))]);
    if (data.length === 0) return;
    this.ensure(40);
    doc.font(FONTS.regular).fontSize(BODY_SIZE - 1).fillColor(INK);
    doc.table({
      data: data as never,
      position: { x: this.left, y: doc.y },
      maxWidth: this.width,
      structParent: parent,
      defaultStyle: { padding: 4, border: 0.5, borderColor: LINE },
    } as never);
    doc.x = this.left;
    doc.moveDown(0.6);
  }

  block(parent: Struct, node: JSONContent, indent: number) {
    const { doc } = this;
    switch (node.type) {
      case "heading": {
        const level = Math.min(6, Math.max(2, Number(node.attrs?.level) || 2));
        doc.moveDown(0.4);
        this.ensure(HEADING_SIZE[level] * 3);
        this.inline(parent, `H${level}`, node.content ?? [], { size: HEADING_SIZE[level], font: "bold", indent, gap: 0.3 });
        return;
      }
      case "paragraph":
        this.inline(parent, "P", node.content ?? [], { indent });
        return;
      case "bulletList":
      case "orderedList":
      case "taskList": {
        const list = doc.struct("L");
        parent.add(list);
        let n = Number(node.attrs?.start) || 1;
        for (const item of node.content ?? []) {
          const li = doc.struct("LI");
          list.add(li);
          const label = node.type === "bulletList" ? "•" : node.type === "orderedList" ? `${n++}.` : item.attrs?.checked ? "☑" : "☐";
          const [first, ...rest] = item.content ?? [];
          // The label and the item's first paragraph share a line; PDFKit's text flow keeps them in reading order.
          const body = doc.struct("LBody");
          this.ensure(BODY_SIZE * 1.6);
          const y = doc.y;
          const lbl = doc.struct("Lbl");
          li.add(lbl);
          lbl.add(() => {
            doc.font(FONTS.regular).fontSize(BODY_SIZE).fillColor(INK).text(label, this.left + indent, y, { width: 18, lineBreak: false });
          });
          lbl.end();
          li.add(body);
          doc.y = y;
          if (first) this.block(body, first, indent + 20);
          for (const child of rest) this.block(body, child, indent + 20);
          body.end();
          li.end();
        }
        list.end();
        return;
      }
      case "blockquote": {
        const quote = doc.struct("BlockQuote");
        parent.add(quote);
        for (const child of node.content ?? []) this.block(quote, child, indent + 16);
        quote.end();
        return;
      }
      case "horizontalRule": {
        this.ensure(16);
        const y = doc.y + 4;
        doc.markContent("Artifact", { type: "Layout" });
        doc.moveTo(this.left + indent, y).lineTo(this.left + this.width, y).lineWidth(0.5).strokeColor(LINE).stroke();
        doc.endMarkedContent();
        doc.y = y + 10;
        return;
      }
      case "table": {
        const rows = node.content ?? [];
        const asCells = (row: JSONContent) => (row.content ?? []).map((c) => ({ text: (c.content ?? []).map(textOf).join("\n"), th: c.type === "tableHeader" }));
        const data = rows.map(asCells);
        const headerRow = data.length > 1 && data[0].every((c) => c.th) ? data[0].map((c) => c.text) : null;
        const body = (headerRow ? data.slice(1) : data).map((cells) => (cells[0]?.th ? { header: cells[0].text, cells: cells.slice(1).map((c) => c.text) } : { cells: cells.map((c) => c.text) }));
        this.table(parent, headerRow, body);
        return;
      }
      case GOAL_REFERENCE_NODE: {
        // The words frozen when the report was published (a version from before goal blocks were frozen has none and
        // reads as the page does: a goal no longer in the cycle). Nothing is looked up now.
        const words = goalBlockWords(node.attrs, () => undefined, false, true);
        this.inline(
          parent,
          "P",
          [
            { type: "text", text: `${words.kind}: ` },
            { type: "text", text: words.title, marks: [{ type: "bold" }] },
            { type: "text", text: ` — ${words.status}` },
          ],
          { indent },
        );
        return;
      }
      case DATA_BLOCK_NODE: {
        this.dataBlock(parent, node.attrs as DataBlockAttrs, indent);
        return;
      }
      default:
        for (const child of node.content ?? []) this.block(parent, child, indent);
    }
  }

  dataBlock(parent: Struct, attrs: DataBlockAttrs, indent: number) {
    const data = attrs?.frozen;
    if (!data) return;
    const figure = this.doc.struct("Div");
    parent.add(figure);
    this.doc.moveDown(0.3);
    this.ensure(80);
    this.plain(figure, "Caption", data.title, { font: "bold", indent, gap: 0.2 });
    if (data.summary) this.plain(figure, "P", data.summary, { indent, color: MUTED, gap: 0.3 });
    // The columns name every column, the row headers' first (as the page's table does).
    this.table(figure, data.columns.length ? data.columns.map((c) => c.label) : null, data.rows.map((row) => ({ header: row.header, cells: row.cells })));
    for (const note of data.footnotes) this.plain(figure, "Note", note, { size: BODY_SIZE - 1.5, indent, color: MUTED, gap: 0.2 });
    if (attrs.note) this.plain(figure, "P", attrs.note, { indent, gap: 0.3 });
    // As the page says it: when these numbers were read.
    this.plain(figure, "Note", reportMessages(this.language).asOf(formatReportDate(data.asOf, this.language)), { size: BODY_SIZE - 1.5, indent, color: MUTED, gap: 0.2 });
    figure.end();
    this.doc.moveDown(0.4);
  }
}

/** The PDF of one published version: title, organisation, version and date, then the document with its frozen blocks. */
export async function renderReportPdf(input: PdfInput): Promise<Uint8Array | null> {
  const base = input.language.toLowerCase().split("-")[0];
  const w = base === "es" ? words.es : words.en;
  const doc = new PDFDocument({
    size: "LETTER",
    margins: { top: 60, bottom: 60, left: 60, right: 60 },
    pdfVersion: "1.7",
    tagged: true,
    lang: input.language,
    displayTitle: true,
    info: { Title: input.title, Author: input.organisationName, Subject: `${w.version} ${input.versionNumber}`, Creator: "Cyclekeeper" },
    font: FONTS.regular,
  });
  const chunks: Buffer[] = [];
  doc.on("data", (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<void>((resolve, reject) => {
    doc.on("end", () => resolve());
    doc.on("error", reject);
  });

  const writer = new Writer(doc, input.language);
  const root = doc.struct("Document");
  doc.addStructure(root);
  writer.plain(root, "H1", input.title, { size: HEADING_SIZE[1], font: "bold", gap: 0.3 });
  writer.plain(root, "P", input.organisationName, { color: MUTED, gap: 0.1 });
  writer.plain(root, "P", `${w.version} ${input.versionNumber} · ${w.published} ${formatDate(input.publishedAt, input.language)}`, { color: MUTED, gap: 0.8 });
  const content = orderedHeadings(input.content?.type === "doc" ? input.content : { type: "doc", content: [] });
  for (const node of content.content ?? []) writer.block(root, node, 0);
  root.end();
  doc.end();
  await finished;
  return new Uint8Array(Buffer.concat(chunks));
}
