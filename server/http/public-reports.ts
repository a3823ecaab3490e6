// The public report pages, /r/*: served by Express before the Remix handler, from the stored HTML of published
// versions inside a standalone page with no JavaScript and a strict CSP. A full Remix document render costs far more
// than these pages need (docs/decisions/0026-published-reports.md). No session is read or created here.
import { createHash } from "node:crypto";
import { brotliCompressSync, constants as zlibConstants, gzipSync } from "node:zlib";
import express, { type NextFunction, type Request, type Response } from "express";
import type { Database } from "#db/client.server";
import { PUBLIC_STYLESHEET, renderIndexPage, renderNotFoundPage, renderReportPage, renderRetractedPage, reportPaths } from "~/modules/reports/public-page";
import { districtIdForSlug, districtPublicStamp, findPublicDistrict, findReportState, listPublishedReports, loadPublishedForPdf, loadPublishedHtml, type RawQuery, type ReportState } from "~/modules/reports/public.server";
import { renderReportPdf } from "~/modules/reports/report-pdf.server";

/** Bump when the page template changes, so no cached page or client copy of the old one matches an ETag again. */
const TEMPLATE_REVISION = "3";
const STYLE_HASH = `'sha256-${createHash("sha256").update(PUBLIC_STYLESHEET).digest("base64")}'`;
export const PUBLIC_REPORT_CSP = [
  "default-src 'none'",
  `style-src ${STYLE_HASH}`,
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");
/**
 * Every public page may change without its URL changing (a new version, a retraction, a new language version), and a
 * retraction should take effect within a minute even in shared caches: short freshness, then revalidation by ETag.
 */
// Stored by browsers and shared caches but revalidated on every use (a cheap 304 with the ETag): a republished or
// retracted report is what the very next reader sees, the lead included, right after pressing Publish.
export const PUBLIC_CACHE_CONTROL = "public, no-cache";
const ERROR_CACHE_CONTROL = "public, no-cache";

type Encoding = "br" | "gzip" | "identity";

/** A rendered page kept in memory, with its compressed forms made on first need. */
class CachedBody {
  private encoded = new Map<Encoding, Buffer>();
  constructor(
    readonly etag: string,
    readonly body: Buffer,
  ) {
    this.encoded.set("identity", body);
  }
  get(encoding: Encoding): Buffer {
    let bytes = this.encoded.get(encoding);
    if (!bytes) {
      bytes =
        encoding === "br"
          ? brotliCompressSync(this.body, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 6, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: this.body.length } })
          : gzipSync(this.body, { level: 6 });
      this.encoded.set(encoding, bytes);
    }
    return bytes;
  }
  get bytes() {
    let total = 0;
    for (const b of this.encoded.values()) total += b.length;
    return total;
  }
}

/** A least-recently-used cache bounded by the bytes it holds. */
export class ByteLru<V extends { bytes: number }> {
  private map = new Map<string, V>();
  private total = 0;
  constructor(private readonly maxBytes: number) {}
  get(key: string): V | undefined {
    const value = this.map.get(key);
    if (value) {
      this.map.delete(key);
      this.map.set(key, value);
    }
    return value;
  }
  set(key: string, value: V) {
    const old = this.map.get(key);
    if (old) {
      this.total -= old.bytes;
      this.map.delete(key);
    }
    this.map.set(key, value);
    this.total += value.bytes;
    this.trim();
  }
  /** Sizes grow as compressed forms are added; call after that. */
  trim() {
    this.total = 0;
    for (const v of this.map.values()) this.total += v.bytes;
    for (const [key, v] of this.map) {
      if (this.total <= this.maxBytes || this.map.size <= 1) break;
      this.map.delete(key);
      this.total -= v.bytes;
    }
  }
  get size() {
    return this.map.size;
  }
}

