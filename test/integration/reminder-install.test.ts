/**
 * Reminder campaigns for people the bot never talked to: with an AppInstaller (the
 * GraphAppInstaller against a local Graph stand-in, fake credential) the bot is installed for
 * them and they count as installRequested; Teams' conversationUpdate then stores their chat
 * (played here by the stand-in's onInstall, through botbuilder's own reference builder) and a
 * later run reminds them. Without it they stay notReachable. SQLite, real CloudAdapter
 * (local mode) against the rate-limited Bot Connector stand-in; nothing leaves 127.0.0.1.
 */
import type { AccessToken, TokenCredential } from "@azure/identity";
import { ConfigurationBotFrameworkAuthentication, TurnContext, type Activity } from "botbuilder";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GraphAppInstaller } from "../../src/adapters/graph-app-installer.js";
import { SqlReminderStore } from "../../src/adapters/sql/reminder-store.js";
import { createSqlStores, migrateToLatest, openDatabase, type Database, type SqlStores } from "../../src/adapters/sql/index.js";
import { BotReminderSender, reminderAdapter } from "../../src/bot/edge/reminder-sender.js";
import { parseCampaign } from "../../src/features/reminders/campaign.js";
import type { Campaign } from "../../src/ports/reminders.js";
import { runCampaign, type CampaignRunnerDeps } from "../../src/features/reminders/campaign-runner.js";
import { type AudienceMember } from "../../src/ports/reminders.js";
import { realWait } from "../../src/adapters/real-time.js";
import { RateLimiter } from "../../src/features/reminders/rate-limiter.js";
import { GraphStandIn } from "../support/graph-stand-in.js";
import { RateLimitedConnector } from "../support/rate-limited-connector.js";

const TENANT = "00000000-0000-0000-0000-0000000000001";
const TOKEN = "graph-app-only-token.do-not-log";
const CATALOG_ID = "a5f8c1d2-7b3e-4c19-9e2a-1d4b6c8e0f3a";
const USERS = 20;
const ENROLLED = 2; // u0, u1
const FIRST_UNSEEN = 14; // u14..u19 never talked to the bot
const FORBIDDEN = 18; // Graph refuses (403) for u18
const PREINSTALLED = 19; // installed long ago, but the bot never stored the chat (409)
const user = (i: number) => ({ upn: `u${i}@region.se`, loginName: `u${i}`, aadObjectId: `aad-${i}` });
const index = (upn: string) => Number(/^u(\d+)@/.exec(upn)![1]);

/** Real time, shifted: the runner sleeps for real, the calendar sees the chosen moment. */
class ShiftedClock {
  private offset = 0;
  set(iso: string): void {
    this.offset = new Date(iso).getTime() - Date.now();
  }
  now(): Date {
    return new Date(Date.now() + this.offset);
  }
}

class FakeCredential implements TokenCredential {
  calls = 0;
  async getToken(): Promise<AccessToken> {
    this.calls++;
    return { token: TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 };
  }
}

class CapturingLogger {
  readonly lines: string[] = [];
  info(obj: object, msg?: string): void {
    this.lines.push(JSON.stringify({ ...obj, msg }));
  }
  warn(obj: object, msg?: string): void {
    this.lines.push(JSON.stringify({ ...obj, msg }));
  }
  error(obj: object, msg?: string): void {
    this.lines.push(JSON.stringify({ ...obj, msg }));
  }
}

let dir: string;
let database: Database;
let stores: SqlStores;
let store: SqlReminderStore;
let connector: RateLimitedConnector;
let graph: GraphStandIn;
const clock = new ShiftedClock();
const logger = new CapturingLogger();
const credential = new FakeCredential();
const members: AudienceMember[] = Array.from({ length: USERS }, (_, i) => ({ upn: user(i).upn, loginName: user(i).loginName }));
const conversationOf = (i: number) => (i < FIRST_UNSEEN ? `a:conv-${i}` : `a:installed-${i}`);

