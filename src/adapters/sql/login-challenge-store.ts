import type { Kysely } from "kysely";
import type { LoginChallengeStore, PendingChallenge } from "../../ports/login-challenges.js";
import type { Schema } from "./schema.js";
import { guard } from "./sql-errors.js";
import { fromDbTime, toDbTime } from "./sql-values.js";

/** radius_challenges: consumed with DELETE … RETURNING, so an answer uses a State once, across instances. */
export class SqlLoginChallengeStore implements LoginChallengeStore {
  constructor(private readonly db: Kysely<Schema>) {}

  async create(challenge: PendingChallenge): Promise<void> {
    await guard("challenge create", async () => {
      await this.db
        .insertInto("radius_challenges")
        .values({
          state_hash: challenge.stateHash,
          login_name: challenge.loginName,
          client: challenge.client,
          expires_at: toDbTime(challenge.expiresAt),
        })
        .execute();
    });
  }

  async consume(stateHash: string, now: Date): Promise<Omit<PendingChallenge, "stateHash"> | null> {
    return guard("challenge consume", async () => {
      const row = await this.db
        .deleteFrom("radius_challenges")
        .where("state_hash", "=", stateHash)
        .returning(["login_name", "client", "expires_at"])
        .executeTakeFirst();
      if (!row || fromDbTime(row.expires_at).getTime() <= now.getTime()) return null;
      return { loginName: row.login_name, client: row.client, expiresAt: fromDbTime(row.expires_at) };
    });
  }

  async prune(now: Date): Promise<number> {
    return guard("challenge prune", async () => {
      const result = await this.db.deleteFrom("radius_challenges").where("expires_at", "<=", toDbTime(now)).executeTakeFirst();
      return Number(result.numDeletedRows);
    });
  }
}
