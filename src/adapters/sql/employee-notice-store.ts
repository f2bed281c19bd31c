import type { Kysely } from "kysely";
import type { EmployeeNotice, EmployeeNoticeOutbox } from "../../ports/employee-notices.js";
import type { Schema } from "./schema.js";
import { guard } from "./sql-errors.js";
import { fromDbTime, fromJsonText, toDbTime, toJsonText } from "./sql-values.js";

/** employee_notices: claimed with a conditional UPDATE per row, so two bot instances deliver a notice once. */
export class SqlEmployeeNoticeOutbox implements EmployeeNoticeOutbox {
  constructor(private readonly db: Kysely<Schema>) {}

  async enqueue(notice: EmployeeNotice): Promise<void> {
    await guard("notice enqueue", async () => {
      await this.db
        .insertInto("employee_notices")
        .values({
          id: notice.id,
          upn: notice.upn.toLowerCase(),
          key: notice.key,
          params: toJsonText(notice.params),
          created_at: toDbTime(notice.createdAt),
          claimed_until: null,
          done_at: null,
        })
        .execute();
    });
  }

  async claim(limit: number, now: Date, leaseMs: number): Promise<EmployeeNotice[]> {
    return guard("notice claim", async () => {
      const at = toDbTime(now);
      const free = (q: ReturnType<typeof this.pending>) =>
        q.where((eb) => eb.or([eb("claimed_until", "is", null), eb("claimed_until", "<=", at)]));
      const candidates = await free(this.pending()).selectAll().orderBy("created_at").limit(limit).execute();
      const claimed: EmployeeNotice[] = [];
      for (const row of candidates) {
        // Only if no one claimed it since it was read.
        const result = await this.db
          .updateTable("employee_notices")
          .set({ claimed_until: toDbTime(new Date(now.getTime() + leaseMs)) })
          .where("id", "=", row.id)
          .where("done_at", "is", null)
          .where((eb) => eb.or([eb("claimed_until", "is", null), eb("claimed_until", "<=", at)]))
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) === 1) {
          claimed.push({ id: row.id, upn: row.upn, key: row.key, params: fromJsonText(row.params), createdAt: fromDbTime(row.created_at) });
        }
      }
      return claimed;
    });
  }

  async done(id: string, at: Date): Promise<void> {
    await guard("notice done", async () => {
      await this.db
        .updateTable("employee_notices")
        .set({ done_at: toDbTime(at) })
        .where("id", "=", id)
        .execute();
    });
  }

  private pending() {
    return this.db.selectFrom("employee_notices").where("done_at", "is", null);
  }
}
