// Security headers with a per-request CSP nonce, and an Origin check on every state-changing request.
import { randomBytes } from "node:crypto";
import type { NextFunction, Request, Response } from "express";

export function securityHeaders(options: { dev: boolean }) {
  return (req: Request, res: Response, next: NextFunction) => {
    const nonce = randomBytes(16).toString("base64");
    res.locals.cspNonce = nonce;
    // 'self' covers same-origin websockets; development adds Vite's hot-reload socket on its own port.
    const connect = options.dev ? "'self' ws: wss:" : "'self'";
    const csp = [
      "default-src 'self'",
      `script-src 'self' 'nonce-${nonce}'`,
      // Style attributes are allowed: editor carets and charts set colours inline; scripts never are.
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data: blob:",
      "font-src 'self'",
      `connect-src ${connect}`,
      "object-src 'none'",
      "base-uri 'self'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ].join("; ");
    res.setHeader("Content-Security-Policy", csp);
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Referrer-Policy", "strict-origin-when-cross-origin");
    res.setHeader("X-Frame-Options", "DENY");
    res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
    res.setHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
    next();
  };
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Cross-site request forgery guard: a state change must come from our own origin, as the
 * browser reports it in Origin (or, only when Origin is absent, Sec-Fetch-Site). Requests that say neither are refused.
 */
export function sameOriginOnly(options: { publicOrigin?: string }) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (SAFE_METHODS.has(req.method)) return next();
    const origin = req.get("origin");
    const allowed = new Set([`${req.protocol}://${req.get("host")}`]);
    if (options.publicOrigin) allowed.add(new URL(options.publicOrigin).origin);
    // A present Origin decides alone. "null" (a sandboxed frame, a data: page) is an origin that is not ours: letting
    // Sec-Fetch-Site vouch for it passed it on to Remix, whose own host/origin check then threw, a 500 (issue #17).
    if (origin !== undefined) {
      if (allowed.has(origin)) return next();
    } else if (req.get("sec-fetch-site") === "same-origin") {
      return next();
    }
    res.status(403).type("text/plain").send("Cross-origin request refused.");
  };
}
