/**
 * kill -9 in the middle of a campaign, then run it again: no reminder lost, and a duplicate
 * only for a row that was in flight ("sending") when the process died — the documented
 * window, at most one per worker (the default 8 workers: at most 8 duplicates).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSqlStores, migrateToLatest, openDatabase } from "../../src/adapters/sql/index.js";
import { runCli as runRepoCli } from "../support/cli-process.js";
import { RateLimitedConnector } from "../support/rate-limited-connector.js";

const repo = resolve(import.meta.dirname, "../..");
const USERS = 300;
const WORKERS = 8; // REMINDER_WORKERS' default

let dir: string;
let connector: RateLimitedConnector;

function runCli(args: string[]): { child: ChildProcess; done: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, ["--import", "tsx", join(repo, "src/campaign/run-campaign.ts"), ...args], {
    cwd: repo,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATA_DIR: dir,
      LOG_LEVEL: "warn",
      REMINDER_WORKERS: String(WORKERS),
      REMINDER_LEASE_SECONDS: "1",
      // The killed run held the sender lease: the rerun waits for it to run out (default 30 s).
      REMINDER_SENDER_LEASE_SECONDS: "2",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((res) =>
    child.once("exit", (code) => res({ code, stdout, stderr })),
  );
  return { child, done };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "reminders-crash-"));
  connector = await RateLimitedConnector.start({ inject5xx: 0.02, seed: 3 });
  const database = await openDatabase(undefined, dir);
  await migrateToLatest(database.db);
  const stores = createSqlStores(database);
  const users = Array.from({ length: USERS }, (_, i) => ({ upn: `c${i}@region.se`, loginName: `c${i}` }));
  for (const [i, u] of users.entries()) {
    await stores.conversationRefs.upsert({
      userKey: `aad-c${i}`,
      upn: u.upn,
      locale: "sv",
      reference: {
        channelId: "msteams",
        serviceUrl: connector.url,
        conversation: { id: `a:crash-${i}` },
        bot: { id: "28:bot" },
        user: { id: `29:c${i}` },
      },
      updatedAt: new Date(),
    });
  }
  await database.close();
  writeFileSync(join(dir, "users.json"), JSON.stringify(users));
  writeFileSync(
    join(dir, "campaign.json"),
    JSON.stringify({
      id: "crash",
      audience: { upns: users.map((u) => u.upn) },
      start: "2020-01-01",
      deadline: "2099-12-31",
      window: { days: [1, 2, 3, 4, 5, 6, 7] },
    }),
  );
});

afterAll(async () => {
  await connector?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("reminder CLI crash safety", () => {
  it("kill -9 mid-run, rerun: every reminder delivered, duplicates only from rows in flight at the kill", async () => {
    const args = [join(dir, "campaign.json"), "--now", "--users", join(dir, "users.json")];
    const first = runCli(args);
    const deadline = Date.now() + 60_000; // a loaded machine takes 15–25 s just to start the CLI under tsx
    while (connector.stats.accepted < 100 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(connector.stats.accepted).toBeGreaterThanOrEqual(100);
    first.child.kill("SIGKILL");
    await first.done;
    const acceptedAtKill = connector.stats.accepted;
    expect(acceptedAtKill).toBeLessThan(USERS);

    const database = await openDatabase(undefined, dir);
    const inDoubt = (await database.db.selectFrom("reminder_deliveries").select("user_key").where("status", "=", "sending").execute()).map(
      (r) => r.user_key,
    );
    await database.close();
    expect(inDoubt.length).toBeLessThanOrEqual(WORKERS);
    // In flight and already accepted by "Teams": these are the ones that will be duplicated.
    const acceptedInDoubt = inDoubt.filter((k) => connector.count(`a:crash-${k.slice("aad-c".length)}`) > 0).length;
    await new Promise((r) => setTimeout(r, 1_100)); // past the 1 s lease

    const second = runCli(args);
    const result = await second.done;
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout.trim().split("\n").at(-1)!) as Record<string, number>;
    expect(Object.keys(report).sort()).toEqual(["durationMs", "failed", "notReachable", "planned", "sent", "skippedEnrolled", "snoozed"]);
    expect(report.failed).toBe(0);
    expect(report.sent).toBe(USERS - acceptedAtKill + acceptedInDoubt);
    expect(connector.stats.accepted).toBe(USERS + acceptedInDoubt);

    const duplicates: string[] = [];
    for (let i = 0; i < USERS; i++) {
      const n = connector.count(`a:crash-${i}`);
      expect(n, `c${i} lost`).toBeGreaterThanOrEqual(1);
      if (n > 1) duplicates.push(`aad-c${i}`);
    }
    for (const d of duplicates) expect(inDoubt).toContain(d);
    expect(duplicates.length).toBe(acceptedInDoubt);
    expect(duplicates.length).toBeLessThanOrEqual(WORKERS); // at most one duplicate per request in flight
    console.info(
      `[reminders crash] killed after ${acceptedAtKill} accepted; in flight ${inDoubt.length}; duplicates ${duplicates.length}; report ${JSON.stringify(report)}`,
    );

    // A third run finds nothing to do.
    const third = await runCli(args).done;
    expect(JSON.parse(third.stdout.trim().split("\n").at(-1)!)).toMatchObject({ planned: 0, sent: 0 });

    // Each run wrote its audit rows in its own keyed chain: one "reminder.sent" per person it
    // reminded (the killed run's last few may be lost with it), and the trail verifies.
    const audit = await openDatabase(undefined, dir);
    const rows = await audit.db
      .selectFrom("audit_events")
      .select(["chain_id", "subject", "action", "actor"])
      .where("action", "like", "reminder.%")
      .execute();
    await audit.close();
    expect(rows.every((r) => r.action === "reminder.sent" && r.actor === "system" && r.chain_id !== null)).toBe(true);
    const perChain = new Map<string | null, number>();
    for (const row of rows) perChain.set(row.chain_id, (perChain.get(row.chain_id) ?? 0) + 1);
    const sizes = [...perChain.values()];
    expect(sizes).toHaveLength(2); // the killed run's chain and the rerun's (the third sent nothing)
    expect(sizes).toContain(report.sent);
    expect(rows.length - report.sent!).toBeLessThanOrEqual(acceptedAtKill);
    // A row marked sent whose audit write had not happened at the kill is the only gap.
    expect(new Set(rows.map((r) => r.subject)).size).toBeGreaterThanOrEqual(USERS - WORKERS);
    const verify = await runRepoCli("src/cli/audit.ts", ["verify"], { DATA_DIR: dir });
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    expect(verify.stdout).toContain("audit trail verified");
  }, 150_000);
});
