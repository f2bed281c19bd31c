/**
 * Why a campaign run sent nothing, for the printed report (npm run campaign): an
 * administrator who sees `"sent": 0` should not have to guess between "after the deadline",
 * "outside the window" and "nobody is due".
 */
import { DateTime } from "luxon";
import type { Campaign } from "../../ports/reminders.js";
import { isWorkingDay, windowStartAfterWorkingDays } from "./calendar.js";
import type { RunResult } from "./campaign-runner.js";

export type NothingSentReason = "beforeStart" | "afterDeadline" | "outsideWindow" | "nobodyDue" | "notDelivered";

export interface NothingSent {
  reason: NothingSentReason;
  /** One English sentence for the administrator (the CLI's language), with the numbers. */
  explanation: string;
}

const local = (at: Date, campaign: Campaign) => DateTime.fromJSDate(at, { zone: campaign.window.timeZone }).toFormat("yyyy-MM-dd HH:mm");

/** The reason when the run sent nothing; undefined when it sent something. */
export function whyNothingSent(campaign: Campaign, result: RunResult, now: Date): NothingSent | undefined {
  const { report, details, status } = result;
  if (report.sent > 0) return undefined;
  const zone = campaign.window.timeZone;
  switch (status) {
    case "beforeStart":
      return { reason: status, explanation: `The campaign starts ${local(campaign.start, campaign)} (${zone}); nothing is sent before.` };
    case "afterDeadline":
      return {
        reason: status,
        explanation: `The deadline ${campaign.deadlineDay} has passed; nothing is sent after it. Set a later deadline to remind again.`,
      };
    case "outsideWindow":
      return {
        reason: status,
        explanation:
          `${local(now, campaign)} is outside the sending window (${campaign.window.from}–${campaign.window.to} ${zone}, ISO weekdays ${campaign.window.days.join(",")}, ` +
          `holidays excluded); the next run inside it sends (it opens ${local(nextOpening(campaign, now), campaign)}). --now ignores the window.`,
      };
  }
  if (report.planned === 0) {
    const counts = [
      `${details.audience} in the audience`,
      `${report.skippedEnrolled} already enrolled`,
      `${report.snoozed} snoozed or said they cannot`,
      `${report.notReachable} not reachable in Teams`,
      `${details.alreadyReminded} already reminded this round or today`,
      `${details.excluded} excluded`,
    ];
    return { reason: "nobodyDue", explanation: `Nobody is due a reminder now: ${counts.join(", ")}.` };
  }
  return {
    reason: "notDelivered",
    explanation: `${report.planned} reminders were due but none was delivered: ${report.failed} failed, the rest were skipped at sending.`,
  };
}

/** The window's next opening after `now`: today's, if it is still ahead, else the next working day's. */
function nextOpening(campaign: Campaign, now: Date): Date {
  const { window } = campaign;
  const today = DateTime.fromJSDate(now, { zone: window.timeZone });
  const [hour = 0, minute = 0] = window.from.split(":").map(Number);
  const opening = today.set({ hour, minute, second: 0, millisecond: 0 });
  return isWorkingDay(today, window) && opening > today ? opening.toJSDate() : windowStartAfterWorkingDays(now, 1, window);
}