/** What the bot does on the conversationUpdate Teams sends for a new personal chat (enrollment-bot.ts rememberConversation). */
async function conversationUpdate(i: number): Promise<void> {
  const activity: Partial<Activity> = {
    type: "conversationUpdate",
    channelId: "msteams",
    serviceUrl: connector.url,
    conversation: { id: conversationOf(i), conversationType: "personal", tenantId: TENANT, isGroup: false, name: "" },
    recipient: { id: "28:otp-bot", name: "OTP" },
    from: { id: `29:${user(i).loginName}`, name: user(i).loginName, aadObjectId: user(i).aadObjectId },
    membersAdded: [{ id: "28:otp-bot", name: "OTP" }],
  };
  const reference = TurnContext.getConversationReference(activity) as unknown as Record<string, unknown>;
  await stores.conversationRefs.upsert({ userKey: user(i).aadObjectId, upn: user(i).upn, locale: "sv", reference, updatedAt: new Date() });
}

function campaign(id: string): Campaign {
  return parseCampaign({ id, audience: { upns: members.map((m) => m.upn) }, start: "2026-01-12", deadline: "2026-03-31" });
}

function deps(installEnabled: boolean): CampaignRunnerDeps {
  const d: CampaignRunnerDeps = {
    store,
    sender: new BotReminderSender(reminderAdapter(new ConfigurationBotFrameworkAuthentication({})), ""),
    tokens: stores.tokens,
    conversations: stores.conversationRefs,
    clock,
    wait: realWait,
    limiter: new RateLimiter(),
    logger,
    audience: async () => ({ members, unknown: [] }),
  };
  // As run-campaign.ts does when GRAPH_INSTALL_ENABLED=true.
  if (installEnabled)
    d.installer = new GraphAppInstaller(credential, { catalogAppId: CATALOG_ID, graphBaseUrl: graph.url, logger, baseBackoffMs: 20 });
  return d;
}

const fast = { baseBackoffMs: 50, maxBackoffMs: 400, workers: 4 };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "reminders-install-"));
  database = await openDatabase(undefined, dir);
  await migrateToLatest(database.db);
  stores = createSqlStores(database);
  store = new SqlReminderStore(database.db);
  connector = await RateLimitedConnector.start();
  graph = await GraphStandIn.start({ token: TOKEN, catalogAppId: CATALOG_ID, onInstall: (upn) => conversationUpdate(index(upn)) });
  for (let i = 0; i < FIRST_UNSEEN; i++) await conversationUpdate(i);
  for (let i = 0; i < ENROLLED; i++) {
    await database.db
      .insertInto("tokens")
      .values({
        id: `t${i}`,
        login_name: user(i).loginName,
        upn: user(i).upn,
        device_name: "x",
        secret_sealed: "x",
        status: "active",
        activated_at: new Date().toISOString(),
        ended_at: null,
        last_time_step: 1,
      })
      .execute();
  }
  graph.preinstall(user(PREINSTALLED).upn);
  graph.script(
    user(FORBIDDEN).upn,
    ...Array(5).fill({ status: 403, error: { code: "Forbidden", message: "User is not licensed for Microsoft Teams." } }),
  );
});

