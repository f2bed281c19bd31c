/** Reading ldapts search entries and comparing DNs. */
import type { Entry } from "ldapts";

function lookup(entry: Entry, attribute: string): Entry[string] | undefined {
  if (attribute in entry) return entry[attribute];
  const wanted = attribute.toLowerCase();
  const key = Object.keys(entry).find((k) => k.toLowerCase() === wanted);
  return key === undefined ? undefined : entry[key];
}

/** All values of an attribute as strings (empty when absent). */
export function values(entry: Entry, attribute: string): string[] {
  const raw = lookup(entry, attribute);
  if (raw === undefined) return [];
  const list = Array.isArray(raw) ? raw : [raw];
  return list.map((v) => (Buffer.isBuffer(v) ? v.toString("utf8") : v));
}

/** The first non-empty value, trimmed, or undefined. */
export function first(entry: Entry, attribute: string): string | undefined {
  for (const value of values(entry, attribute)) {
    const trimmed = value.trim();
    if (trimmed) return trimmed;
  }
  return undefined;
}

/** A DN in a comparable form: case-insensitive, no spaces around separators. */
export function normaliseDn(dn: string): string {
  return dn
    .trim()
    .replace(/\s*([,=+])\s*/g, "$1")
    .toLowerCase();
}

export function sameDn(a: string, b: string): boolean {
  return normaliseDn(a) === normaliseDn(b);
}
