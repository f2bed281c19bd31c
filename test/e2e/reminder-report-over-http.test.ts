/**
 * The reminder delivery report and /metrics against the bot as a process (local mode, demo
 * directory: Megan Bowen is in the "helpdesk" group). The campaign's queue is written into
 * the bot's SQLite file directly, as the campaign CLI would.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../src/adapters/sql/index.js";
import { SqlReminderStore } from "../../src/adapters/sql/reminder-store.js";
import { parseCampaign } from "../../src/features/reminders/campaign.js";
import { makeDataDir, removeDataDir, startBot, type BotProcess } from "../support/bot-process.js";
import { cardText, cardTitle } from "../support/cards.js";
import { ConnectorStandIn } from "../support/connector-stand-in.js";
import { people, TeamsUser } from "../support/teams-user.js";

let connector: ConnectorStandIn;
let bot: BotProcess;
let dataDir: string;
let database: Database;

beforeAll(async () => {
  connector = await ConnectorStandIn.start();
  dataDir = makeDataDir();
  bot = await startBot({ dataDir }); // migrates the database
  database = await openDatabase(undefined, dataDir);
  const store = new SqlReminderStore(database.db);
  const campaign = parseCampaign({ id: "vt26", audience: { upns: ["alexw@example.com"] }, start: "2026-01-12", deadline: "2026-03-31" });
  const now = new Date();
  await store.saveCampaign(campaign, now);
  const row = (upn: string) => ({
    id: `vt26|${upn}|0.0`,
    campaignId: "vt26",
    upn,
    loginName: upn.split("@")[0]!,
    userKey: `aad-${upn}`,
    round: "0.0",
    day: "2026-01-13",
    createdAt: now,
  });
  await store.enqueue([row("alexw@example.com"), row("lynner@example.com"), row("isaiah@example.com")]);
  for (const upn of ["alexw@example.com", "lynner@example.com"]) await store.claim(`vt26|${upn}|0.0`, "cli", now, new Date(0));
  await store.markSent("vt26|alexw@example.com|0.0", "cli", now, "activity-1");
  await store.markFailed("vt26|lynner@example.com|0.0", "cli", now, "403: bot blocked");
  await store.recordCannot("vt26", "adelev@example.com", "no smartphone", now);
  await store.recordRun("vt26", { at: now, audience: 6, skippedEnrolled: 1, notReachable: 2 });
}, 180_000);

afterAll(async () => {
  await database?.close();
  await bot?.stop();
  await connector?.stop();
  if (dataDir) removeDataDir(dataDir);
});

describe("reminder delivery report in the chat", () => {
  it("answers a helpdesk member with the campaign's card", async () => {
    const megan = new TeamsUser(people.meganb, connector, bot.url);
    const { status, cards } = await megan.say("påminnelser");
    expect(status).toBe(200);
    expect(cards).toHaveLength(1);
    expect(cardTitle(cards[0]!)).toBe("Påminnelser: vt26");
    const facts = JSON.stringify(cards[0]);
    for (const [title, value] of [
      ["Sista dag", "31 mars 2026"],
      ["Planerade påminnelser", "3"],
      ["Skickade", "1"],
      ["Misslyckade", "1"],
      ["Väntar på att skickas", "1"],
      ["Redan registrerade", "1"],
      ["Går inte att nå i Teams", "2"],
      ["Kan inte (skickade till IT-supporten)", "1"],
    ]) {
      expect(facts).toContain(JSON.stringify({ title, value }));
    }
  });

  it("refuses anyone else politely, in their language", async () => {
    const alex = new TeamsUser(people.alexw, connector, bot.url, "en-US");
    const { cards } = await alex.say("reminders");
    expect(cards).toHaveLength(1);
    expect(cardText(cards[0]!)).toContain("for the IT helpdesk only");
    expect(JSON.stringify(cards[0])).not.toContain("vt26");
  });
});

describe("GET /metrics", () => {
  it("serves the Prometheus text format: reminders per campaign and status, tokens, memory", async () => {
    const res = await fetch(`${bot.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    const text = await res.text();
    expect(text).toContain("# TYPE otp_reminder_deliveries gauge\n");
    expect(text).toContain('otp_reminder_deliveries{campaign="vt26",status="sent"} 1\n');
    expect(text).toContain('otp_reminder_deliveries{campaign="vt26",status="failed"} 1\n');
    expect(text).toContain('otp_reminder_deliveries{campaign="vt26",status="pending"} 1\n');
    expect(text).toContain('otp_reminder_people{campaign="vt26",state="cannot"} 1\n');
    expect(text).toContain("otp_tokens_active 0\n");
    expect(text).toMatch(/^process_resident_memory_bytes [1-9]\d*$/m);
  });
});
