/** The one bearer-token check of GET /metrics and POST /api/validate. */
import { describe, expect, it } from "vitest";
import { bearerTokenMatches } from "../../src/http/bearer-token.js";

describe("bearerTokenMatches", () => {
  const token = "a-token-of-at-least-thirty-two-characters";
  it("accepts exactly `Bearer <token>` (the scheme in any case) and nothing else", () => {
    expect(bearerTokenMatches(`Bearer ${token}`, token)).toBe(true);
    expect(bearerTokenMatches(`bearer ${token}`, token)).toBe(true);
    for (const header of [undefined, "", token, `Basic ${token}`, `Bearer ${token}x`, `Bearer ${token.slice(1)}`, "Bearer "]) {
      expect(bearerTokenMatches(header, token)).toBe(false);
    }
  });
});