afterAll(async () => {
  await graph?.stop();
  await connector?.stop();
  await database?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("reminders for people the bot never talked to", () => {
  it("with installing disabled (the default) they are notReachable and Graph is never called", async () => {
    clock.set("2026-01-20T10:00:00+01:00");
    const { report } = await runCampaign(campaign("pilot-off"), deps(false), fast);
    const reachable = FIRST_UNSEEN - ENROLLED;
    expect(report).toMatchObject({
      planned: reachable,
      sent: reachable,
      failed: 0,
      skippedEnrolled: ENROLLED,
      notReachable: USERS - FIRST_UNSEEN,
      snoozed: 0,
    });
    // Exactly the keys: installRequested appears only when installing is enabled.
    expect(Object.keys(report)).toEqual(["planned", "sent", "failed", "skippedEnrolled", "notReachable", "snoozed", "durationMs"]);
    expect(graph.requests).toHaveLength(0);
    for (let i = FIRST_UNSEEN; i < USERS; i++) expect(connector.count(conversationOf(i))).toBe(0);
  });

  it("does not install outside the campaign window", async () => {
    clock.set("2026-01-20T18:30:00+01:00");
    const result = await runCampaign(campaign("pilot-on"), deps(true), fast);
    expect(result.status).toBe("outsideWindow");
    expect(graph.requests).toHaveLength(0);
  });

  it("with installing enabled they get the bot installed through Graph and count as installRequested, without waiting", async () => {
    clock.set("2026-01-20T11:00:00+01:00"); // same day: the others already had today's reminder
    const result = await runCampaign(campaign("pilot-on"), deps(true), fast);
    const installed = [14, 15, 16, 17];
    expect(result.report).toMatchObject({
      planned: 0,
      sent: 0,
      failed: 0,
      skippedEnrolled: ENROLLED,
      notReachable: 2,
      installRequested: installed.length,
    });
    expect(Object.keys(result.report)).toEqual([
      "planned",
      "sent",
      "failed",
      "skippedEnrolled",
      "notReachable",
      "snoozed",
      "durationMs",
      "installRequested",
    ]);
    expect(result.details).toMatchObject({ alreadyReminded: FIRST_UNSEEN - ENROLLED, installAlreadyInstalled: 1, installFailed: 1 });
    // One POST per unseen person, with the app-only token and the catalog bind.
    expect(graph.requests.map((r) => r.user).sort()).toEqual([14, 15, 16, 17, 18, 19].map((i) => user(i).upn).sort());
    for (const request of graph.requests) {
      expect(request.path).toBe(`/v1.0/users/${encodeURIComponent(request.user!)}/teamwork/installedApps`);
      expect(request.authorization).toBe(`Bearer ${TOKEN}`);
      expect(request.body).toEqual({ "teamsApp@odata.bind": `${graph.url}/v1.0/appCatalogs/teamsApps/${CATALOG_ID}` });
    }
    expect(graph.requestsFor(user(FORBIDDEN).upn).map((r) => r.status)).toEqual([403]);
    expect(graph.requestsFor(user(PREINSTALLED).upn).map((r) => r.status)).toEqual([409]);
    expect(credential.calls).toBe(1); // one token for the run
    // Why it failed is recorded; the token is not.
    const logs = logger.lines.join("\n");
    expect(logs).toContain("403: Forbidden: User is not licensed for Microsoft Teams.");
    expect(logs).toMatch(/already installed but no conversation stored/);
    expect(logs).not.toContain(TOKEN);
    // The admins' report counts pending installs as not reachable (yet).
    expect((await store.report(campaign("pilot-on"), clock.now())).notReachable).toBe(USERS - FIRST_UNSEEN);
  });

  it("once Teams has told the bot about the new chats, the next run reminds them as usual", async () => {
    await graph.idle(); // the conversationUpdates for the installs have been stored
    for (const i of [14, 15, 16, 17]) expect(await stores.conversationRefs.findByUpn(user(i).upn), `u${i}`).not.toBeNull();
    const before = graph.requests.length;
    const { report } = await runCampaign(campaign("pilot-on"), deps(true), fast);
    expect(report).toMatchObject({ planned: 4, sent: 4, failed: 0, notReachable: 2, installRequested: 0 });
    for (const i of [14, 15, 16, 17]) expect(connector.count(conversationOf(i)), `u${i}`).toBe(1);
    for (const i of [FORBIDDEN, PREINSTALLED]) expect(connector.count(conversationOf(i))).toBe(0);
    // Only the two still without a chat were tried again.
    expect(
      graph.requests
        .slice(before)
        .map((r) => r.user)
        .sort(),
    ).toEqual([user(FORBIDDEN).upn, user(PREINSTALLED).upn]);
    // Nobody got two reminders today across the campaigns.
    for (let i = 0; i < FIRST_UNSEEN; i++) expect(connector.count(conversationOf(i)), `u${i}`).toBe(i < ENROLLED ? 0 : 1);
  });
});