function pickEncoding(header: string | undefined): Encoding {
  if (!header) return "identity";
  const accepted = new Map<string, number>();
  for (const part of header.split(",")) {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    accepted.set(name, q ? Number(q.slice(2)) || 0 : 1);
  }
  const ok = (name: string) => (accepted.get(name) ?? accepted.get("*") ?? 0) > 0;
  if (ok("br")) return "br";
  if (ok("gzip")) return "gzip";
  return "identity";
}

/** Whether If-None-Match names this ETag (weak comparison, as RFC 9110 asks for If-None-Match). */
function notModified(req: Request, etag: string): boolean {
  const header = req.get("if-none-match");
  if (!header) return false;
  if (header.trim() === "*") return true;
  const bare = etag.replace(/^W\//, "");
  return header.split(",").some((tag) => tag.trim().replace(/^W\//, "") === bare);
}

function etagOf(...parts: string[]): string {
  return `"${createHash("sha256").update(parts.join("\u0000")).digest("base64url").slice(0, 32)}"`;
}

function setCommonHeaders(res: Response) {
  res.setHeader("Content-Security-Policy", PUBLIC_REPORT_CSP);
  res.setHeader("Vary", "Accept-Encoding");
}

function sendHtml(req: Request, res: Response, status: number, page: CachedBody, cacheControl: string) {
  setCommonHeaders(res);
  res.setHeader("Cache-Control", cacheControl);
  res.setHeader("ETag", page.etag);
  if (status === 200 && notModified(req, page.etag)) {
    res.status(304).end();
    return;
  }
  const encoding = pickEncoding(req.get("accept-encoding"));
  const body = page.get(encoding);
  res.status(status);
  res.setHeader("Content-Type", "text/html; charset=utf-8");
  // Set here, the compression middleware leaves the body as it is.
  if (encoding !== "identity") res.setHeader("Content-Encoding", encoding);
  res.setHeader("Content-Length", String(body.length));
  res.end(body);
}

export interface PublicReportsOptions {
  db: Database;
  /** The handle's raw query, for the one small query every request runs. */
  query: RawQuery;
  /** Memory for rendered pages and generated PDFs (default 48 MiB). */
  cacheBytes?: number;
}

/** What a public address answers, cached per district stamp. */
interface Answer {
  status: number;
  page: CachedBody;
  cacheControl: string;
  readonly bytes: number;
}

const answerOf = (status: number, page: CachedBody, cacheControl: string): Answer => ({
  status,
  page,
  cacheControl,
  get bytes() {
    return page.bytes + 256;
  },
});

/**
 * How long this instance trusts a district slug's id and its last change: slugs are near-permanent (a stale one only
 * finds no rows), and a renamed district shows its new name within this time (as long as Cache-Control's max-age).
 */
const SLUG_TTL_MS = 60_000;

export function publicReportsRouter({ db, query, cacheBytes = 48 * 1024 * 1024 }: PublicReportsOptions) {
  const pages = new ByteLru<CachedBody>(Math.floor(cacheBytes / 2));
  const answers = new ByteLru<Answer>(Math.floor(cacheBytes / 4));
  const pdfs = new ByteLru<{ bytes: number; pdf: Buffer }>(Math.floor(cacheBytes / 4));
  const slugs = new Map<string, { district: { id: string; changed: string } | null; until: number }>();
  const notFound = new CachedBody(etagOf("not-found", TEMPLATE_REVISION), Buffer.from(renderNotFoundPage()));
  const notFoundAnswer = answerOf(404, notFound, ERROR_CACHE_CONTROL);
  const router = express.Router({ caseSensitive: true, strict: false });

  const districtIdOf = async (slug: string) => {
    const known = slugs.get(slug);
    if (known && known.until > Date.now()) return known.district;
    const district = await districtIdForSlug(query, slug);
    if (slugs.size > 10_000) slugs.clear();
    slugs.set(slug, { district, until: Date.now() + SLUG_TTL_MS });
    return district;
  };

  const cached = async (key: string, make: () => Promise<string | null>): Promise<CachedBody | null> => {
    const hit = pages.get(key);
    if (hit) return hit;
    const html = await make();
    if (html === null) return null;
    const page = new CachedBody(key, Buffer.from(html));
    pages.set(key, page);
    return page;
  };

  /**
   * Answers a page address from memory when nothing the district publishes changed since it was worked out (one
   * query for the district's stamp), or works it out with `compute` (the fuller queries, and rendering on a miss).
   */
  const answer = async (req: Request, res: Response, districtSlug: string, compute: () => Promise<Answer>) => {
    const district = await districtIdOf(districtSlug);
    if (!district) return sendHtml(req, res, 404, notFound, ERROR_CACHE_CONTROL);
    const stamp = await districtPublicStamp(query, district.id);
    const key = `${district.id}|${district.changed}|${stamp}|${req.path}`;
    let found = answers.get(key);
    if (!found) {
      found = await compute();
      answers.set(key, found);
    }
    const encoding = pickEncoding(req.get("accept-encoding"));
    const before = found.page.bytes;
    sendHtml(req, res, found.status, found.page, found.cacheControl);
    // A compressed form made just now grows the entry: let the caches account for it.
    if (found.page.bytes !== before && encoding !== "identity") {
      pages.trim();
      answers.trim();
    }
  };

  const retractedAnswer = async (state: ReportState): Promise<Answer> => {
    const latest = state.latest;
    const key = etagOf("retracted", TEMPLATE_REVISION, latest.id, latest.retractedAt!.toISOString(), state.district.name);
    const page = await cached(key, async () =>
      renderRetractedPage({ districtName: state.district.name, districtSlug: state.district.slug, title: latest.title, language: latest.language, retractedAt: latest.retractedAt!, reason: latest.retractReason ?? "" }),
    );
    return answerOf(410, page!, ERROR_CACHE_CONTROL);
  };

  const indexAnswer = async (districtSlug: string): Promise<Answer> => {
    const district = await findPublicDistrict(db, districtSlug);
    if (!district) return notFoundAnswer;
    const entries = await listPublishedReports(db, district.id);
    const key = etagOf("index", TEMPLATE_REVISION, district.slug, district.name, ...entries.map((e) => `${e.etag}|${e.title}|${e.schoolName ?? ""}`));
    const page = await cached(key, async () => renderIndexPage({ districtName: district.name, districtSlug: district.slug, entries }));
    return answerOf(200, page!, PUBLIC_CACHE_CONTROL);
  };

  const pageAnswer = async (districtSlug: string, reportSlug: string, versionNumber: number | null): Promise<Answer> => {
    const state = await findReportState(db, districtSlug, reportSlug);
    if (!state) return notFoundAnswer;
    if (state.retracted) return retractedAnswer(state);
    const version = versionNumber === null ? state.latest : state.versions.find((v) => v.versionNumber === versionNumber);
    if (!version) return notFoundAnswer;
    // A single retracted version (the report itself standing) answers as retracted too.
    if (version.retractedAt) return retractedAnswer({ ...state, latest: version });
    const supersededBy = version.id === state.latest.id ? null : state.latest.versionNumber;
    const translations = state.translations.map((t) => ({ language: t.language, title: t.title, href: reportPaths.latest(districtSlug, t.reportSlug) }));
    const key = etagOf("page", TEMPLATE_REVISION, version.etag, version.id, String(supersededBy), state.district.name, ...translations.map((t) => `${t.language}|${t.title}|${t.href}`), versionNumber === null ? "latest" : "version");
    const page = await cached(key, async () => {
      const bodyHtml = await loadPublishedHtml(db, state.district.id, version.id);
      if (bodyHtml === null) return null;
      return renderReportPage({
        districtName: state.district.name,
        districtSlug,
        reportSlug,
        title: version.title,
        language: version.language,
        versionNumber: version.versionNumber,
        publishedAt: version.publishedAt,
        bodyHtml,
        supersededBy,
        translations,
        canonical: supersededBy === null ? reportPaths.latest(districtSlug, reportSlug) : reportPaths.version(districtSlug, reportSlug, version.versionNumber),
        pdfHref: supersededBy === null ? reportPaths.pdf(districtSlug, reportSlug) : reportPaths.pdf(districtSlug, reportSlug, version.versionNumber),
      });
    });
    return page ? answerOf(200, page, PUBLIC_CACHE_CONTROL) : notFoundAnswer;
  };

  const servePdf = async (req: Request, res: Response, districtSlug: string, reportSlug: string, versionNumber: number | null) => {
    const state = await findReportState(db, districtSlug, reportSlug);
    const send = (a: Answer) => sendHtml(req, res, a.status, a.page, a.cacheControl);
    if (!state) return send(notFoundAnswer);
    if (state.retracted) return send(await retractedAnswer(state));
    const version = versionNumber === null ? state.latest : state.versions.find((v) => v.versionNumber === versionNumber);
    if (!version) return send(notFoundAnswer);
    if (version.retractedAt) return send(await retractedAnswer({ ...state, latest: version }));
    const etag = etagOf("pdf", version.etag, version.id);
    setCommonHeaders(res);
    res.setHeader("Cache-Control", PUBLIC_CACHE_CONTROL);
    res.setHeader("ETag", etag);
    if (notModified(req, etag)) return void res.status(304).end();
    let pdf = pdfs.get(version.id)?.pdf ?? null;
    if (!pdf) {
      const row = await loadPublishedForPdf(db, state.district.id, version.id);
      if (!row) return send(notFoundAnswer);
      if (row.pdf) pdf = Buffer.from(row.pdf);
      else {
        // Made from the stored frozen content (never the draft), once per version on this instance.
        const made = await renderReportPdf({
          title: row.title,
          language: row.language,
          organisationName: state.district.name,
          versionNumber: row.versionNumber,
          publishedAt: row.publishedAt,
          content: row.content as never,
        });
        if (!made) return send(notFoundAnswer);
        pdf = Buffer.from(made);
      }
      pdfs.set(version.id, { pdf, bytes: pdf.length });
    }
    res.setHeader("Content-Type", "application/pdf");
    res.setHeader("Content-Disposition", `inline; filename="${reportSlug}-v${version.versionNumber}.pdf"`);
    res.setHeader("Content-Length", String(pdf.length));
    res.status(200).end(pdf);
  };

  const route = (handler: (req: Request, res: Response) => Promise<void>) => (req: Request, res: Response, next: NextFunction) => handler(req, res).catch(next);

  router.get(
    "/r/:district",
    route((req, res) => answer(req, res, req.params.district, () => indexAnswer(req.params.district))),
  );
  // /r/<district>/<report>, /r/<district>/<report>.pdf and /r/<district>/<report>/pdf
  router.get(
    "/r/:district/:report",
    route(async (req, res) => {
      const { district, report } = req.params;
      if (report.endsWith(".pdf")) return servePdf(req, res, district, report.slice(0, -4), null);
      return answer(req, res, district, () => pageAnswer(district, report, null));
    }),
  );
  router.get(
    "/r/:district/:report/pdf",
    route((req, res) => servePdf(req, res, req.params.district, req.params.report, null)),
  );
  // /r/<district>/<report>/v/<n> and /r/<district>/<report>/v/<n>.pdf
  router.get(
    "/r/:district/:report/v/:n",
    route(async (req, res) => {
      const { district, report } = req.params;
      const match = /^([1-9]\d{0,5})(\.pdf)?$/.exec(req.params.n);
      if (!match) return sendHtml(req, res, 404, notFound, ERROR_CACHE_CONTROL);
      const n = Number(match[1]);
      if (match[2]) return servePdf(req, res, district, report, n);
      return answer(req, res, district, () => pageAnswer(district, report, n));
    }),
  );
  // Anything else under /r/ is no report.
  router.all(/^\/r(\/.*)?$/, (req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.setHeader("Allow", "GET, HEAD");
      res.status(405).type("text/plain").send("Public report pages can only be read.");
      return;
    }
    sendHtml(req, res, 404, notFound, ERROR_CACHE_CONTROL);
  });
  return router;
}
