import { describe, expect, it } from "vitest";
import { parseCampaign } from "../../src/features/reminders/campaign.js";
import type { RunResult } from "../../src/features/reminders/campaign-runner.js";
import { whyNothingSent } from "../../src/features/reminders/nothing-sent.js";

const campaign = parseCampaign({
  id: "vt26",
  audience: { upns: ["a@region.se"] },
  start: "2026-01-12",
  deadline: "2026-03-31",
  window: { holidays: ["2026-02-17"] },
});

function result(
  status: RunResult["status"],
  report: Partial<RunResult["report"]> = {},
  details: Partial<RunResult["details"]> = {},
): RunResult {
  return {
    status,
    report: { planned: 0, sent: 0, failed: 0, skippedEnrolled: 0, notReachable: 0, snoozed: 0, durationMs: 5, ...report },
    details: {
      newlyPlanned: 0,
      resumed: 0,
      excluded: 0,
      alreadyReminded: 0,
      retries: 0,
      throttled: 0,
      audience: 0,
      installAlreadyInstalled: 0,
      installFailed: 0,
      ...details,
    },
  };
}

describe("why a campaign run sent nothing", () => {
  it("says nothing when something was sent", () => {
    expect(whyNothingSent(campaign, result("ok", { planned: 3, sent: 1, failed: 2 }), new Date("2026-01-13T09:00:00Z"))).toBeUndefined();
  });

  it("before the start and after the deadline", () => {
    expect(whyNothingSent(campaign, result("beforeStart"), new Date("2026-01-05T09:00:00Z"))).toEqual({
      reason: "beforeStart",
      explanation: "The campaign starts 2026-01-12 00:00 (Europe/Stockholm); nothing is sent before.",
    });
    expect(whyNothingSent(campaign, result("afterDeadline"), new Date("2026-04-01T09:00:00Z"))?.reason).toBe("afterDeadline");
  });

  it.each([
    ["Monday evening: Tuesday morning", "2026-02-16T18:30:00Z", "2026-02-16 19:30", "2026-02-18 08:00"], // Tuesday 17 Feb is a holiday
    ["Saturday: Monday morning", "2026-02-21T10:00:00Z", "2026-02-21 11:00", "2026-02-23 08:00"],
    ["a working day before 08:00: the same morning", "2026-02-19T05:00:00Z", "2026-02-19 06:00", "2026-02-19 08:00"],
  ])("outside the window, %s", (_name, now, local, opens) => {
    const why = whyNothingSent(campaign, result("outsideWindow"), new Date(now));
    expect(why?.reason).toBe("outsideWindow");
    expect(why?.explanation).toBe(
      `${local} is outside the sending window (08:00–17:00 Europe/Stockholm, ISO weekdays 1,2,3,4,5, holidays excluded); the next run inside it sends (it opens ${opens}). --now ignores the window.`,
    );
  });

  it("nobody due, with who the audience was; due but nothing delivered", () => {
    const nobody = whyNothingSent(
      campaign,
      result("ok", { skippedEnrolled: 4, snoozed: 1, notReachable: 2 }, { audience: 9, alreadyReminded: 1, excluded: 1 }),
      new Date("2026-01-13T09:00:00Z"),
    );
    expect(nobody).toEqual({
      reason: "nobodyDue",
      explanation:
        "Nobody is due a reminder now: 9 in the audience, 4 already enrolled, 1 snoozed or said they cannot, 2 not reachable in Teams, 1 already reminded this round or today, 1 excluded.",
    });
    expect(whyNothingSent(campaign, result("ok", { planned: 2, failed: 2 }), new Date("2026-01-13T09:00:00Z"))).toEqual({
      reason: "notDelivered",
      explanation: "2 reminders were due but none was delivered: 2 failed, the rest were skipped at sending.",
    });
  });
});
