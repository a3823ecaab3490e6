// The public report pages as whole standalone documents: no JavaScript, one small stylesheet (its hash goes in the
// CSP), landmarks, a skip link, headings in order (the page's h1 is the report's title, the body starts at h2) and the
// report's own language on <html>. Pure functions of their input, so they are tested without a server.
import { escapeHtml } from "~/modules/cycles/rollup-matrix-html";

export const PUBLIC_STYLESHEET = `
:root{color-scheme:light;--ink:#1b1f24;--muted:#4a5360;--line:#c9ced6;--bg:#fff;--soft:#f3f5f8;--accent:#0b5cad;--notice:#fff4d6;--notice-line:#8a5a00;--gone:#fde8e8;--gone-line:#a11d1d;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","DejaVu Sans",sans-serif;line-height:1.55;color:var(--ink);background:var(--bg)}
*{box-sizing:border-box}body{margin:0}
.skip{position:absolute;left:-999px;top:0;background:var(--accent);color:#fff;padding:.5rem 1rem;z-index:1}
.skip:focus{left:1rem;top:1rem}
a{color:var(--accent);text-underline-offset:.15em}
a:focus-visible{outline:3px solid var(--ink);outline-offset:2px;border-radius:2px}
.bar{border-bottom:1px solid var(--line);background:var(--soft)}
.bar div,main,footer div{max-width:52rem;margin:0 auto;padding:.75rem 1.25rem}
.bar p{margin:0;font-weight:600}.bar nav ul{list-style:none;margin:.25rem 0 0;padding:0;display:flex;flex-wrap:wrap;gap:1rem}
main{padding-top:1.5rem;padding-bottom:2rem}
h1{font-size:2rem;line-height:1.2;margin:0 0 .5rem}h2{font-size:1.5rem;margin:2rem 0 .5rem}h3{font-size:1.25rem;margin:1.5rem 0 .5rem}h4,h5,h6{font-size:1.05rem;margin:1.25rem 0 .5rem}
.meta{color:var(--muted);margin:0 0 1rem}.meta span+span::before{content:" · "}
.notice{border-left:4px solid var(--notice-line);background:var(--notice);padding:.75rem 1rem;margin:1rem 0}
.notice.gone{border-color:var(--gone-line);background:var(--gone)}
.notice p{margin:.25rem 0}
.actions{display:flex;flex-wrap:wrap;gap:1rem;margin:0 0 1.5rem;padding:0;list-style:none}
article{overflow-wrap:break-word}
table{border-collapse:collapse;margin:1rem 0;width:100%;font-variant-numeric:tabular-nums}
th,td{border:1px solid var(--line);padding:.35rem .5rem;text-align:left;vertical-align:top}
thead th,table:not(:has(thead)) tr:first-child>th{background:var(--soft)}
th p,td p{margin:0}
figure{margin:1.5rem 0;padding:0}figcaption{font-weight:600;margin-bottom:.25rem}
svg{max-width:100%;height:auto}
.ck-visually-hidden{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0}
.ck-block{border-top:1px solid var(--line);padding-top:.75rem}.ck-block__summary{margin:.5rem 0}.ck-num{text-align:right}
.ck-block__footnotes,.ck-block__as-of{font-size:.9rem;color:var(--muted)}.ck-block__footnotes{padding-left:1.25rem}.ck-block__note{font-style:italic}
blockquote{margin:1rem 0;padding:.25rem 1rem;border-left:4px solid var(--line);color:var(--muted)}
ul[data-type=taskList]{list-style:none;padding-left:.25rem}ul[data-type=taskList] li{display:flex;gap:.5rem}ul[data-type=taskList] li>div{flex:1}
.goal-ref{border:1px solid var(--line);padding:.5rem .75rem;margin:1rem 0;display:flex;flex-wrap:wrap;gap:.5rem}
.years{list-style:none;padding:0}.years li{margin:.5rem 0}.years .lang{color:var(--muted)}
footer{border-top:1px solid var(--line);color:var(--muted);font-size:.95rem}
@media print{
 :root{font-size:11pt}.skip,.bar nav,.actions,footer{display:none}
 .bar{background:none;border:0}.bar div{margin:0;padding:0 0 .5rem}main{max-width:none;padding:0}
 a{color:inherit}article a[href^="http"]::after{content:" (" attr(href) ")";font-size:.85em;overflow-wrap:anywhere}
 h2,h3,h4{break-after:avoid}table,figure,tr{break-inside:avoid}
 .notice{border:1px solid #000;background:none}
}
`.trim();

type Words = {
  skip: string;
  reports: string;
  version: (n: number) => string;
  published: (date: string) => string;
  pdf: string;
  superseded: (n: number) => string;
  current: string;
  otherLanguages: string;
  footer: string;
};

