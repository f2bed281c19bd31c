import type { Locale } from "../i18n/messages.js";
import type { EnrollmentState } from "./enrollment-state.js";

/**
 * Persistence ports. Implementations: src/adapters/sql/* (SQLite and PostgreSQL through
 * one Kysely code path). Every method is safe to call from several instances at once.
 */

export interface Versioned<T> {
  value: T;
  version: number;
}

export interface NewToken {
  id: string;
  /** The directory login name (lowercase): what Citrix/VPN verification looks up. */
  loginName: string;
  upn: string;
  deviceName: string;
  /** AES-256-GCM sealed base32 secret (SecretBox.seal). */
  secretSealed: string;
  activatedAt: Date;
  /** Time step of the code that activated it: codes at or before it are replays. */
  lastTimeStep: number;
}

export type TokenStatus = "active" | "replaced" | "revoked";

export interface TokenRecord extends NewToken {
  status: TokenStatus;
  endedAt?: Date;
  /** The last login the validation service accepted with it. */
  lastUsedAt?: Date;
  /** Tries at its code since the last accepted login or the end of a lock (0 when read before any). */
  failedTries?: number;
  /** The end of its lock after too many wrong codes (may be past: the next try starts afresh). */
  lockedUntil?: Date;
}

export interface EnrollmentStore {
  /** Keyed by the Teams user (Entra object id, or the channel user id when absent). */
  load(userKey: string): Promise<Versioned<EnrollmentState> | null>;
  /**
   * Writes when the stored version still equals `expectedVersion` (null: no row may exist
   * yet), else throws ConcurrentUpdateError. Returns the new version. With `activate`, in
   * the same transaction, the login's active token becomes "replaced" and the new one
   * becomes the only active one.
   */
  save(userKey: string, state: EnrollmentState, expectedVersion: number | null, activate?: NewToken): Promise<number>;
}

/**
 * What a counted try needs of the token, and all a login reads of it: which token, its sealed
 * secret, its last accepted step, this try's number and its lock.
 */
export type TokenTry = Pick<TokenRecord, "id" | "secretSealed" | "lastTimeStep" | "failedTries" | "lockedUntil">;

export interface TokenStore {
  findActive(loginName: string): Promise<TokenRecord | null>;
  /** Marks the active token revoked; false when there was none. */
  revoke(loginName: string, at: Date): Promise<boolean>;
  /**
   * Raises lastTimeStep (against replay) only if higher and the token is still active, in
   * one conditional write; false otherwise. With `usedAt`, records it as the last use.
   */
  advanceTimeStep(tokenId: string, timeStep: number, usedAt?: Date): Promise<boolean>;
  /**
   * Counts a try at the login's active token's code in one atomic write, before the code is
   * compared, and returns the token with `failedTries` = this try's number since the last
   * accepted login (an accepted login, `advanceTimeStep` with `usedAt`, starts the count
   * afresh) or since its lock ended. A token locked at `now` is returned uncounted, with its
   * `lockedUntil`. null when the login has no active token.
   */
  countTry(loginName: string, now: Date): Promise<TokenTry | null>;
  /** Locks the active token until `until`, unless a lock is already set. */
  lock(tokenId: string, until: Date): Promise<void>;
  /** The helpdesk's "Clear blocks": not locked, and the count of tries starts afresh. */
  clearLock(tokenId: string): Promise<void>;
}

/** Sliding-window counters (SMS caps, password checks). */
export interface RateCounter {
  record(key: string, at: Date): Promise<void>;
  countSince(key: string, since: Date): Promise<number>;
  /** When the key's newest event happened; null when it has none. */
  latestAt(key: string): Promise<Date | null>;
  /**
   * A request throttle's count, in one atomic write: counts a hit in the key's window (which
   * opens at the first hit and lasts `windowMs`; a hit after it opens a new one) and returns
   * the hits in that window, this one included.
   */
  hit(key: string, at: Date, windowMs: number): Promise<number>;
  /** Forgets every event and window of the key (the helpdesk lifting a user's SMS cap). */
  clear(key: string): Promise<void>;
  /** Housekeeping: drops every event older than `before` (all keys); returns how many. */
  prune(before: Date): Promise<number>;
}

export type AuditOutcome = "ok" | "refused" | "error";

export interface AuditEvent {
  at: Date;
  /** Whom it concerns: the Teams caller's UPN (lowercase). */
  subject: string;
  /** Who acted: the subject, a helpdesk UPN, or "system". */
  actor: string;
  /** Dotted name, e.g. "enroll.sms.sent". */
  action: string;
  outcome: AuditOutcome;
  /** Never secrets, codes, passwords or full phone numbers. */
  detail?: Record<string, string | number | boolean>;
}

/** Append-only: there is deliberately no update or delete. */
export interface AuditLog {
  append(event: AuditEvent): Promise<void>;
  /** Everything about one subject, oldest first. */
  listForSubject(subject: string, limit?: number): Promise<AuditEvent[]>;
  /** The subject's newest event with this action (and outcome, when given); null when none. */
  latestOf(subject: string, action: string, outcome?: AuditOutcome): Promise<AuditEvent | null>;
}

export interface StoredConversationRef {
  userKey: string;
  upn?: string;
  locale: Locale;
  /** botbuilder ConversationReference as JSON. */
  reference: Record<string, unknown>;
  updatedAt: Date;
}

export interface ConversationRefStore {
  upsert(ref: StoredConversationRef): Promise<void>;
  get(userKey: string): Promise<StoredConversationRef | null>;
  findByUpn(upn: string): Promise<StoredConversationRef | null>;
}
