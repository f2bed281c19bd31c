/// <reference lib="es2024.string" />
/**
 * Column value conversions shared by the stores. Times are stored as ISO-8601 UTC text
 * on both engines (`toISOString()` is fixed-width, so text order is time order).
 */
export function toDbTime(date: Date): string {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) throw new TypeError("invalid Date");
  return date.toISOString();
}

export function fromDbTime(value: string): Date {
  return new Date(value);
}

/** COUNT(*) comes back as a number on SQLite and a string (int8) on PostgreSQL. */
export function toCount(value: string | number | bigint | undefined | null): number {
  return value === undefined || value === null ? 0 : Number(value);
}

export function toJsonText(value: unknown): string {
  return JSON.stringify(value);
}

export function fromJsonText<T>(text: string): T {
  return JSON.parse(text) as T;
}

/**
 * Text as the database will hold it: a lone UTF-16 surrogate (JSON lets a caller send "\ud800"
 * in a user name) becomes U+FFFD, as UTF-8 stores it on PostgreSQL (SQLite would keep the lone
 * half as it is). What is hashed into the audit chain, stored and looked up is then one string.
 */
export function wellFormed(text: string): string {
  return text.toWellFormed();
}
