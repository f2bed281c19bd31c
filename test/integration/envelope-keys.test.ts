/**
 * Envelope encryption end to end on a real SQLite file, with each key encryption key source:
 * ENCRYPTION_KEY, local mode's key file, and Azure Key Vault (the real @azure/keyvault-keys
 * client against the HTTPS stand-in). Rotation runs while other "instances" (their own key
 * rings on the same file) keep sealing and opening.
 */
import { spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { AesGcmSecretBox } from "../../src/adapters/aes-gcm-secret-box.js";
import {
  createKeyedSqlStores,
  keyRotationOf,
  keysFromConfig,
  type Keys,
  type KeyVaultOverrides,
} from "../../src/adapters/keys-from-config.js";
import { SqlDataKeyStore } from "../../src/adapters/sql/data-key-store.js";
import { type Database, migrateToLatest, openDatabase } from "../../src/adapters/sql/index.js";
import { loadConfig } from "../../src/config/load-config.js";
import { KeyUnavailableError } from "../../src/features/keys/key-errors.js";
import { systemClock } from "../../src/adapters/real-time.js";
import { startKeyVaultStandIn, type KeyVaultStandIn } from "../support/key-vault-stand-in.js";

const repoRoot = resolve(import.meta.dirname, "../..");
let vault: KeyVaultStandIn;
beforeAll(async () => {
  vault = await startKeyVaultStandIn();
});
afterAll(() => vault.stop());

interface Source {
  name: string;
  env: () => Record<string, string>;
  overrides: () => KeyVaultOverrides;
}
const encryptionKey = randomBytes(32).toString("base64");
const sources: Source[] = [
  { name: "ENCRYPTION_KEY", env: () => ({ ENCRYPTION_KEY: encryptionKey }), overrides: () => ({}) },
  { name: "local key file", env: () => ({}), overrides: () => ({}) },
  {
    name: "Azure Key Vault",
    env: () => ({ KEY_VAULT_KEY_ID: vault.keyId }),
    overrides: () => ({
      credential: vault.credential,
      clientOptions: { tlsOptions: { ca: vault.ca }, disableChallengeResourceVerification: true, retryOptions: { maxRetries: 0 } },
    }),
  },
];

const dirs: string[] = [];
const open: Database[] = [];
afterEach(async () => {
  for (const database of open.splice(0)) await database.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function instance(
  source: Source,
  dataDir: string,
  envExtra: Record<string, string> = {},
): Promise<{ database: Database; keys: Keys }> {
  const config = loadConfig({ DATA_DIR: dataDir, ...source.env(), ...envExtra });
  const database = await openDatabase(undefined, dataDir);
  open.push(database);
  await migrateToLatest(database.db);
  return { database, keys: await keysFromConfig(config, database, systemClock, source.overrides()) };
}

function newDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "keys-"));
  dirs.push(dir);
  return dir;
}

async function insertToken(database: Database, sealed: string): Promise<string> {
  const id = randomUUID();
  await database.db
    .insertInto("tokens")
    .values({
      id,
      login_name: `u-${id}`,
      upn: `${id}@x`,
      device_name: "d",
      secret_sealed: sealed,
      status: "active",
      activated_at: new Date().toISOString(),
      ended_at: null,
      last_time_step: 1,
      last_used_at: null,
    })
    .execute();
  return id;
}

const rotationOf = (database: Database, keys: Keys) => keyRotationOf(database, keys, systemClock);

