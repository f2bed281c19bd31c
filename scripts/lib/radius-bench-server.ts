/**
 * The validation service for `npm run bench:radius`, as its own process: the real RADIUS
 * server, ValidationService and SQL stores (SQLite in BENCH_DIR, or PostgreSQL at
 * BENCH_DATABASE_URL), with a directory of BENCH_USERS synthetic people in memory (the demo
 * directory's six cannot carry the load, and an LDAP server on this 2-core machine would
 * measure itself). Their tokens are seeded with secrets derived from BENCH_SEED, so the load
 * generator can compute every code. Prints "ready <port>" when it listens.
 */
import { createHmac, randomBytes } from "node:crypto";
import { ScureBase32Plugin } from "@otplib/plugin-base32-scure";
import { pino } from "pino";
import { AesGcmSecretBox } from "../../src/adapters/aes-gcm-secret-box.js";
import { OtplibTotp } from "../../src/adapters/otplib-totp.js";
import { AuditChainWriter } from "../../src/features/audit/audit-chain.js";
import { createSqlStores, migrateToLatest, openDatabase } from "../../src/adapters/sql/index.js";
import { SqlLoginChallengeStore } from "../../src/adapters/sql/login-challenge-store.js";
import { defaultEnrollmentPolicy } from "../../src/features/enrollment/enrollment-policy.js";
import { defaultValidationPolicy } from "../../src/features/validation/validation-policy.js";
import { ValidationService } from "../../src/features/validation/validation-service.js";
import { systemClock } from "../../src/adapters/real-time.js";
import { SqlTemporaryAccessStore } from "../../src/adapters/sql/temporary-access-store.js";
import { SqlEmployeeNoticeOutbox } from "../../src/adapters/sql/employee-notice-store.js";
import { defaultTemporaryAccessPolicy } from "../../src/features/validation/temporary-access-policy.js";
import type { Directory, DirectoryUser } from "../../src/ports/directory.js";
import { startRadiusServer } from "../../src/radius/radius-server.js";

const base32 = new ScureBase32Plugin();

/** The bench user's TOTP secret: the generator derives the same one. */
export function benchSecret(seed: string, login: string): string {
  return base32.encode(createHmac("sha1", seed).update(login).digest()).replace(/=+$/, "");
}

export const benchLogin = (i: number): string => `bench${i}`;

/**
 * BENCH_USERS's default, for the generator and this server. Half answer honestly, each at most
 * three codes a 30-second window (the previous, current and next step): 60,000 ran out at 8,500
 * accepts a second.
 */
export const DEFAULT_BENCH_USERS = 100_000;

class SyntheticDirectory implements Directory {
  async findByUpn(upn: string): Promise<DirectoryUser | null> {
    return this.user(upn.split("@")[0] ?? "");
  }
  async findByLoginName(loginName: string): Promise<DirectoryUser | null> {
    return this.user(loginName);
  }
  async verifyPassword(): Promise<{ ok: false; reason: "invalidCredentials" }> {
    return { ok: false, reason: "invalidCredentials" };
  }
  async isMemberOf(): Promise<boolean> {
    return true;
  }
  async listGroupMembers(): Promise<DirectoryUser[]> {
    return [];
  }
  async ping(): Promise<void> {}
  async close(): Promise<void> {}
  private user(login: string): DirectoryUser | null {
    if (!/^bench\d+$/.test(login) || Number(login.slice(5)) >= USERS) return null;
    return { id: login, loginName: login, upn: `${login}@bench.example`, displayName: login };
  }
}

/** BENCH_VALIDATOR=stub: the RADIUS layer alone (UDP, packets, authenticators), every code accepted unchecked. */
const acceptEverything = { checkCode: async () => ({ ok: true, reason: "ok" }) } as unknown as ValidationService;

const USERS = Number(process.env.BENCH_USERS ?? DEFAULT_BENCH_USERS);

async function main(): Promise<void> {
  const seed = process.env.BENCH_SEED ?? "seed";
  const secret = process.env.BENCH_RADIUS_SECRET ?? "bench-radius-secret-0123";
  const database = await openDatabase(process.env.BENCH_DATABASE_URL || undefined, process.env.BENCH_DIR ?? ".", {
    poolSize: 10,
    groupCommit: true,
    // BENCH_CHECKPOINTS=off: SQLite checkpoints on the event loop, as SQLite does by default (for the on/off ratio).
    ...(process.env.BENCH_CHECKPOINTS !== "off" && {
      backgroundCheckpoints: { onError: (error: Error) => process.stderr.write(`checkpointer: ${error.message}\n`) },
    }),
    // BENCH_PREPARED=off: PostgreSQL parses and plans every statement (for the on/off ratio).
    preparedStatements: process.env.BENCH_PREPARED !== "off",
  });
  await migrateToLatest(database.db);
  // BENCH_AUDIT_CHAIN=off: audit rows without the keyed chain (for the on/off ratio).
  const stores = createSqlStores(
    database,
    undefined,
    process.env.BENCH_AUDIT_CHAIN === "off" ? undefined : new AuditChainWriter(randomBytes(32)),
  );
  const secrets = new AesGcmSecretBox(randomBytes(32));
  const totp = new OtplibTotp();
  // Each token's last accepted step is two steps back: the generator may use the previous, current and next code.
  const lastStep = Math.floor(Date.now() / 30_000) - 2;
  for (let start = 0; start < USERS; start += 500) {
    const rows = [];
    for (let i = start; i < Math.min(USERS, start + 500); i++) {
      const login = benchLogin(i);
      rows.push({
        id: `t-${login}`,
        login_name: login,
        upn: `${login}@bench.example`,
        device_name: "bench",
        secret_sealed: secrets.seal(benchSecret(seed, login)),
        status: "active" as const,
        activated_at: new Date().toISOString(),
        ended_at: null,
        last_time_step: lastStep,
        last_used_at: null,
      });
    }
    await database.db.insertInto("tokens").values(rows).execute();
  }
  const validator = new ValidationService({
    directory: new SyntheticDirectory(),
    tokens: stores.tokens,
    challenges: new SqlLoginChallengeStore(database.db),
    secrets,
    totp,
    rates: stores.rateCounter,
    audit: stores.audit,
    clock: systemClock,
    policy: defaultValidationPolicy,
    passwordChecks: defaultEnrollmentPolicy,
    temporaryAccess: new SqlTemporaryAccessStore(database.db),
    temporaryAccessPolicy: defaultTemporaryAccessPolicy,
    notices: new SqlEmployeeNoticeOutbox(database.db),
  });
  const server = await startRadiusServer({
    host: "127.0.0.1",
    port: 0,
    clients: [{ name: "bench", address: "127.0.0.1", secret, requireMessageAuthenticator: true }],
    mode: "otp",
    validator: process.env.BENCH_VALIDATOR === "stub" ? acceptEverything : validator,
    logger: pino({ level: "warn" }),
    maxRequestsPerClientPerSecond: 1_000_000,
  });
  process.stdout.write(`ready ${server.port}\n`);
  process.on(
    "SIGTERM",
    () =>
      void server
        .close()
        .then(() => database.close())
        .then(() => process.exit(0)),
  );
}

if (process.argv[1]?.endsWith("radius-bench-server.ts")) {
  main().catch((error: unknown) => {
    process.stderr.write(`bench server failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
}
