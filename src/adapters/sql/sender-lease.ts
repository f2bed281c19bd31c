import type { Kysely } from "kysely";
import type { SenderLease } from "../../ports/reminders.js";
import type { Schema } from "./schema.js";
import { guard } from "./sql-errors.js";
import { fromDbTime, toDbTime } from "./sql-values.js";

/** 0005_reminder_sender_lease (typed here: only this class reads or writes it). */
interface ReminderSenderLeaseTable {
  name: string;
  holder: string | null;
  expires_at: string;
}

type LeaseDb = Kysely<Schema & { reminder_sender_lease: ReminderSenderLeaseTable }>;

/** The one row of the table. */
const LEASE = "reminder-sender";

/**
 * The reminder sender lease over SQLite or PostgreSQL: one row, `holder` and `expires_at`.
 * Every change is one conditional statement, so two instances racing for it cannot both
 * win: acquire is an INSERT … ON CONFLICT DO UPDATE … WHERE (free, expired or already
 * mine). PostgreSQL re-checks that WHERE against the row a concurrent winner just wrote
 * (READ COMMITTED locks the row and re-evaluates), and SQLite runs writes one at a time.
 *
 * Expiry compares the callers' clocks (ISO text, like every time column here): instances
 * on several hosts need synchronised clocks (NTP); skew shortens or stretches the ttl.
 */
export class SqlSenderLease implements SenderLease {
  private readonly db: LeaseDb;

  constructor(db: Kysely<Schema>) {
    this.db = db.withTables<{ reminder_sender_lease: ReminderSenderLeaseTable }>();
  }

  async acquire(holder: string, now: Date, ttlMs: number): Promise<boolean> {
    return guard("reminder sender lease acquire", async () => {
      const values = { holder, expires_at: toDbTime(new Date(now.getTime() + ttlMs)) };
      const result = await this.db
        .insertInto("reminder_sender_lease")
        .values({ name: LEASE, ...values })
        .onConflict((oc) =>
          oc
            .column("name")
            .doUpdateSet(values)
            .where((eb) =>
              eb.or([
                eb("reminder_sender_lease.holder", "is", null),
                eb("reminder_sender_lease.holder", "=", holder),
                eb("reminder_sender_lease.expires_at", "<=", toDbTime(now)),
              ]),
            ),
        )
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
    });
  }

  async renew(holder: string, now: Date, ttlMs: number): Promise<boolean> {
    return guard("reminder sender lease renew", async () => {
      const result = await this.db
        .updateTable("reminder_sender_lease")
        .set({ expires_at: toDbTime(new Date(now.getTime() + ttlMs)) })
        .where("name", "=", LEASE)
        .where("holder", "=", holder)
        // An expired lease is lost, even if nobody took it yet: acquire it again.
        .where("expires_at", ">", toDbTime(now))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    });
  }

  async release(holder: string): Promise<void> {
    await guard("reminder sender lease release", async () => {
      await this.db
        .updateTable("reminder_sender_lease")
        .set({ holder: null })
        .where("name", "=", LEASE)
        .where("holder", "=", holder)
        .execute();
    });
  }

  /** Who holds the lease and until when (null: never taken or released). For reports and tests. */
  async current(): Promise<{ holder: string; expiresAt: Date } | null> {
    return guard("reminder sender lease read", async () => {
      const row = await this.db
        .selectFrom("reminder_sender_lease")
        .select(["holder", "expires_at"])
        .where("name", "=", LEASE)
        .executeTakeFirst();
      return row?.holder ? { holder: row.holder, expiresAt: fromDbTime(row.expires_at) } : null;
    });
  }
}