describe.each(sources)("envelope encryption with $name", (source) => {
  it("seals with a named data key; a database dump alone opens nothing", async () => {
    const dir = newDir();
    const { database, keys } = await instance(source, dir);
    const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    const sealed = keys.box.seal(secret);
    expect(sealed.startsWith(`v2.${keys.ring.currentKeyId}.`)).toBe(true);
    expect(keys.box.open(sealed)).toBe(secret);
    await insertToken(database, sealed);

    // Every table's text: neither the secret nor any unwrapped key appears.
    const dump = JSON.stringify(
      await Promise.all(
        ["tokens", "data_keys", "enrollments", "audit_events"].map((t) =>
          database.db
            .selectFrom(t as "tokens")
            .selectAll()
            .execute(),
        ),
      ),
    );
    expect(dump).not.toContain(secret);
    const dataKey = keys.ring.keyFor(keys.ring.currentKeyId)!;
    for (const encoding of ["base64", "base64url", "hex"] as const) expect(dump).not.toContain(dataKey.toString(encoding));

    // Someone with the database but another key encryption key gets nowhere.
    const thief = loadConfig({ DATA_DIR: newDir(), ENCRYPTION_KEY: randomBytes(32).toString("base64") });
    await expect(keysFromConfig(thief, database, systemClock)).rejects.toBeInstanceOf(KeyUnavailableError);
  });

  it("rotates while other instances seal and open; two rotations at once converge; old keys go only when unused", async () => {
    const dir = newDir();
    const a = await instance(source, dir);
    const b = await instance(source, dir);
    const c = await instance(source, dir);
    const plaintexts = new Map<string, string>();
    const legacyKey =
      source.name === "Azure Key Vault"
        ? null
        : source.name === "ENCRYPTION_KEY"
          ? Buffer.from(encryptionKey, "base64")
          : Buffer.from(readFileSync(join(dir, "encryption.key"), "utf8"), "base64");
    for (let i = 0; i < 60; i++) {
      const secret = randomBytes(20).toString("hex");
      // Today's v1 format (one key, no data key) keeps working and is re-sealed too.
      const sealed = legacyKey && i % 10 === 0 ? new AesGcmSecretBox(legacyKey).seal(secret) : a.keys.box.seal(secret);
      plaintexts.set(await insertToken(a.database, sealed), secret);
    }
    const firstKey = a.keys.ring.currentKeyId;
    const stores = createKeyedSqlStores(c.database, c.keys, systemClock);
    let stop = false;
    let checks = 0;
    // Instance c keeps "logging in" (finding and opening tokens) and "enrolling" (sealing new ones).
    const load = (async () => {
      while (!stop) {
        for (const [id, secret] of [...plaintexts].slice(0, 20)) {
          const row = await c.database.db.selectFrom("tokens").select("login_name").where("id", "=", id).executeTakeFirstOrThrow();
          const token = await stores.tokens.findActive(row.login_name);
          expect(c.keys.box.open(token!.secretSealed)).toBe(secret);
          checks++;
        }
        const secret = randomBytes(20).toString("hex");
        plaintexts.set(await insertToken(c.database, c.keys.box.seal(secret)), secret);
        // SQLite answers synchronously: without a macrotask turn the rotations would never run.
        await new Promise<void>((r) => setImmediate(r));
        // A running instance notices a new key within CURRENT_KEY_RECHECK_MS; here, at once.
        await c.keys.ring.refreshCurrent(true);
      }
    })();
    const options = { batchSize: 5, retireAfterMs: 0, onBatch: () => new Promise<void>((r) => setImmediate(r)) };
    await Promise.all([rotationOf(a.database, a.keys).rotate(options), rotationOf(b.database, b.keys).rotate(options)]);
    stop = true;
    await load;
    expect(checks).toBeGreaterThan(20);

    // c sealed with the old key until it noticed; a last pass (what `keys reseal` does) catches those.
    await rotationOf(a.database, a.keys).reseal(options);
    const status = await rotationOf(a.database, a.keys).status();
    const inUse = status.filter((k) => k.tokens > 0);
    expect(inUse.map((k) => k.id)).toEqual([a.keys.ring.currentKeyId]);
    expect(a.keys.ring.currentKeyId).not.toBe(firstKey);
    await rotationOf(a.database, a.keys).prune(0);
    const left = (await new SqlDataKeyStore(a.database.db).list()).filter((k) => k.purpose === "data").map((k) => k.id);
    expect(left).toEqual([a.keys.ring.currentKeyId]);

    // A fresh process (started after all this) opens every token.
    const fresh = await instance(source, dir);
    const freshStores = createKeyedSqlStores(fresh.database, fresh.keys, systemClock);
    for (const [id, secret] of plaintexts) {
      const row = await fresh.database.db.selectFrom("tokens").select("login_name").where("id", "=", id).executeTakeFirstOrThrow();
      const token = await freshStores.tokens.findActive(row.login_name);
      expect(fresh.keys.box.open(token!.secretSealed)).toBe(secret);
    }
  });
});

