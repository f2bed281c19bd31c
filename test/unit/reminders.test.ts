import { describe, expect, it } from "vitest";
import { classifySendError, parseRetryAfter } from "../../src/bot/edge/teams-connector.js";
import { CampaignError, parseCampaign } from "../../src/features/reminders/campaign.js";
import { isInWindow, windowStartAfterWorkingDays, workingDaysSince } from "../../src/features/reminders/calendar.js";
import { planRound, type Candidate } from "../../src/features/reminders/planner.js";
import { RateLimiter } from "../../src/features/reminders/rate-limiter.js";

const base = {
  id: "vt26",
  audience: { upns: ["a@x.se"] },
  start: "2026-01-12",
  deadline: "2026-03-31",
  window: { holidays: ["2026-01-14"] },
};

describe("campaign definition", () => {
  it("applies the defaults and reads dates in Stockholm time", () => {
    const c = parseCampaign(base);
    expect(c.cadenceDays).toBe(3);
    expect(c.maxSnoozes).toBe(3);
    expect(c.window).toMatchObject({ from: "08:00", to: "17:00", timeZone: "Europe/Stockholm", days: [1, 2, 3, 4, 5] });
    expect(c.start.toISOString()).toBe("2026-01-11T23:00:00.000Z");
    expect(c.deadline.toISOString()).toBe("2026-03-31T21:59:59.999Z"); // end of day, summer time
  });

  it("names every problem", () => {
    expect(() => parseCampaign({ ...base, audience: {} })).toThrow(CampaignError);
    expect(() => parseCampaign({ ...base, deadline: "2026-01-01" })).toThrow(/deadline: must be after start/);
    expect(() => parseCampaign({ ...base, window: { from: "18:00", to: "08:00" } })).toThrow(/window/);
    expect(() => parseCampaign({ ...base, start: "2026-01-12T08:00:00" })).toThrow(/offset/);
    expect(() => parseCampaign({ ...base, extra: 1 })).toThrow(CampaignError);
  });
});

describe("window and working days", () => {
  const w = parseCampaign(base).window;
  it("is open 08:00–17:00 local time on working days only", () => {
    expect(isInWindow(new Date("2026-01-13T07:00:00Z"), w)).toBe(true); // Tue 08:00 CET
    expect(isInWindow(new Date("2026-01-13T06:59:00Z"), w)).toBe(false);
    expect(isInWindow(new Date("2026-01-13T16:00:00Z"), w)).toBe(false); // 17:00
    expect(isInWindow(new Date("2026-01-14T10:00:00Z"), w)).toBe(false); // holiday
    expect(isInWindow(new Date("2026-01-17T10:00:00Z"), w)).toBe(false); // Saturday
    expect(isInWindow(new Date("2026-06-16T06:30:00Z"), w)).toBe(true); // 08:30 CEST
  });
  it("counts working days and finds the next window start", () => {
    expect(workingDaysSince(new Date("2026-01-12T07:00:00Z"), new Date("2026-01-19T09:00:00Z"), w)).toBe(4); // Mon..Fri minus holiday
    expect(windowStartAfterWorkingDays(new Date("2026-01-16T12:00:00Z"), 1, w).toISOString()).toBe("2026-01-19T07:00:00.000Z"); // Fri → Mon 08:00
    expect(windowStartAfterWorkingDays(new Date("2026-01-13T12:00:00Z"), 1, w).toISOString()).toBe("2026-01-15T07:00:00.000Z"); // skips the holiday
  });
});

describe("planner", () => {
  const c = parseCampaign({ ...base, exclude: ["x@x.se"] });
  const cand = (upn: string, extra: Partial<Candidate> = {}): Candidate => ({
    upn,
    loginName: upn.split("@")[0]!,
    enrolled: false,
    userKey: `k-${upn}`,
    ...extra,
  });
  const input = (now: string, candidates: Candidate[], more = {}) => ({
    campaign: c,
    now: new Date(now),
    candidates,
    snoozes: new Map(),
    roundsTaken: new Set<string>(),
    plannedToday: new Set<string>(),
    ...more,
  });

  it("skips enrolled, excluded, unreachable, snoozed, and those reminded today or this round", () => {
    const plan = planRound(
      input(
        "2026-01-13T09:00:00Z",
        [
          cand("a@x.se"),
          cand("b@x.se", { enrolled: true }),
          cand("x@x.se"),
          cand("c@x.se", { userKey: undefined }),
          cand("d@x.se"),
          cand("e@x.se"),
          cand("f@x.se"),
          cand("A@x.se"),
        ],
        {
          snoozes: new Map([["d@x.se", { campaignId: "vt26", upn: "d@x.se", count: 1, until: new Date("2026-01-14T07:00:00Z") }]]),
          plannedToday: new Set(["e@x.se"]),
          roundsTaken: new Set(["f@x.se|0.0"]),
        },
      ),
    );
    expect(plan.due.map((d) => [d.id, d.day])).toEqual([["vt26|a@x.se|0.0", "2026-01-13"]]);
    expect(plan).toMatchObject({ status: "ok", skippedEnrolled: 1, excluded: 1, notReachable: 1, snoozed: 1, alreadyReminded: 2 });
  });

  it("moves to the next round every cadenceDays working days; a snooze makes a new round", () => {
    expect(planRound(input("2026-01-16T09:00:00Z", [cand("a@x.se")])).due[0]!.round).toBe("1.0"); // 3 working days (holiday skipped)
    const snoozed = planRound(
      input("2026-01-16T09:00:00Z", [cand("a@x.se")], {
        snoozes: new Map([["a@x.se", { campaignId: "vt26", upn: "a@x.se", count: 2, until: new Date("2026-01-16T07:00:00Z") }]]),
      }),
    );
    expect(snoozed.due[0]!.round).toBe("1.2");
  });

  it("plans nothing outside the window, before start, after the deadline (unless the window is ignored)", () => {
    expect(planRound(input("2026-01-13T17:00:00Z", [cand("a@x.se")])).status).toBe("outsideWindow");
    expect(planRound({ ...input("2026-01-13T17:00:00Z", [cand("a@x.se")]), ignoreWindow: true }).due).toHaveLength(1);
    expect(planRound(input("2026-01-02T09:00:00Z", [cand("a@x.se")])).status).toBe("beforeStart");
    expect(planRound({ ...input("2026-04-02T09:00:00Z", [cand("a@x.se")]), ignoreWindow: true }).status).toBe("afterDeadline");
  });
});

