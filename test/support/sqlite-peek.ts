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
    const row = db.prepare("SELECT count(*) AS n FROM audit_events WHERE subject = ? AND action = ? AND outcome = 'ok'").get(subject, action) as { n: number };
    return row.n;
  } finally {
    db.close();
  }
}
