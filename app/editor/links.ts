// Which link targets a document may hold: web pages, e-mail addresses and paths inside Cyclekeeper, never script or data.

const ALLOWED_SCHEMES = new Set(["http", "https", "mailto"]);
/** Browsers skip these inside a URL's scheme ("java\tscript:" runs), so they are removed before the scheme is read. */
const IGNORED_BY_BROWSERS = /[\u0000-\u0020\u007f-\u009f\u00ad\u200b-\u200f\u2028\u2029\u2060\ufeff]/g;
const MAX_HREF_LENGTH = 2048;
/**
 * HTML attributes and Markdown link targets decode character references before a browser reads the scheme, so
 * "&#106;avascript:" and "javascript&colon;" run as script wherever the href is written out unescaped. The check reads
 * the href decoded: numeric references (with or without ";") and the named ones that can spell a scheme or a "//".
 */
const CHARACTER_REFERENCE = /&(?:#(\d{1,8})|#x([0-9a-f]{1,7})|(colon|tab|newline|sol|bsol|amp|num|quest|period));?/gi;
const NAMED_REFERENCES: Record<string, string> = { colon: ":", tab: "\t", newline: "\n", sol: "/", bsol: "\\", amp: "&", num: "#", quest: "?", period: "." };

function decodeCharacterReferences(href: string): string {
  // Repeated until nothing changes ("&amp;#106;"): stricter than a browser, which never matters for a real address.
  for (let i = 0; i < 4; i++) {
    const decoded = href.replace(CHARACTER_REFERENCE, (_match, decimal?: string, hex?: string, name?: string) => {
      if (name) return NAMED_REFERENCES[name.toLowerCase()];
      const code = decimal ? Number.parseInt(decimal, 10) : Number.parseInt(hex!, 16);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : "\ufffd";
    });
    if (decoded === href) return href;
    href = decoded;
  }
  return href;
}

export type HrefVerdict = { ok: true } | { ok: false; reason: string };

/**
 * Whether an href may be stored or rendered: http, https and mailto, or a relative path ("/cycles/…", "#goals",
 * "notes.html"). Protocol-relative addresses ("//elsewhere") leave the site and are refused, as is anything whose
 * first colon comes before its first "/", "?" or "#" — that is a scheme, whatever its spelling.
 */
export function checkHref(href: unknown): HrefVerdict {
  if (typeof href !== "string") return { ok: false, reason: "a link target must be text" };
  if (href.length > MAX_HREF_LENGTH) return { ok: false, reason: `a link target may be at most ${MAX_HREF_LENGTH} characters` };
  const bare = decodeCharacterReferences(href).replace(IGNORED_BY_BROWSERS, "");
  if (bare === "") return { ok: false, reason: "a link needs a target" };
  if (/^[\\/]{2}/.test(bare)) return { ok: false, reason: "addresses starting with // leave the site; write https:// instead" };
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(bare);
  if (scheme) {
    return ALLOWED_SCHEMES.has(scheme[1].toLowerCase())
      ? { ok: true }
      : { ok: false, reason: `"${scheme[1]}:" links are not allowed; use http, https or mailto` };
  }
  const colon = bare.indexOf(":");
  const pathEnd = bare.search(/[/?#]/);
  if (colon !== -1 && (pathEnd === -1 || colon < pathEnd)) return { ok: false, reason: "this link names a scheme that is not allowed" };
  return { ok: true };
}

export function isSafeHref(href: unknown): href is string {
  return checkHref(href).ok;
}