const words: Record<"en" | "es", Words> = {
  en: {
    skip: "Skip to the report",
    reports: "All reports",
    version: (n) => `Version ${n}`,
    published: (date) => `Published ${date}`,
    pdf: "Download PDF",
    superseded: (n) => `This is version ${n} of this report. A newer version has been published since.`,
    current: "Read the current version",
    otherLanguages: "Also available in",
    footer: "Published with Cyclekeeper. Numbers for groups below the district's minimum size are not shown.",
  },
  es: {
    skip: "Ir al informe",
    reports: "Todos los informes",
    version: (n) => `Versión ${n}`,
    published: (date) => `Publicado el ${date}`,
    pdf: "Descargar PDF",
    superseded: (n) => `Esta es la versión ${n} de este informe. Desde entonces se ha publicado una versión más reciente.`,
    current: "Leer la versión actual",
    otherLanguages: "También disponible en",
    footer: "Publicado con Cyclekeeper. No se muestran cifras de grupos por debajo del tamaño mínimo del distrito.",
  },
};

/** The page's own words in the report's language when we have them; otherwise English, marked as such. */
function wordsFor(language: string): { w: Words; chromeLang: string | null } {
  const base = language.toLowerCase().split("-")[0];
  if (base === "es") return { w: words.es, chromeLang: null };
  return { w: words.en, chromeLang: base === "en" ? null : "en" };
}

/** A language's name in itself ("English", "español"), for the links between language versions. */
export function languageName(language: string): string {
  try {
    const name = new Intl.DisplayNames([language], { type: "language" }).of(language);
    return name ? name.charAt(0).toLocaleUpperCase(language) + name.slice(1) : language;
  } catch {
    return language;
  }
}

export function formatDate(date: Date, language: string): string {
  try {
    return new Intl.DateTimeFormat(language, { dateStyle: "long", timeZone: "UTC" }).format(date);
  } catch {
    return date.toISOString().slice(0, 10);
  }
}

export const reportPaths = {
  index: (district: string) => `/r/${encodeURIComponent(district)}`,
  latest: (district: string, report: string) => `/r/${encodeURIComponent(district)}/${encodeURIComponent(report)}`,
  version: (district: string, report: string, n: number) => `/r/${encodeURIComponent(district)}/${encodeURIComponent(report)}/v/${n}`,
  pdf: (district: string, report: string, n?: number) =>
    n === undefined ? `/r/${encodeURIComponent(district)}/${encodeURIComponent(report)}.pdf` : `/r/${encodeURIComponent(district)}/${encodeURIComponent(report)}/v/${n}.pdf`,
};

interface ShellInput {
  language: string;
  title: string;
  districtName: string;
  districtSlug: string;
  /** Extra <head> content (alternate links), already escaped. */
  head?: string;
  main: string;
  skipLabel: string;
  reportsLabel: string;
  footer: string;
  chromeLang: string | null;
}

function shell(input: ShellInput): string {
  const chrome = input.chromeLang ? ` lang="${escapeHtml(input.chromeLang)}"` : "";
  return `<!DOCTYPE html>
<html lang="${escapeHtml(input.language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="strict-origin-when-cross-origin">
<title>${escapeHtml(input.title)} — ${escapeHtml(input.districtName)}</title>
${input.head ?? ""}<style>${PUBLIC_STYLESHEET}</style>
</head>
<body>
<a class="skip" href="#content"${chrome}>${escapeHtml(input.skipLabel)}</a>
<header class="bar"><div><p>${escapeHtml(input.districtName)}</p><nav aria-label="${escapeHtml(input.reportsLabel)}"${chrome}><ul><li><a href="${reportPaths.index(input.districtSlug)}">${escapeHtml(input.reportsLabel)}</a></li></ul></nav></div></header>
<main id="content" tabindex="-1">
${input.main}
</main>
<footer${chrome}><div><p>${escapeHtml(input.footer)}</p></div></footer>
</body>
</html>
`;
}

export interface TranslationLink {
  language: string;
  title: string;
  href: string;
}

export interface ReportPageInput {
  districtName: string;
  districtSlug: string;
  reportSlug: string;
  title: string;
  language: string;
  versionNumber: number;
  publishedAt: Date;
  /** The sanitised body HTML as stored when the version was published. */
  bodyHtml: string;
  /** The current version's number when this one is superseded; null when this is the current one. */
  supersededBy: number | null;
  translations: TranslationLink[];
  /** The URL this page answers at, for rel=canonical (the version's own when superseded). */
  canonical: string;
  pdfHref: string;
}

