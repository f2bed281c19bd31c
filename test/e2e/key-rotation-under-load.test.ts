/**
 * `keys rotate` against the real processes on one PostgreSQL: the bot (HTTP, enrollments
 * through the connector stand-in) and the validation service (asked by FreeRADIUS radclient)
 * keep working while a rotation runs as its own process; a rotation killed with kill -9 and
 * rerun leaves every token valid and nothing on old keys; two rotations at once converge.
 * People come from a throwaway OpenLDAP: the fixture's directory plus generated employees.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { generateSecret, generateSync } from "otplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keyRotationOf, keysFromConfig, type Keys } from "../../src/adapters/keys-from-config.js";
import { systemClock } from "../../src/adapters/real-time.js";
import { type Database, openDatabase } from "../../src/adapters/sql/index.js";
import { loadConfig } from "../../src/config/load-config.js";
import { buildBot, makeDataDir, removeDataDir, startBot, type BotProcess } from "../support/bot-process.js";
import { OutboxWatch } from "../support/cards.js";
import { ConnectorStandIn } from "../support/connector-stand-in.js";
import { enroll } from "../support/enrollment-steps.js";
import { eligibleEmployeeLdif, ldapEnv, PASSWORD, startFixtureSlapd } from "../support/ldap-fixture.js";
import { findPostgresBinDir, startPostgres, type ThrowawayPostgres } from "../support/postgres.js";
import { askRadius, quoted, radclientBinary } from "../support/radclient.js";
import { startRadius, type RadiusProcess } from "../support/radius-process.js";
import { requireBinaryOrSkip } from "../support/server-binary.js";
import type { Slapd } from "../support/slapd.js";
import { TeamsUser, type DemoPerson } from "../support/teams-user.js";

const slapdPath = requireBinaryOrSkip("slapd");
const available = slapdPath !== null && findPostgresBinDir() !== null && radclientBinary() !== null;

/** Tokens already in the region when the rotation starts (their employees log in during it): enough that the rotation, one token a batch, outlasts 20 logins on a fast machine too. */
const EXISTING = 300;
/** Employees who enroll over HTTP during the test. */
const NEWCOMERS = 12;
const ENCRYPTION_KEY = randomBytes(32).toString("base64");

const employee = (kind: "l" | "n", i: number) => {
  const login = `${kind}${String(i).padStart(4, "0")}`;
  return { login, upn: `${login}@region.se`, mobile: `+4670${kind === "l" ? 1 : 2}${String(i).padStart(6, "0")}` };
};

/** Generated employees, eligible, with a directory mobile: `l…` have tokens already, `n…` enroll in the test. */
function employeesLdif(): string {
  const people = [
    ...Array.from({ length: EXISTING }, (_, i) => employee("l", i)),
    ...Array.from({ length: NEWCOMERS }, (_, i) => employee("n", i)),
  ];
  return people
    .map(({ login, upn, mobile }) => eligibleEmployeeLdif({ cn: login, login, upn, displayName: `Employee ${login}`, mobile }))
    .join("\n\n");
}

const newcomer = (i: number): DemoPerson => ({
  ...employee("n", i),
  name: `Employee n${i}`,
  aadObjectId: `20000000-0000-0000-0000-${String(i).padStart(12, "0")}`,
});

/** The time step of now, and the code of a step. */
const stepNow = () => Math.floor(Date.now() / 30_000);
const codeOf = (secret: string, step: number) => generateSync({ secret, epoch: step * 30 });

let postgres: ThrowawayPostgres | null = null;
let slapd: Slapd;
let connector: ConnectorStandIn;
let bot: BotProcess;
let radius: RadiusProcess;
let database: Database;
let keys: Keys;
let env: Record<string, string>;
const dataDir = makeDataDir("otp-rotation-");
/** login name → TOTP secret, for every token in the database. */
const secrets = new Map<string, string>();
let enrolled = 0;

