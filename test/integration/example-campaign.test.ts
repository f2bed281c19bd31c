/**
 * The shipped example campaign (campaigns/example.json) against the demo directory as shipped,
 * through `npm run campaign` (the real CLI process, local mode), sending to the Bot Connector
 * stand-in: it plans and sends, and a run that sends nothing says why.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSqlStores, migrateToLatest, openDatabase } from "../../src/adapters/sql/index.js";
import { parseCampaignText } from "../../src/features/reminders/campaign.js";
import { runCli } from "../support/cli-process.js";
import { RateLimitedConnector } from "../support/rate-limited-connector.js";

const repo = resolve(import.meta.dirname, "../..");
const example = join(repo, "campaigns/example.json");
/** The demo directory's people in the example's group who have talked to the bot (the others are not reachable). */
const REACHABLE = ["alexw@example.com", "meganb@example.com"];

let dir: string;
let connector: RateLimitedConnector;

async function runCampaignCli(file: string): Promise<{ code: number | null; report: Record<string, unknown>; stderr: string }> {
  const { code, stdout, stderr } = await runCli("src/campaign/run-campaign.ts", [file, "--now"], {
    DATA_DIR: dir,
    LOG_LEVEL: "warn",
    REMINDER_SENDER_LEASE_SECONDS: "2",
  });
  return { code, stderr, report: stdout.trim() ? (JSON.parse(stdout.trim().split("\n").at(-1)!) as Record<string, unknown>) : {} };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "example-campaign-"));
  connector = await RateLimitedConnector.start();
  const database = await openDatabase(undefined, dir);
  await migrateToLatest(database.db);
  const stores = createSqlStores(database);
  for (const [i, upn] of REACHABLE.entries()) {
    await stores.conversationRefs.upsert({
      userKey: `aad-${i}`,
      upn,
      locale: "sv",
      reference: {
        channelId: "msteams",
        serviceUrl: connector.url,
        conversation: { id: `a:example-${i}` },
        bot: { id: "28:bot" },
        user: { id: `29:${i}` },
      },
      updatedAt: new Date(),
    });
  }
  await database.close();
});

afterAll(async () => {
  await connector?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("the example campaign against the demo directory", () => {
  it("is valid and its deadline is far ahead", () => {
    const campaign = parseCampaignText(readFileSync(example, "utf8"));
    expect(campaign.deadline.getTime()).toBeGreaterThan(Date.now() + 10 * 365 * 86_400_000);
  });

  it("plans and sends to the group's members the bot can reach; the others are not reachable", async () => {
    const { code, report, stderr } = await runCampaignCli(example);
    expect(code, stderr).toBe(0);
    // alexw, meganb, adelev, isaiah, lynner are in the group; pattif is not.
    expect(report).toMatchObject({ planned: 2, sent: 2, failed: 0, skippedEnrolled: 0, notReachable: 3 });
    expect(report).not.toHaveProperty("nothingSent");
    expect(connector.count("a:example-0")).toBe(1);
    expect(connector.count("a:example-1")).toBe(1);
  }, 120_000);

  it("a second run the same day sends nothing and says why: nobody is due", async () => {
    const { code, report } = await runCampaignCli(example);
    expect(code).toBe(0);
    expect(report).toMatchObject({ planned: 0, sent: 0 });
    expect(report.nothingSent).toEqual({
      reason: "nobodyDue",
      explanation:
        "Nobody is due a reminder now: 5 in the audience, 0 already enrolled, 0 snoozed or said they cannot, 3 not reachable in Teams, 2 already reminded this round or today, 0 excluded.",
    });
    expect(connector.stats.accepted).toBe(2);
  }, 120_000);

  it("after the deadline it sends nothing and says so", async () => {
    const past = join(dir, "past.json");
    writeFileSync(past, JSON.stringify({ ...JSON.parse(readFileSync(example, "utf8")), id: "past", deadline: "2026-01-31" }));
    const { code, report } = await runCampaignCli(past);
    expect(code).toBe(0);
    expect(report).toMatchObject({ planned: 0, sent: 0, nothingSent: { reason: "afterDeadline" } });
    expect(String((report.nothingSent as { explanation: string }).explanation)).toContain("The deadline 2026-01-31 has passed");
  }, 120_000);
});