export function renderReportPage(input: ReportPageInput): string {
  const { w, chromeLang } = wordsFor(input.language);
  const chrome = chromeLang ? ` lang="${chromeLang}"` : "";
  const alternates = input.translations
    .map((t) => `<link rel="alternate" hreflang="${escapeHtml(t.language)}" href="${escapeHtml(t.href)}">\n`)
    .join("");
  const head = `<link rel="canonical" href="${escapeHtml(input.canonical)}">\n${alternates}`;
  const notice =
    input.supersededBy !== null
      ? `<div class="notice" role="note"${chrome}><p><strong>${escapeHtml(w.superseded(input.versionNumber))}</strong></p><p><a href="${reportPaths.latest(input.districtSlug, input.reportSlug)}">${escapeHtml(w.current)} (${escapeHtml(w.version(input.supersededBy))})</a></p></div>\n`
      : "";
  const languages = input.translations.length
    ? `<p${chrome}>${escapeHtml(w.otherLanguages)}: ${input.translations
        .map((t) => `<a href="${escapeHtml(t.href)}" hreflang="${escapeHtml(t.language)}" lang="${escapeHtml(t.language)}">${escapeHtml(languageName(t.language))}: ${escapeHtml(t.title)}</a>`)
        .join(", ")}</p>\n`
    : "";
  const main = `<h1>${escapeHtml(input.title)}</h1>
<p class="meta"${chrome}><span>${escapeHtml(input.districtName)}</span><span>${escapeHtml(w.version(input.versionNumber))}</span><span>${escapeHtml(w.published(formatDate(input.publishedAt, input.language)))}</span></p>
${notice}${languages}<ul class="actions"${chrome}><li><a href="${escapeHtml(input.pdfHref)}" type="application/pdf" download>${escapeHtml(w.pdf)}</a></li></ul>
<article>
${input.bodyHtml}
</article>`;
  return shell({ language: input.language, title: input.title, districtName: input.districtName, districtSlug: input.districtSlug, head, main, skipLabel: w.skip, reportsLabel: w.reports, footer: w.footer, chromeLang });
}

export interface RetractedPageInput {
  districtName: string;
  districtSlug: string;
  title: string;
  language: string;
  retractedAt: Date;
  reason: string;
}

export function renderRetractedPage(input: RetractedPageInput): string {
  // The notice is the district's own words about its report, read in English page chrome around the report's title.
  const main = `<h1>Report retracted</h1>
<div class="notice gone" role="note"><p><strong>“<span lang="${escapeHtml(input.language)}">${escapeHtml(input.title)}</span>” was retracted on ${escapeHtml(formatDate(input.retractedAt, "en"))}.</strong></p>
<p>The district’s reason: ${escapeHtml(input.reason)}</p></div>
<p><a href="${reportPaths.index(input.districtSlug)}">See the district’s other reports</a></p>`;
  return shell({ language: "en", title: "Report retracted", districtName: input.districtName, districtSlug: input.districtSlug, main, skipLabel: "Skip to the notice", reportsLabel: "All reports", footer: words.en.footer, chromeLang: null });
}

export interface IndexPageInput {
  districtName: string;
  districtSlug: string;
  entries: {
    title: string;
    language: string;
    reportSlug: string;
    versionNumber: number;
    publishedAt: Date;
    startYear: number;
    schoolName: string | null;
    translationGroupId: string;
  }[];
}

const schoolYear = (startYear: number) => `${startYear}–${String((startYear + 1) % 100).padStart(2, "0")}`;

export function renderIndexPage(input: IndexPageInput): string {
  const years = [...new Set(input.entries.map((e) => e.startYear))].sort((a, b) => b - a);
  const sections = years
    .map((year) => {
      const entries = input.entries.filter((e) => e.startYear === year);
      // Language versions of one report share an item: the first is the main link, the others follow it.
      const groups = new Map<string, typeof entries>();
      for (const entry of entries) groups.set(entry.translationGroupId, [...(groups.get(entry.translationGroupId) ?? []), entry]);
      const items = [...groups.values()]
        .map((group) => {
          const [first, ...others] = [...group].sort((a, b) => (a.language === "en" ? -1 : b.language === "en" ? 1 : a.language.localeCompare(b.language)));
          const link = (e: (typeof entries)[number]) =>
            `<a href="${reportPaths.latest(input.districtSlug, e.reportSlug)}" hreflang="${escapeHtml(e.language)}" lang="${escapeHtml(e.language)}">${escapeHtml(e.title)}</a>`;
          const more = others.length ? ` <span class="lang">(${others.map((o) => `${link(o)} — <span lang="${escapeHtml(o.language)}">${escapeHtml(languageName(o.language))}</span>`).join(", ")})</span>` : "";
          const who = first.schoolName ? `${escapeHtml(first.schoolName)}: ` : "";
          return `<li>${who}${link(first)} <span class="lang">— ${escapeHtml(languageName(first.language))}, version ${first.versionNumber}, published ${escapeHtml(formatDate(first.publishedAt, "en"))}</span>${more}</li>`;
        })
        .join("\n");
      return `<section aria-labelledby="year-${year}">\n<h2 id="year-${year}">School year ${escapeHtml(schoolYear(year))}</h2>\n<ul class="years">\n${items}\n</ul>\n</section>`;
    })
    .join("\n");
  const main = `<h1>Reports of ${escapeHtml(input.districtName)}</h1>
<p class="meta">Annual reports on the district’s social and emotional learning work, as published for the board, families and staff.</p>
${sections || "<p>No reports have been published yet.</p>"}`;
  return shell({ language: "en", title: "Reports", districtName: input.districtName, districtSlug: input.districtSlug, main, skipLabel: "Skip to the reports", reportsLabel: "All reports", footer: words.en.footer, chromeLang: null });
}

export function renderNotFoundPage(): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Report not found</title>
<style>${PUBLIC_STYLESHEET}</style>
</head>
<body>
<main id="content"><h1>Report not found</h1><p>There is no published report at this address. It may never have been published, or the address may be mistyped.</p></main>
</body>
</html>
`;
}