beforeAll(async () => {
  if (!available) return;
  const ldif = join(dataDir, "employees.ldif");
  writeFileSync(ldif, employeesLdif());
  [postgres, slapd, connector] = await Promise.all([
    startPostgres("rotation"),
    startFixtureSlapd(slapdPath as string, { extraLdif: [ldif] }),
    ConnectorStandIn.start(),
  ]);
  env = {
    DATABASE_URL: postgres!.url,
    ENCRYPTION_KEY,
    ...ldapEnv(slapd.url),
  };
  bot = await startBot({ dataDir, env });
  radius = await startRadius({ dataDir, env });
  // The tokens enrolled before (sealed with the bot's current data key, as another instance would).
  database = await openDatabase(postgres!.url, dataDir);
  keys = await keysFromConfig(loadConfig({ DATA_DIR: dataDir, ...env }), database, systemClock);
  const rows = Array.from({ length: EXISTING }, (_, i) => {
    const { login, upn } = employee("l", i);
    const secret = generateSecret();
    secrets.set(login, secret);
    return {
      id: randomUUID(),
      login_name: login,
      upn,
      device_name: "Jobbmobil",
      secret_sealed: keys.box.seal(secret),
      status: "active" as const,
      activated_at: new Date().toISOString(),
      ended_at: null,
      last_time_step: 0,
      last_used_at: null,
    };
  });
  await database.db.insertInto("tokens").values(rows).execute();
  // Two employees enroll before the rotation, through the bot.
  await enrollNext();
  await enrollNext();
}, 120_000);

afterAll(async () => {
  await Promise.all([bot?.stop(), radius?.stop()]);
  await database?.close();
  await Promise.all([connector?.stop(), slapd?.stop(), postgres?.stop()]);
  removeDataDir(dataDir);
});

/** The next newcomer enrolls over HTTP (scan the QR, type the first code). */
async function enrollNext(): Promise<void> {
  const person = newcomer(enrolled++);
  try {
    const run = await enroll(new TeamsUser(person, connector, bot.url), new OutboxWatch([dataDir]), { password: PASSWORD });
    secrets.set(person.login, run.secret);
  } catch (error) {
    // Say what the bot said (a crash, a refusal) rather than only "fetch failed".
    throw new Error(`enrolling ${person.login} failed: ${(error as Error).message}\nbot stderr: ${bot.stderr().slice(-2000)}`, {
      cause: error,
    });
  }
}

/** One login over RADIUS with the code of `step`; the answer's code ("Access-Accept", …). */
async function login(loginName: string, step: number): Promise<string> {
  const answer = await askRadius(radius.port, radius.secret, {
    "User-Name": quoted(loginName),
    "User-Password": quoted(codeOf(secrets.get(loginName)!, step)),
  });
  return answer.code;
}

/** Runs `work` over `items`, `width` at a time; the answers in order. */
async function inParallel<T, R>(items: T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index]!);
      }
    }),
  );
  return results;
}

interface KeysRun {
  child: ChildProcess;
  output: () => string;
  /** Lines "… re-sealed so far" seen. */
  batches: () => number;
  exited: Promise<number | null>;
}

/** `node dist/src/cli/keys.js …` (the build the bot runs from) with the bot's settings. */
async function keysCli(args: string[]): Promise<KeysRun> {
  const cli = join(dirname(await buildBot()), "cli/keys.js");
  const child = spawn(process.execPath, [cli, ...args], {
    cwd: dataDir,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  let batches = 0;
  child.stdout!.on("data", (chunk: Buffer) => {
    output += chunk.toString();
    batches += (chunk.toString().match(/re-sealed so far/g) ?? []).length;
  });
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  // "close", not "exit": a process's last output can still be unread when "exit" comes.
  const exited = new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)));
  return { child, output: () => output, batches: () => batches, exited };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** `keys status`: data key id → tokens it seals (`*` marks the current key). */
async function keyStatus(): Promise<{ current: string; tokens: Map<string, number> }> {
  const run = await keysCli(["status"]);
  expect(await run.exited, run.output()).toBe(0);
  const tokens = new Map<string, number>();
  let current = "";
  for (const match of run.output().matchAll(/^([* ]) (\S+)\s.*tokens (\d+),/gm)) {
    tokens.set(match[2]!, Number(match[3]));
    if (match[1] === "*") current = match[2]!;
  }
  return { current, tokens };
}

/** The same from this process (quicker than starting the command; the final checks use the command). */
async function keyStatusHere(): Promise<{ current: string; tokens: Map<string, number> }> {
  const usage = await keyRotationOf(database, keys, systemClock).status();
  return { current: keys.ring.currentKeyId, tokens: new Map(usage.map((key) => [key.id, key.tokens])) };
}

const inUse = (tokens: Map<string, number>) => [...tokens].filter(([, n]) => n > 0).map(([id]) => id);

