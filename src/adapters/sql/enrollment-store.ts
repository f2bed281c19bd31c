import type { Kysely, Transaction } from "kysely";
import type { EnrollmentState } from "../../ports/enrollment-state.js";
import { ConcurrentUpdateError } from "../../features/shared/errors.js";
import { type Clock } from "../../ports/clock.js";
import { systemClock } from "../real-time.js";
import type { EnrollmentStore, NewToken, Versioned } from "../../ports/stores.js";
import { ReusedQuery } from "./reused-query.js";
import type { Schema } from "./schema.js";
import { guard } from "./sql-errors.js";
import { fromJsonText, toDbTime, toJsonText } from "./sql-values.js";

/**
 * Enrollment state with optimistic concurrency: every save is a compare-and-set on
 * `version`. Saving with a token to activate is one transaction (CAS, old active token
 * "replaced", new token inserted): all of it happens or none.
 */
export class SqlEnrollmentStore implements EnrollmentStore {
  // Every card action loads the caller's state first: compiled once (ReusedQuery).
  private readonly loadQuery: ReusedQuery<{ userKey: string }, { state: string; version: number }>;

  constructor(
    private readonly db: Kysely<Schema>,
    private readonly clock: Clock = systemClock,
  ) {
    this.loadQuery = new ReusedQuery(
      db,
      (q, v) => q.selectFrom("enrollments").select(["state", "version"]).where("user_key", "=", v.userKey),
      ["userKey"],
    );
  }

  async load(userKey: string): Promise<Versioned<EnrollmentState> | null> {
    return guard("enrollment load", async () => {
      const [row] = (await this.loadQuery.run({ userKey })).rows;
      return row ? { value: fromJsonText<EnrollmentState>(row.state), version: row.version } : null;
    });
  }

  async save(userKey: string, state: EnrollmentState, expectedVersion: number | null, activate?: NewToken): Promise<number> {
    return guard("enrollment save", async () => {
      if (!activate) return this.compareAndSet(this.db, userKey, state, expectedVersion);
      return this.db.transaction().execute(async (trx) => {
        const version = await this.compareAndSet(trx, userKey, state, expectedVersion);
        await activateToken(trx, activate);
        return version;
      });
    });
  }

  private async compareAndSet(
    db: Kysely<Schema> | Transaction<Schema>,
    userKey: string,
    state: EnrollmentState,
    expectedVersion: number | null,
  ): Promise<number> {
    const updatedAt = toDbTime(this.clock.now());
    const stateText = toJsonText(state);
    if (expectedVersion === null) {
      // A row already there makes the primary key refuse: translated to ConcurrentUpdateError.
      await db.insertInto("enrollments").values({ user_key: userKey, state: stateText, version: 1, updated_at: updatedAt }).execute();
      return 1;
    }
    const next = expectedVersion + 1;
    const result = await db
      .updateTable("enrollments")
      .set({ state: stateText, version: next, updated_at: updatedAt })
      .where("user_key", "=", userKey)
      .where("version", "=", expectedVersion)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) {
      throw new ConcurrentUpdateError(`enrollment of ${userKey} is not at version ${expectedVersion}`);
    }
    return next;
  }
}

/**
 * Inside a transaction: the login's active token becomes "replaced", the new one active.
 * Two concurrent activations for one login cannot both succeed: the partial unique index
 * (one active per login) refuses the second insert.
 */
async function activateToken(trx: Transaction<Schema>, token: NewToken): Promise<void> {
  const loginName = token.loginName.toLowerCase();
  const at = toDbTime(token.activatedAt);
  await trx
    .updateTable("tokens")
    .set({ status: "replaced", ended_at: at })
    .where("login_name", "=", loginName)
    .where("status", "=", "active")
    .execute();
  await trx
    .insertInto("tokens")
    .values({
      id: token.id,
      login_name: loginName,
      upn: token.upn,
      device_name: token.deviceName,
      secret_sealed: token.secretSealed,
      status: "active",
      activated_at: at,
      ended_at: null,
      last_time_step: token.lastTimeStep,
    })
    .execute();
}
