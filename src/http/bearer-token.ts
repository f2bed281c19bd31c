import { createHash, timingSafeEqual } from "node:crypto";

const digest = (text: string) => createHash("sha256").update(text).digest();

/**
 * Whether an `Authorization` header carries `Bearer <token>`. Compared as SHA-256 digests
 * in constant time, so neither the token's length nor its bytes leak through timing.
 * Used by GET /metrics and POST /api/validate.
 */
export function bearerTokenMatches(header: string | undefined, token: string): boolean {
  const given = /^Bearer (.+)$/i.exec(header ?? "")?.[1] ?? "";
  return timingSafeEqual(digest(given), digest(token));
}