describe("rate limiter", () => {
  it("never lets more than 50 a second through overall", () => {
    const limiter = new RateLimiter({ marginMs: 0 });
    const slots = Array.from({ length: 200 }, (_, i) => limiter.reserve(`c${i}`, 0).at);
    for (let i = 50; i < slots.length; i++) expect(slots[i]! - slots[i - 50]!).toBeGreaterThanOrEqual(1_000);
    expect(slots[199]).toBe(3_000);
  });

  it("holds each conversation to 7/1 s, 8/2 s, 60/30 s", () => {
    const limiter = new RateLimiter({ marginMs: 0 });
    const slots: number[] = [];
    let now = 0;
    for (let i = 0; i < 70; i++) {
      now = Math.max(now, limiter.keyReadyAt("c", now));
      slots.push(limiter.reserve("c", now).at);
    }
    const inWindow = (ms: number) => Math.max(...slots.map((t) => slots.filter((u) => u >= t && u < t + ms).length));
    expect(inWindow(1_000)).toBeLessThanOrEqual(7);
    expect(inWindow(2_000)).toBeLessThanOrEqual(8);
    expect(inWindow(30_000)).toBeLessThanOrEqual(60);
    expect(slots[59]! - slots[0]!).toBeGreaterThan(2_000);
  });

  it("counts each request from its own answer time once settled, and honours holds", () => {
    const limiter = new RateLimiter({ global: [{ limit: 2, ms: 1_000 }], marginMs: 0 });
    const a = limiter.reserve("a", 0);
    const b = limiter.reserve("b", 0);
    limiter.settle("a", a, 300); // a slow answer delays only a's own entry…
    limiter.settle("b", b, 10);
    expect(limiter.reserve("c", 0).at).toBe(1_010); // …so one more fits once b (10) is a second old
    expect(limiter.reserve("d", 0).at).toBe(1_300); // and the next once a (300) is
    const e = limiter.reserve("e", 0);
    expect(e.at).toBe(2_010);
    limiter.settle("e", e, 2_500); // settling never moves an entry earlier or out of order
    limiter.settle("e", e, 2_100);
    expect(limiter.reserve("f", 0).at).toBe(2_500); // d (1300) and e (2500, not 2100) are the last two
    limiter.holdKey("d", 5_000);
    expect(limiter.keyReadyAt("d", 2_000)).toBe(5_000);
  });
});

describe("rate limiter and where a request reached the server", () => {
  it("counts a request at its answer", () => {
    const limiter = new RateLimiter({ global: [{ limit: 1, ms: 1_000 }], marginMs: 0 });
    limiter.settle("a", limiter.reserve("a", 0), 140); // answered at 140
    expect(limiter.reserve("b", 0).at).toBe(1_140);
  });
});

