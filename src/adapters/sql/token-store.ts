import type { Kysely, Selectable } from "kysely";
import type { TokenRecord, TokenStore } from "../../ports/stores.js";
import type { Schema, TokensTable } from "./schema.js";
import { ReusedQuery } from "./reused-query.js";
import { guard } from "./sql-errors.js";
import { fromDbTime, toDbTime } from "./sql-values.js";

/** Tokens are written by SqlEnrollmentStore.save(…, activate); this reads and retires them. */
export class SqlTokenStore implements TokenStore {
  // Every login looks the token up: compiled once (ReusedQuery).
  private readonly active: ReusedQuery<{ login: string }, Selectable<TokensTable>>;
  private readonly advance: ReusedQuery<{ id: string; step: number; usedAt: string | null }>;

  constructor(private readonly db: Kysely<Schema>) {
    this.active = new ReusedQuery(db, (q, v) => q.selectFrom("tokens").selectAll().where("login_name", "=", v.login).where("status", "=", "active"), ["login"]);
    this.advance = new ReusedQuery(
      db,
      (q, v) =>
        q
          .updateTable("tokens")
          .set((eb) => ({ last_time_step: v.step, last_used_at: eb.fn.coalesce(eb.val(v.usedAt), eb.ref("last_used_at")) }))
          .where("id", "=", v.id)
          .where("status", "=", "active")
          .where("last_time_step", "<", v.step),
      ["id", "step", "usedAt"],
    );
  }

  async findActive(loginName: string): Promise<TokenRecord | null> {
    return guard("token lookup", async () => {
      const row = (await this.active.run({ login: loginName.toLowerCase() })).rows[0];
      return row ? toTokenRecord(row) : null;
    });
  }

  async revoke(loginName: string, at: Date): Promise<boolean> {
    return guard("token revoke", async () => {
      const result = await this.db
        .updateTable("tokens")
        .set({ status: "revoked", ended_at: toDbTime(at) })
        .where("login_name", "=", loginName.toLowerCase())
        .where("status", "=", "active")
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    });
  }

  /**
   * One conditional UPDATE, so two instances verifying the same code cannot both win.
   * Only an active token advances: false when not higher, or the token was replaced
   * or revoked meanwhile (its codes must no longer be accepted).
   */
  async advanceTimeStep(tokenId: string, timeStep: number, usedAt?: Date): Promise<boolean> {
    return guard("token time step", async () => {
      // Without a use to record, the last use stays as it was (coalesce with the column).
      const result = await this.advance.run({ id: tokenId, step: timeStep, usedAt: usedAt ? toDbTime(usedAt) : null });
      return Number(result.numAffectedRows) === 1;
    });
  }
}

export function toTokenRecord(row: Selectable<TokensTable>): TokenRecord {
  const record: TokenRecord = {
    id: row.id,
    loginName: row.login_name,
    upn: row.upn,
    deviceName: row.device_name,
    secretSealed: row.secret_sealed,
    activatedAt: fromDbTime(row.activated_at),
    lastTimeStep: Number(row.last_time_step),
    status: row.status,
  };
  if (row.ended_at !== null) record.endedAt = fromDbTime(row.ended_at);
  if (row.last_used_at) record.lastUsedAt = fromDbTime(row.last_used_at);
  return record;
}
