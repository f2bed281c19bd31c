/**
 * Reminder campaigns end to end in one process: SQLite queue, real botbuilder CloudAdapter
 * (local mode) sending through the rate-limiting Bot Connector stand-in, a controllable clock.
 */
import { ConfigurationBotFrameworkAuthentication } from "botbuilder";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSqlStores, migrateToLatest, openDatabase, type Database, type SqlStores } from "../../src/adapters/sql/index.js";
import { SqlReminderStore } from "../../src/adapters/sql/reminder-store.js";
import { handleReminderAction } from "../../src/features/reminders/reminder-route.js";
import type { Escalation } from "../../src/ports/reminders.js";
import { BotReminderSender, reminderAdapter } from "../../src/bot/edge/reminder-sender.js";
import { parseCampaign, type CampaignInput } from "../../src/features/reminders/campaign.js";
import type { Campaign } from "../../src/ports/reminders.js";
import { runCampaign, type CampaignRunnerDeps } from "../../src/features/reminders/campaign-runner.js";
import { type AudienceMember } from "../../src/ports/reminders.js";
import { realWait } from "../../src/adapters/real-time.js";
import { RateLimiter } from "../../src/features/reminders/rate-limiter.js";
import { RateLimitedConnector } from "../support/rate-limited-connector.js";

const TENANT = "00000000-0000-0000-0000-0000000000001";
const USERS = 300;
const ENROLLED = 10; // u0..u9 have an active token
const UNREACHABLE = 10; // u290..u299 never talked to the bot
const user = (i: number) => ({ upn: `u${i}@region.se`, loginName: `u${i}`, conversationId: `a:conv-${i}`, userKey: `aad-${i}` });

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

let dir: string;
let database: Database;
let stores: SqlStores;
let store: SqlReminderStore;
let connector: RateLimitedConnector;
const clock = new ShiftedClock();
const members: AudienceMember[] = Array.from({ length: USERS }, (_, i) => ({ upn: user(i).upn, loginName: user(i).loginName }));

function campaign(overrides: Partial<CampaignInput> = {}): Campaign {
  return parseCampaign({
    id: "vt26",
    audience: { upns: members.map((m) => m.upn) },
    start: "2026-01-12",
    deadline: "2026-03-31",
    window: { holidays: ["2026-01-06", "2026-02-17"] },
    ...overrides,
  });
}

function deps(sender = new BotReminderSender(reminderAdapter(new ConfigurationBotFrameworkAuthentication({})), "")): CampaignRunnerDeps {
  return {
    store,
    sender,
    tokens: stores.tokens,
    conversations: stores.conversationRefs,
    clock,
    wait: realWait,
    limiter: new RateLimiter(),
    audit: stores.audit,
    audience: async (c) => {
      const upns = "upns" in c.audience ? new Set(c.audience.upns) : undefined;
      return { members: upns ? members.filter((m) => upns.has(m.upn)) : members, unknown: [] };
    },
  };
}

