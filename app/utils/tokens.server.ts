// Random tokens for cookies and one-time links, stored only as their SHA-256.
import { createHash, randomBytes } from "node:crypto";

/** 256 bits of randomness, URL-safe. */
export function newToken() {
  return randomBytes(32).toString("base64url");
}

export function hashToken(token: string) {
  return createHash("sha256").update(token).digest("hex");
}
