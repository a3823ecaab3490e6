// The public report pages, /r/*: served by Express before the Remix handler, from the stored HTML of published
// versions inside a standalone page with no JavaScript and a strict CSP. A full Remix document render costs far more
// than these pages need (docs/decisions/0026-published-reports.md). No session is read or created here.
import { createHash } from "node:crypto";
import { brotliCompressSync, constants as zlibConstants, gzipSync } from "node:zlib";
import express, { type NextFunction, type Request, type Response } from "express";
import type { Database } from "#db/client.server";
import { PUBLIC_STYLESHEET, renderIndexPage, renderNotFoundPage, renderReportPage, renderRetractedPage, reportPaths } from "~/modules/reports/public-page";
import { findPublicDistrict, findReportState, listPublishedReports, loadPublishedForPdf, loadPublishedHtml, type ReportState } from "~/modules/reports/public.server";
import { renderReportPdf } from "~/modules/reports/report-pdf.server";

/** Bump when the page template changes, so no cached page or client copy of the old one matches an ETag again. */
const TEMPLATE_REVISION = "1";
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
export const PUBLIC_CACHE_CONTROL = "public, max-age=60, must-revalidate";
const ERROR_CACHE_CONTROL = "public, max-age=60";

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
  /** Memory for rendered pages and generated PDFs (default 48 MiB). */
  cacheBytes?: number;
}

export function publicReportsRouter({ db, cacheBytes = 48 * 1024 * 1024 }: PublicReportsOptions) {
  const pages = new ByteLru<CachedBody>(cacheBytes);
  const pdfs = new ByteLru<{ bytes: number; pdf: Buffer }>(Math.floor(cacheBytes / 2));
  const notFound = new CachedBody(etagOf("not-found", TEMPLATE_REVISION), Buffer.from(renderNotFoundPage()));
  const router = express.Router({ caseSensitive: true, strict: false });

  const cached = (key: string, make: () => Promise<string | null>): Promise<CachedBody | null> => {
    const hit = pages.get(key);
    if (hit) return Promise.resolve(hit);
    return make().then((html) => {
      if (html === null) return null;
      const page = new CachedBody(key, Buffer.from(html));
      // A first compressed form now (most clients ask for one), so the cache's accounting sees it.
      pages.set(key, page);
      return page;
    });
  };

  const sendNotFound = (req: Request, res: Response) => sendHtml(req, res, 404, notFound, ERROR_CACHE_CONTROL);

  const sendRetracted = async (req: Request, res: Response, state: ReportState) => {
    const latest = state.latest;
    const key = etagOf("retracted", TEMPLATE_REVISION, latest.id, latest.retractedAt!.toISOString(), state.district.name);
    const page = await cached(key, async () =>
      renderRetractedPage({ districtName: state.district.name, districtSlug: state.district.slug, title: latest.title, language: latest.language, retractedAt: latest.retractedAt!, reason: latest.retractReason ?? "" }),
    );
    sendHtml(req, res, 410, page!, ERROR_CACHE_CONTROL);
  };

  router.get("/r/:district", async (req, res, next) => {
    try {
      const district = await findPublicDistrict(db, req.params.district);
      if (!district) return sendNotFound(req, res);
      const entries = await listPublishedReports(db, district.id);
      const key = etagOf("index", TEMPLATE_REVISION, district.slug, district.name, ...entries.map((e) => `${e.etag}|${e.title}|${e.schoolName ?? ""}`));
      const page = await cached(key, async () => renderIndexPage({ districtName: district.name, districtSlug: district.slug, entries }));
      sendHtml(req, res, 200, page!, PUBLIC_CACHE_CONTROL);
    } catch (error) {
      next(error);
    }
  });

  const servePage = async (req: Request, res: Response, districtSlug: string, reportSlug: string, versionNumber: number | null) => {
    const state = await findReportState(db, districtSlug, reportSlug);
    if (!state) return sendNotFound(req, res);
    if (state.retracted) return sendRetracted(req, res, state);
    const version = versionNumber === null ? state.latest : state.versions.find((v) => v.versionNumber === versionNumber);
    if (!version) return sendNotFound(req, res);
    // A single retracted version (the report itself standing) answers as retracted too.
    if (version.retractedAt) return sendRetracted(req, res, { ...state, latest: version });
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
    if (!page) return sendNotFound(req, res);
    sendHtml(req, res, 200, page, PUBLIC_CACHE_CONTROL);
  };

  const servePdf = async (req: Request, res: Response, districtSlug: string, reportSlug: string, versionNumber: number | null) => {
    const state = await findReportState(db, districtSlug, reportSlug);
    if (!state) return sendNotFound(req, res);
    if (state.retracted) return sendRetracted(req, res, state);
    const version = versionNumber === null ? state.latest : state.versions.find((v) => v.versionNumber === versionNumber);
    if (!version) return sendNotFound(req, res);
    if (version.retractedAt) return sendRetracted(req, res, { ...state, latest: version });
    const etag = etagOf("pdf", version.etag, version.id);
    setCommonHeaders(res);
    res.setHeader("Cache-Control", PUBLIC_CACHE_CONTROL);
    res.setHeader("ETag", etag);
    if (notModified(req, etag)) return void res.status(304).end();
    let pdf = pdfs.get(version.id)?.pdf ?? null;
    if (!pdf) {
      const row = await loadPublishedForPdf(db, state.district.id, version.id);
      if (!row) return sendNotFound(req, res);
      if (row.pdf) pdf = Buffer.from(row.pdf);
      else {
        const made = await renderReportPdf({
          title: row.title,
          language: row.language,
          organisationName: state.district.name,
          versionNumber: row.versionNumber,
          publishedAt: row.publishedAt,
          content: row.content as never,
        });
        if (!made) return sendNotFound(req, res);
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

  // /r/<district>/<report>, /r/<district>/<report>.pdf and /r/<district>/<report>/pdf
  router.get(
    "/r/:district/:report",
    route(async (req, res) => {
      const { district, report } = req.params;
      if (report.endsWith(".pdf")) return servePdf(req, res, district, report.slice(0, -4), null);
      return servePage(req, res, district, report, null);
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
      const match = /^([1-9]\d{0,5})(\.pdf)?$/.exec(req.params.n);
      if (!match) return sendNotFound(req, res);
      const n = Number(match[1]);
      if (match[2]) return servePdf(req, res, req.params.district, req.params.report, n);
      return servePage(req, res, req.params.district, req.params.report, n);
    }),
  );
  // Anything else under /r/ is no report.
  router.all(/^\/r(\/.*)?$/, (req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.setHeader("Allow", "GET, HEAD");
      res.status(405).type("text/plain").send("Public report pages can only be read.");
      return;
    }
    sendNotFound(req, res);
  });
  return router;
}
