import type { Kysely, Selectable } from "kysely";
import type { NewTemporaryAccess, TemporaryAccess, TemporaryAccessStore } from "../../ports/temporary-access.js";
import type { Schema, TemporaryAccessTable } from "./schema.js";
import { guard } from "./sql-errors.js";
import { fromDbTime, toDbTime } from "./sql-values.js";

/**
 * temporary_access: at most one open grant per login (a partial unique index), each try
 * counted and each use recorded by one conditional UPDATE, so instances agree.
 */
export class SqlTemporaryAccessStore implements TemporaryAccessStore {
  constructor(private readonly db: Kysely<Schema>) {}

  async issue(grant: NewTemporaryAccess): Promise<void> {
    await guard("temporary access issue", () =>
      this.db.transaction().execute(async (trx) => {
        await trx
          .updateTable("temporary_access")
          .set({ ended_at: toDbTime(grant.issuedAt) })
          .where("login_name", "=", grant.loginName)
          .where("ended_at", "is", null)
          .execute();
        await trx
          .insertInto("temporary_access")
          .values({
            id: grant.id,
            login_name: grant.loginName,
            upn: grant.upn,
            code_hash: grant.codeHash,
            issued_by: grant.issuedBy,
            issued_at: toDbTime(grant.issuedAt),
            expires_at: toDbTime(grant.expiresAt),
            reusable: grant.reusable ? 1 : 0,
            used_at: null,
            ended_at: null,
          })
          .execute();
      }),
    );
  }

  async latest(loginName: string): Promise<TemporaryAccess | null> {
    return guard("temporary access latest", async () => {
      const row = await this.db
        .selectFrom("temporary_access")
        .selectAll()
        .where("login_name", "=", loginName.toLowerCase())
        .orderBy("issued_at", "desc")
        .limit(1)
        .executeTakeFirst();
      return row ? toGrant(row) : null;
    });
  }

  async countTry(loginName: string, now: Date): Promise<TemporaryAccess | null> {
    return guard("temporary access try", async () => {
      const row = await this.db
        .updateTable("temporary_access")
        .set((eb) => ({ failed_tries: eb("failed_tries", "+", eb.lit(1)) }))
        .where("login_name", "=", loginName.toLowerCase())
        .where("ended_at", "is", null)
        .where("expires_at", ">", toDbTime(now))
        .returningAll()
        .executeTakeFirst();
      return row ? toGrant(row) : null;
    });
  }

  async use(id: string, now: Date): Promise<boolean> {
    return guard("temporary access use", async () => {
      const at = toDbTime(now);
      const result = await this.db
        .updateTable("temporary_access")
        .set((eb) => ({ used_at: at, failed_tries: 0, ended_at: eb.case().when("reusable", "=", 1).then(null).else(at).end() }))
        .where("id", "=", id)
        .where("ended_at", "is", null)
        .where("expires_at", ">", at)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    });
  }

  async end(loginName: string, at: Date): Promise<boolean> {
    return guard("temporary access end", async () => {
      const result = await this.db
        .updateTable("temporary_access")
        .set({ ended_at: toDbTime(at) })
        .where("login_name", "=", loginName.toLowerCase())
        .where("ended_at", "is", null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    });
  }
}

function toGrant(row: Selectable<TemporaryAccessTable>): TemporaryAccess {
  const grant: TemporaryAccess = {
    id: row.id,
    loginName: row.login_name,
    upn: row.upn,
    codeHash: row.code_hash,
    issuedBy: row.issued_by,
    issuedAt: fromDbTime(row.issued_at),
    expiresAt: fromDbTime(row.expires_at),
    reusable: Number(row.reusable) === 1,
    failedTries: Number(row.failed_tries),
  };
  if (row.used_at) grant.usedAt = fromDbTime(row.used_at);
  if (row.ended_at) grant.endedAt = fromDbTime(row.ended_at);
  return grant;
}