describe("rate limiter counting from the send", () => {
  it("counts a request from when it left, for good: its answer changes nothing, it never waits on requests in flight", () => {
    const limiter = new RateLimiter({ global: [{ limit: 2, ms: 1_000 }], countFrom: "send", marginMs: 10 });
    const a = limiter.reserve("a", 0);
    limiter.sent("a", a, 4); // its timer fired 4 ms late: counted from 4
    const b = limiter.reserve("b", 0);
    limiter.sent("b", b, 6);
    expect(limiter.waitsOnInFlight("c", 900)).toBe(false); // neither answered yet
    limiter.settle("a", a, 300);
    limiter.settle("b", b, 40);
    expect(limiter.reserve("c", 0).at).toBe(1_014); // a's send + 1 s + the margin, not its answer
  });

  it("a slot given up before sending counts until then", () => {
    const limiter = new RateLimiter({ global: [{ limit: 1, ms: 1_000 }], countFrom: "send", marginMs: 10 });
    limiter.settle("a", limiter.reserve("a", 0), 50); // e.g. the sender lease was lost while waiting for it
    expect(limiter.waitsOnInFlight("b", 2_000)).toBe(false);
    expect(limiter.reserve("b", 0).at).toBe(1_060);
  });

  it("widens the margin on a 429 (once per late moment), and narrows it again after 10 s without one", () => {
    const limiter = new RateLimiter({ global: [{ limit: 1, ms: 1_000 }], countFrom: "send", marginMs: 10 });
    const a = limiter.reserve("a", 0);
    limiter.sent("a", a, 0);
    limiter.throttled(0, 60); // a request sent with the 10 ms margin was refused (answered at 60)
    limiter.throttled(2, 70); // another one sent before the widening: the same late moment, no second widening
    expect(limiter.currentMarginMs).toBe(20);
    expect(limiter.reserve("b", 0).at).toBe(1_020);
    expect(limiter.globalWindowMs).toBe(1_020); // a new lease holder waits that long too
    limiter.throttled(65, 100); // sent after the widening: still too narrow
    expect(limiter.currentMarginMs).toBe(40);
    limiter.reserve("c", 10_099); // 10 s calm since the last widening (at 100): not yet
    expect(limiter.currentMarginMs).toBe(40);
    limiter.reserve("d", 10_100);
    expect(limiter.currentMarginMs).toBe(20);
    limiter.reserve("e", 20_100);
    expect(limiter.currentMarginMs).toBe(10); // never below the setting
    limiter.reserve("f", 40_000);
    expect(limiter.currentMarginMs).toBe(10);
  });

  it("learns nothing from a 429 when counting from the answer", () => {
    const limiter = new RateLimiter({ marginMs: 3 });
    limiter.throttled(0, 50);
    expect(limiter.currentMarginMs).toBe(3);
  });

  it("has a margin of its own by default: 15 ms (3 counting from the answer)", () => {
    const fromSend = new RateLimiter({ global: [{ limit: 1, ms: 1_000 }], countFrom: "send" });
    fromSend.sent("a", fromSend.reserve("a", 0), 0);
    expect(fromSend.reserve("b", 0).at).toBe(1_015);
    const fromAnswer = new RateLimiter({ global: [{ limit: 1, ms: 1_000 }] });
    const a = fromAnswer.reserve("a", 0);
    fromAnswer.sent("a", a, 0);
    expect(fromAnswer.waitsOnInFlight("b", 2_000)).toBe(true); // counting from the answer: still unknown
    fromAnswer.settle("a", a, 0);
    expect(fromAnswer.reserve("b", 0).at).toBe(1_003);
  });
});

describe("rate limiter memory", () => {
  it("forgets a conversation once it can no longer fill a window, never one with a request in flight", () => {
    const limiter = new RateLimiter({ marginMs: 0 });
    const once = limiter.reserve("once", 0);
    limiter.settle("once", once, 50);
    const busy = limiter.reserve("busy", 0); // never answered
    limiter.prune(2_049);
    expect(limiter.trackedKeys).toBe(2);
    limiter.prune(2_051); // one request: only 7/1 s and 8/2 s could still matter, and not 2 s after it
    expect(limiter.trackedKeys).toBe(1);
    limiter.settle("busy", busy, 3_000);
    limiter.prune(5_001);
    expect(limiter.trackedKeys).toBe(0);
  });
});

describe("rate limiter and requests in flight", () => {
  it("does not count a request out of the window before its answer", () => {
    const limiter = new RateLimiter({ global: [{ limit: 2, ms: 1_000 }], marginMs: 0 });
    const a = limiter.reserve("a", 0);
    const b = limiter.reserve("b", 0);
    limiter.settle("b", b, 5);
    expect(limiter.waitsOnInFlight("c", 0)).toBe(true); // a may still reach the server at any time
    limiter.settle("a", a, 300);
    expect(limiter.waitsOnInFlight("c", 0)).toBe(false);
    expect(limiter.reserve("c", 0).at).toBe(1_005);
  });
});

describe("send errors", () => {
  const err = (statusCode: number, retryAfter?: string) =>
    Object.assign(new Error(`status ${statusCode}`), {
      statusCode,
      response: { headers: { get: (n: string) => (n === "retry-after" ? retryAfter : undefined) } },
    });
  it("retries 412/429/502/503/504 and network errors, not the rest", () => {
    expect(classifySendError(err(429, "2"))).toMatchObject({ kind: "retryable", status: 429, retryAfterMs: 2_000 });
    for (const s of [412, 502, 503, 504]) expect(classifySendError(err(s)).kind).toBe("retryable");
    for (const s of [400, 401, 403, 404, 500]) expect(classifySendError(err(s)).kind).toBe("permanent");
    expect(classifySendError(Object.assign(new Error("x"), { code: "ECONNRESET" }))).toMatchObject({
      kind: "retryable",
      reason: "network: ECONNRESET",
    });
  });
  it("reads Retry-After as seconds or a date", () => {
    expect(parseRetryAfter("1.5")).toBe(1_500);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(parseRetryAfter("soon")).toBeUndefined();
  });
});