const fast = { baseBackoffMs: 50, maxBackoffMs: 400, workers: 8 };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "reminders-it-"));
  database = await openDatabase(undefined, dir);
  await migrateToLatest(database.db);
  stores = createSqlStores(database);
  store = new SqlReminderStore(database.db);
  connector = await RateLimitedConnector.start({ inject429: 0.03, inject5xx: 0.03, retryAfterSeconds: 1, seed: 7 });
  for (let i = 0; i < USERS - UNREACHABLE; i++) {
    const u = user(i);
    await stores.conversationRefs.upsert({
      userKey: u.userKey,
      upn: u.upn,
      locale: i % 5 === 0 ? "en" : "sv",
      reference: {
        channelId: "msteams",
        serviceUrl: connector.url,
        conversation: { id: u.conversationId, conversationType: "personal", tenantId: TENANT },
        bot: { id: "28:otp-bot", name: "OTP" },
        user: { id: `29:${u.loginName}`, aadObjectId: u.userKey },
      },
      updatedAt: new Date(),
    });
  }
  for (let i = 0; i < ENROLLED; i++) {
    await database.db
      .insertInto("tokens")
      .values({
        id: `t${i}`,
        login_name: `u${i}`,
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
});

afterAll(async () => {
  await connector?.stop();
  await database?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("reminder campaign against the rate-limited connector", () => {
  it("sends nothing outside the window, on holidays, before start or after the deadline", async () => {
    for (const at of [
      "2026-01-20T17:30:00+01:00", // Tuesday after 17:00
      "2026-01-20T07:59:00+01:00", // Tuesday before 08:00
      "2026-01-24T10:00:00+01:00", // Saturday
      "2026-02-17T10:00:00+01:00", // configured holiday (a Tuesday)
      "2026-01-09T10:00:00+01:00", // before start
      "2026-04-01T10:00:00+02:00", // after the deadline
    ]) {
      clock.set(at);
      const result = await runCampaign(campaign(), deps(), fast);
      expect(result.status, at).not.toBe("ok");
      expect(result.report.planned).toBe(0);
    }
    expect(connector.stats.requests).toBe(0);
  });

  it("delivers a few hundred reminders exactly once, at the limit, skipping enrolled and unreachable users", async () => {
    clock.set("2026-01-20T10:00:00+01:00");
    const started = Date.now();
    const result = await runCampaign(campaign(), deps(), fast);
    const seconds = (Date.now() - started) / 1000;
    const due = USERS - ENROLLED - UNREACHABLE;
    expect(result.report).toMatchObject({
      planned: due,
      sent: due,
      failed: 0,
      skippedEnrolled: ENROLLED,
      notReachable: UNREACHABLE,
      snoozed: 0,
    });
    for (let i = 0; i < USERS; i++) {
      expect(connector.count(user(i).conversationId), `u${i}`).toBe(i >= ENROLLED && i < USERS - UNREACHABLE ? 1 : 0);
    }
    // The stand-in enforced the limits: nothing accepted above them, and (almost) no limit 429s.
    expect(connector.maxInWindow(1_000)).toBeLessThanOrEqual(50);
    expect(connector.stats.limited429).toBeLessThanOrEqual(3);
    expect(connector.stats.injected429 + connector.stats.injected5xx).toBeGreaterThan(0); // retries happened
    // How long it took is printed below, not asserted: speed is bench:reminders' job, not a test's on a shared machine.
    // English users got the English card.
    const card = connector.delivered.get(user(10).conversationId)![0]!.activity.attachments![0]!.content;
    expect(JSON.stringify(card)).toContain("Start now");
    expect(await store.summary("vt26")).toEqual({ pending: 0, sending: 0, sent: due, failed: 0, skipped: 0 });
    console.info(`[reminders] ${due} reminders in ${seconds.toFixed(2)} s, stand-in stats ${JSON.stringify(connector.stats)}`);
  });

  it("is idempotent: a second run the same day, or another campaign that day, sends nothing", async () => {
    const before = connector.stats.accepted;
    const again = await runCampaign(campaign(), deps(), fast);
    expect(again.report.planned).toBe(0);
    const other = await runCampaign(campaign({ id: "other" }), deps(), fast);
    expect(other.report.planned).toBe(0);
    expect(connector.stats.accepted).toBe(before);
  });

  it("retries 429/5xx honouring Retry-After, gives up after bounded tries and records why", async () => {
    clock.set("2026-01-21T10:00:00+01:00"); // the next day, same round: nobody due
    expect((await runCampaign(campaign(), deps(), fast)).report.planned).toBe(0);
    clock.set("2026-01-23T10:00:00+01:00"); // 3 working days later: round 1
    const picked = [20, 21, 22].map((i) => user(i));
    connector.failNext(picked[0]!.conversationId, 429, 503, 502);
    connector.failNext(picked[1]!.conversationId, ...Array(10).fill(504));
    connector.failNext(picked[2]!.conversationId, 403);
    const c = campaign({ id: "retry", audience: { upns: picked.map((p) => p.upn) } });
    const result = await runCampaign(c, deps(), { ...fast, maxAttempts: 4 });
    expect(result.report).toMatchObject({ planned: 3, sent: 1, failed: 2 });
    expect(connector.count(picked[0]!.conversationId)).toBe(2); // round 0 of vt26 + this one
    const rows = await database.db
      .selectFrom("reminder_deliveries")
      .select(["upn", "status", "attempts", "last_error"])
      .where("campaign_id", "=", "retry")
      .orderBy("upn")
      .execute();
    expect(rows.map((r) => [r.upn, r.status, r.attempts])).toEqual([
      [picked[0]!.upn, "sent", 4],
      [picked[1]!.upn, "failed", 4],
      [picked[2]!.upn, "failed", 1],
    ]);
    expect(rows[1]!.last_error).toMatch(/gave up after 4 tries; last 504/);
    expect(rows[2]!.last_error).toMatch(/^403/);
    // The audit trail shows each person's outcome (no error text: that is the queue's business).
    const audited = await Promise.all(picked.map((p) => stores.audit.listForSubject(p.upn)));
    expect(
      audited.map((events) => events.filter((e) => e.detail?.campaign === "retry").map((e) => [e.action, e.outcome, e.detail])),
    ).toEqual([
      [["reminder.sent", "ok", { campaign: "retry", round: expect.any(String), attempts: 4 }]],
      [["reminder.failed", "error", { campaign: "retry", round: expect.any(String), attempts: 4, status: 504 }]],
      [["reminder.failed", "error", { campaign: "retry", round: expect.any(String), attempts: 1, status: 403 }]],
    ]);
  });

  it("snooze: up to the limit, then the button is gone; snoozed users wait; 'I can't' escalates and stops reminders", async () => {
    const escalation = new RecordingEscalation();
    const c = campaign({ id: "snooze", maxSnoozes: 2, audience: { upns: [user(30).upn, user(31).upn] } });
    await store.saveCampaign(c, new Date());
    const press = (verb: string, round: string, upn = user(30).upn, reason?: string) =>
      handleReminderAction(
        verb,
        { campaignId: c.id, round, ...(reason ? { reason } : {}) },
        { userKey: `aad-${upn}`, upn, locale: "sv" },
        { store, escalation, clock },
      );
    clock.set("2026-01-26T10:00:00+01:00"); // Monday
    const first = await press("reminder.snooze", "1.0");
    expect(JSON.stringify(first)).toContain("Okej, jag påminner dig senare");
    expect(JSON.stringify(first)).toContain("tisdag 27 januari kl. 08:00");
    expect(JSON.stringify(await press("reminder.snooze", "1.0"))).toContain("tisdag 27 januari"); // same card twice counts once
    expect((await store.getSnooze(c.id, user(30).upn))?.count).toBe(1);
    await press("reminder.snooze", "1.1");
    const refused = await press("reminder.snooze", "1.2");
    expect(JSON.stringify(refused)).toContain("så många gånger som går");
    expect(JSON.stringify(refused)).not.toContain("reminder.snooze");
    expect((await store.getSnooze(c.id, user(30).upn))?.count).toBe(2);

    // Snoozed until Tuesday 08:00: not reminded on Monday.
    let run = await runCampaign(c, deps(), fast);
    expect(run.report).toMatchObject({ snoozed: 1 });
    // Tuesday: due again; the card has no snooze button (limit reached).
    clock.set("2026-01-27T09:00:00+01:00");
    const before = connector.count(user(30).conversationId);
    run = await runCampaign(c, deps(), fast);
    expect(connector.count(user(30).conversationId)).toBe(before + 1);
    const card = JSON.stringify(connector.delivered.get(user(30).conversationId)!.at(-1)!.activity);
    expect(card).not.toContain("reminder.snooze");
    expect(card).toContain("reminder.cannot");

    const cannot = await press("reminder.cannot", "2.2", user(31).upn, "Jag har ingen smarttelefon");
    expect(JSON.stringify(cannot)).toContain("IT-supporten");
    expect(escalation.escalated).toEqual([{ upn: user(31).upn, reason: "reminder campaign snooze: Jag har ingen smarttelefon" }]);
    clock.set("2026-02-05T09:00:00+01:00");
    run = await runCampaign(c, deps(), fast);
    expect(connector.count(user(31).conversationId)).toBeLessThanOrEqual(before + 2);
    expect(run.report.snoozed).toBe(1);
  });

  it("skips a user who enrolls between planning and sending", async () => {
    clock.set("2026-02-09T10:00:00+01:00");
    const calls = new Map<string, number>();
    const d = deps();
    d.tokens = {
      findActive: async (login: string) => {
        calls.set(login, (calls.get(login) ?? 0) + 1);
        // u41 enrolls right after planning looked (the second look is the one before sending).
        return login === "u41" && calls.get(login)! > 1 ? await stores.tokens.findActive("u0") : stores.tokens.findActive(login);
      },
    };
    const before = connector.count(user(41).conversationId);
    const result = await runCampaign(campaign({ id: "late", audience: { upns: [user(40).upn, user(41).upn] } }), d, fast);
    expect(result.report).toMatchObject({ planned: 2, sent: 1, skippedEnrolled: 1 });
    expect(connector.count(user(41).conversationId)).toBe(before);
  });
});

/** Records what the "I can't" button handed to the helpdesk. */
class RecordingEscalation implements Escalation {
  readonly escalated: { upn: string; reason: string }[] = [];
  async escalate(who: { upn: string }, reason: string): Promise<void> {
    this.escalated.push({ upn: who.upn, reason });
  }
}