describe("Azure Key Vault specifics", () => {
  const kv = sources[2]!;

  it("wraps with the key's newest version; after the key is rotated in the vault, keys rotate moves onto it", async () => {
    const dir = newDir();
    const first = await instance(kv, dir);
    const before = await new SqlDataKeyStore(first.database.db).get(first.keys.ring.currentKeyId);
    const version = vault.rotateKey();
    const after = await instance(kv, dir);
    const { newKeyId } = await rotationOf(after.database, after.keys).rotate({ batchSize: 10, retireAfterMs: 0 });
    const record = await new SqlDataKeyStore(after.database.db).get(newKeyId);
    expect(record!.kekId.endsWith(`/${version}`)).toBe(true);
    expect(before!.kekId).not.toBe(record!.kekId);
  });

  it("refuses to start when the vault cannot be reached, saying so", async () => {
    vault.setDown(true);
    try {
      await expect(instance(kv, newDir())).rejects.toThrow(/Azure Key Vault: could not read the key kek \(HTTP 503/);
    } finally {
      vault.setDown(false);
    }
  });

  it("refuses a data key whose kek_id points outside the configured key (no token sent elsewhere)", async () => {
    const dir = newDir();
    const { database, keys } = await instance(kv, dir);
    const id = keys.ring.currentKeyId;
    await database.db.updateTable("data_keys").set({ kek_id: "https://evil.example/keys/kek/1" }).where("id", "=", id).execute();
    const restarted = loadConfig({ DATA_DIR: dir, KEY_VAULT_KEY_ID: vault.keyId });
    await expect(keysFromConfig(restarted, database, systemClock, kv.overrides())).rejects.toThrow(/not configured/);
  });
});

describe("keys rotate killed midway (kill -9), then rerun", () => {
  it("every token still opens, and a rerun finishes the job", async () => {
    const dir = newDir();
    const source = sources[0]!;
    const { database, keys } = await instance(source, dir);
    const plaintexts = new Map<string, string>();
    for (let i = 0; i < 400; i++) {
      const secret = randomBytes(20).toString("hex");
      plaintexts.set(await insertToken(database, keys.box.seal(secret)), secret);
    }
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dir, ENCRYPTION_KEY: encryptionKey };
    const tsx = join(repoRoot, "node_modules/.bin/tsx");
    const child = spawn(tsx, ["src/cli/keys.ts", "rotate", "--batch", "1"], { cwd: repoRoot, env, stdio: ["ignore", "pipe", "pipe"] });
    await new Promise<void>((resolveKill) => {
      let seen = 0;
      child.stdout.on("data", (chunk: Buffer) => {
        seen += (chunk.toString().match(/re-sealed so far/g) ?? []).length;
        if (seen >= 20 && !child.killed) {
          child.kill("SIGKILL");
          resolveKill();
        }
      });
    });
    await new Promise((r) => child.once("exit", r));
    const status = await rotationOf(database, keys).status();
    expect(status.filter((k) => k.tokens > 0).length).toBe(2); // midway: old and new key both in use
    const check = async () => {
      const fresh = await instance(source, dir);
      for (const [id, secret] of plaintexts) {
        const row = await fresh.database.db.selectFrom("tokens").select("secret_sealed").where("id", "=", id).executeTakeFirstOrThrow();
        await fresh.keys.ring.ensureKeyFor(row.secret_sealed);
        expect(fresh.keys.box.open(row.secret_sealed)).toBe(secret);
      }
    };
    await check();
    const rerun = spawn(tsx, ["src/cli/keys.ts", "rotate", "--retire-after-minutes", "0"], {
      cwd: repoRoot,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    rerun.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    rerun.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    expect(await new Promise((r) => rerun.once("exit", r))).toBe(0);
    expect(output).toMatch(/new data key/);
    expect(output).not.toContain(encryptionKey);
    await check();
    const after = await rotationOf(database, keys).status();
    expect(after.filter((k) => k.tokens > 0).length).toBe(1);
    expect(readdirSync(dir)).not.toContain("encryption.key");
  }, 60_000);
});
