import { randomInt, timingSafeEqual } from "node:crypto";

/** A uniformly random 6-digit code from the CSPRNG. */
export function randomSixDigits(): string {
  return randomInt(0, 1_000_000).toString().padStart(6, "0");
}

/** Six digits, with spaces and dashes people type tolerated; null when it is not a code. */
export function normaliseCode(input: unknown): string | null {
  if (typeof input !== "string" || input.length > 32) return null;
  const compact = input.replace(/[\s-]/g, "");
  return /^\d{6}$/.test(compact) ? compact : null;
}

/** Constant-time comparison of two hex digests. */
export function sameDigest(a: string, b: string): boolean {
  const left = Buffer.from(a, "hex");
  const right = Buffer.from(b, "hex");
  return left.length === right.length && timingSafeEqual(left, right);
}