describe.skipIf(!available)("key rotation with the bot and the validation service running (PostgreSQL)", () => {
  it("enrollments over HTTP and logins over RADIUS keep succeeding while `keys rotate` runs", async () => {
    const before = await keyStatusHere();
    const rotation = await keysCli(["rotate", "--batch", "1"]);
    await until(() => rotation.batches() > 0 || rotation.child.exitCode !== null, "the rotation's first batch");
    const running = () => rotation.child.exitCode === null;
    let enrolledDuring = 0;
    const logins: string[] = [];
    const enrolling = (async () => {
      while (running() && enrolled < NEWCOMERS) {
        await enrollNext();
        if (running()) enrolledDuring++;
      }
    })();
    // The employees with tokens log in, 4 at a time, until the rotation is over (each once).
    const step = stepNow();
    const existing = Array.from({ length: EXISTING }, (_, i) => employee("l", i).login);
    let next = 0;
    const loggingIn = Promise.all(
      Array.from({ length: 4 }, async () => {
        while (running() && next < existing.length) {
          const answer = await login(existing[next++]!, step);
          logins.push(answer);
        }
      }),
    );
    const [code] = await Promise.all([rotation.exited, enrolling, loggingIn]);
    expect(code, rotation.output()).toBe(0);
    expect(rotation.output()).toMatch(/new data key/);
    expect(rotation.output()).not.toContain(ENCRYPTION_KEY);
    console.info(
      `[rotation under load] ${rotation.batches()} batches; ${enrolledDuring} enrollments and ${logins.length} RADIUS logins during it`,
    );
    // Every one succeeded, and the load really overlapped the rotation.
    expect(logins.every((answer) => answer === "Access-Accept")).toBe(true);
    expect(logins.length).toBeGreaterThanOrEqual(20);
    expect(enrolledDuring).toBeGreaterThanOrEqual(1);
    const after = await keyStatus();
    expect(after.current).not.toBe(before.current);
    // The bot may seal with the old key for up to 30 s after the new one appears (README): those
    // are the only rows left on it, and the next rotation takes them along.
    expect(after.tokens.get(before.current) ?? 0).toBeLessThanOrEqual(enrolledDuring);
  }, 120_000);

  it("kill -9 of a rotation midway, then a rerun: every token validates over RADIUS, nothing left on old keys", async () => {
    const previous = (await keyStatusHere()).current;
    const killed = await keysCli(["rotate", "--batch", "1"]);
    await until(() => killed.batches() >= 40 || killed.child.exitCode !== null, "40 batches");
    killed.child.kill("SIGKILL");
    expect(await killed.exited).toBeNull(); // killed, not finished
    const midway = await keyStatusHere();
    // The new key seals some tokens, the previous one the rest (and rows the bot sealed with an
    // older key during the first rotation, before it noticed the new one, are still on it).
    expect(midway.current).not.toBe(previous);
    expect(inUse(midway.tokens)).toEqual(expect.arrayContaining([previous, midway.current]));

    const rerun = await keysCli(["rotate", "--retire-after-minutes", "0"]);
    expect(await rerun.exited, rerun.output()).toBe(0);
    const after = await keyStatus();
    expect(inUse(after.tokens)).toEqual([after.current]);
    expect([...after.tokens.keys()]).toEqual([after.current]); // the old data keys are gone
    expect(after.tokens.get(after.current)).toBe(secrets.size);

    // Every employee logs in with the next code (each code's step is later than any used before).
    const step = stepNow() + 1;
    const answers = await inParallel([...secrets.keys()], 16, (name) => login(name, step));
    expect(answers.filter((answer) => answer !== "Access-Accept")).toEqual([]);
  }, 120_000);

  it("two rotations started at once: both finish, one key in use, every token opens", async () => {
    const both = await Promise.all([keysCli(["rotate", "--batch", "10"]), keysCli(["rotate", "--batch", "10"])]);
    const codes = await Promise.all(both.map((run) => run.exited));
    expect(codes, both.map((run) => run.output()).join("\n")).toEqual([0, 0]);
    const status = await keyStatus();
    expect(inUse(status.tokens)).toEqual([status.current]);
    expect(status.tokens.get(status.current)).toBe(secrets.size);

    // A process started now opens every token with the keys in the database.
    const fresh = await keysFromConfig(loadConfig({ DATA_DIR: dataDir, ...env }), database, systemClock);
    const rows = await database.db.selectFrom("tokens").select(["login_name", "secret_sealed"]).where("status", "=", "active").execute();
    expect(rows).toHaveLength(secrets.size);
    for (const row of rows) {
      await fresh.ring.ensureKeyFor(row.secret_sealed);
      expect(fresh.box.open(row.secret_sealed)).toBe(secrets.get(row.login_name));
    }
  }, 120_000);
});
