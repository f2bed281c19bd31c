import { ConcurrentUpdateError, DomainError, StorageError } from "../../features/shared/errors.js";

/** PostgreSQL SQLSTATEs that mean "someone else changed it first". */
const PG_CONFLICT_CODES = new Set([
  "23505", // unique_violation
  "40001", // serialization_failure
  "40P01", // deadlock_detected
]);

/** better-sqlite3 extended result codes that mean the same. */
const SQLITE_CONFLICT_CODES = new Set(["SQLITE_CONSTRAINT_PRIMARYKEY", "SQLITE_CONSTRAINT_UNIQUE"]);

export function isConflict(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && (PG_CONFLICT_CODES.has(code) || SQLITE_CONFLICT_CODES.has(code));
}

/** A write PostgreSQL rolled back because of another (deadlock, serialization), raw or translated: trying it again is safe. */
export function isRolledBackByConflict(error: unknown): boolean {
  return error instanceof ConcurrentUpdateError || isConflict(error);
}

/**
 * Driver error → domain error: unique/serialization conflicts become ConcurrentUpdateError,
 * anything else StorageError; the original is kept as `cause`. Domain errors pass through.
 */
export function translateError(error: unknown, what: string): DomainError {
  if (error instanceof DomainError) return error;
  if (isConflict(error)) return new ConcurrentUpdateError(`${what}: concurrent update`, { cause: error });
  return new StorageError(`${what}: storage failed`, { cause: error });
}

/** Runs `work`, translating whatever it throws. */
export async function guard<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw translateError(error, what);
  }
}
