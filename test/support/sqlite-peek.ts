/** A read-only look into a local-mode bot's SQLite file, for assertions about what it stored. */
import { join } from "node:path";
import Database from "better-sqlite3";

export interface StoredToken {
  status: string;
  device_name: string;
}

/** The tokens of a login, oldest first. */
export function sqliteTokens(dataDir: string, login: string): StoredToken[] {
  const db = new Database(join(dataDir, "enrollment.sqlite"), { readonly: true, fileMustExist: true });
  try {
    return db.prepare("SELECT status, device_name FROM tokens WHERE login_name = ? ORDER BY activated_at").all(login) as StoredToken[];
  } finally {
    db.close();
  }
}

/** How many audit events of this action (outcome ok) the subject has. */
export function sqliteAuditCount(dataDir: string, subject: string, action: string): number {
  const db = new Database(join(dataDir, "enrollment.sqlite"), { readonly: true, fileMustExist: true });
  try {
    const row = db
      .prepare("SELECT count(*) AS n FROM audit_events WHERE subject = ? AND action = ? AND outcome = 'ok'")
      .get(subject, action) as { n: number };
    return row.n;
  } finally {
    db.close();
  }
}

function withDb<T>(dataDir: string, read: (db: Database.Database) => T): T {
  const db = new Database(join(dataDir, "enrollment.sqlite"), { readonly: true, fileMustExist: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

export interface StoredAuditEvent {
  action: string;
  actor: string;
  outcome: string;
  /** The JSON detail, parsed (empty object when none). */
  detail: Record<string, unknown>;
}

/** The subject's audit events whose action starts with `actionPrefix`, in the order written. */
export function sqliteAudit(dataDir: string, subject: string, actionPrefix = ""): StoredAuditEvent[] {
  const rows = withDb(dataDir, (db) =>
    db
      .prepare("SELECT action, actor, outcome, detail FROM audit_events WHERE subject = ? AND substr(action, 1, ?) = ? ORDER BY id")
      .all(subject, actionPrefix.length, actionPrefix),
  ) as { action: string; actor: string; outcome: string; detail: string | null }[];
  return rows.map((r) => ({
    action: r.action,
    actor: r.actor,
    outcome: r.outcome,
    detail: r.detail ? (JSON.parse(r.detail) as Record<string, unknown>) : {},
  }));
}

export interface StoredFeedback {
  article_id: string;
  locale: string;
  helpful: number;
  subject: string;
}

/** Every "Did this help?" answer stored, oldest first. */
export function sqliteArticleFeedback(dataDir: string): StoredFeedback[] {
  return withDb(dataDir, (db) =>
    db.prepare("SELECT article_id, locale, helpful, subject FROM article_feedback ORDER BY id").all(),
  ) as StoredFeedback[];
}

export interface StoredTicket {
  id: string;
  subject: string;
  status: string;
  taken_by: string | null;
  resolved_by: string | null;
}

/** The subject's helpdesk tickets, oldest first. */
export function sqliteTickets(dataDir: string, subject: string): StoredTicket[] {
  return withDb(dataDir, (db) =>
    db.prepare("SELECT id, subject, status, taken_by, resolved_by FROM tickets WHERE subject = ? ORDER BY created_at").all(subject),
  ) as StoredTicket[];
}

/** Every stored conversation reference (the reference as its JSON text). */
export function sqliteConversationRefs(dataDir: string): { user_key: string; reference: string }[] {
  return withDb(dataDir, (db) => db.prepare("SELECT user_key, reference FROM conversation_refs").all()) as {
    user_key: string;
    reference: string;
  }[];
}

/** A user's stored enrollment state, as the JSON text in the database (null when there is none). */
export function sqliteEnrollmentState(dataDir: string, userKey: string): string | null {
  const row = withDb(dataDir, (db) => db.prepare("SELECT state FROM enrollments WHERE user_key = ?").get(userKey)) as
    | { state: string }
    | undefined;
  return row?.state ?? null;
}
