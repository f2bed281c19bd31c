/**
 * Who gets a reminder now. Pure: everything it needs is looked up beforehand and passed in.
 *
 * Rounds: the campaign's working days since `start` are cut into periods of `cadenceDays`;
 * a person gets one reminder per period (round key `${period}.${snoozeCount}`, so a snooze
 * that runs out within the period brings the reminder back once). Nobody gets more than one
 * reminder a local day across all campaigns; nothing before start, after the deadline or,
 * unless `ignoreWindow`, outside the window.
 */
import type { Campaign } from "../../ports/reminders.js";
import { isInWindow, localDay, workingDaysSince } from "./calendar.js";
import type { NewDelivery, SnoozeRecord } from "../../ports/reminders.js";

export interface Candidate {
  upn: string;
  loginName: string;
  /** Has an active token (TokenStore.findActive). */
  enrolled: boolean;
  /** The stored conversation's user key; undefined when the bot cannot reach them. */
  userKey?: string;
}

export interface PlanInput {
  campaign: Campaign;
  now: Date;
  ignoreWindow?: boolean;
  candidates: Candidate[];
  snoozes: Map<string, SnoozeRecord>;
  /** `${upn}|${round}` already planned in this campaign. */
  roundsTaken: Set<string>;
  /** People planned today in any campaign. */
  plannedToday: Set<string>;
  /** UPNs (lowercase) already planned in earlier pages of the same run: a person listed twice counts once. */
  seen?: Set<string>;
}

export type PlanStatus = "ok" | "beforeStart" | "afterDeadline" | "outsideWindow";

export interface Plan {
  status: PlanStatus;
  period: number;
  day: string;
  due: NewDelivery[];
  skippedEnrolled: number;
  notReachable: number;
  /** Who `notReachable` counts (due now, but no stored conversation): candidates for an app install. */
  unreachable: { upn: string; loginName: string }[];
  /** Snoozed until later, or said "I can't" (handed to the helpdesk). */
  snoozed: number;
  excluded: number;
  /** Already had this round, or another campaign's reminder today. */
  alreadyReminded: number;
}

export function deliveryId(campaignId: string, upn: string, round: string): string {
  return `${campaignId}|${upn}|${round}`;
}

export function roundKey(period: number, snoozeCount: number): string {
  return `${period}.${snoozeCount}`;
}

export function currentPeriod(campaign: Campaign, at: Date): number {
  return Math.floor(workingDaysSince(campaign.start, at, campaign.window) / campaign.cadenceDays);
}

export function planRound(input: PlanInput): Plan {
  const { campaign, now } = input;
  const day = localDay(now, campaign.window);
  const period = currentPeriod(campaign, now);
  const plan: Plan = {
    status: "ok",
    period,
    day,
    due: [],
    skippedEnrolled: 0,
    notReachable: 0,
    unreachable: [],
    snoozed: 0,
    excluded: 0,
    alreadyReminded: 0,
  };
  if (now < campaign.start) return { ...plan, status: "beforeStart" };
  if (now > campaign.deadline) return { ...plan, status: "afterDeadline" };
  if (!input.ignoreWindow && !isInWindow(now, campaign.window)) return { ...plan, status: "outsideWindow" };

  const excluded = new Set(campaign.exclude.map((u) => u.toLowerCase()));
  const seen = input.seen ?? new Set<string>();
  for (const candidate of input.candidates) {
    const upn = candidate.upn.toLowerCase();
    if (seen.has(upn)) continue;
    seen.add(upn);
    if (excluded.has(upn)) {
      plan.excluded++;
      continue;
    }
    if (candidate.enrolled) {
      plan.skippedEnrolled++;
      continue;
    }
    const snooze = input.snoozes.get(upn);
    if (snooze?.cannotAt || (snooze?.until && snooze.until > now)) {
      plan.snoozed++;
      continue;
    }
    if (!candidate.userKey) {
      plan.notReachable++;
      plan.unreachable.push({ upn, loginName: candidate.loginName.toLowerCase() });
      continue;
    }
    const round = roundKey(period, snooze?.count ?? 0);
    if (input.roundsTaken.has(`${upn}|${round}`) || input.plannedToday.has(upn)) {
      plan.alreadyReminded++;
      continue;
    }
    plan.due.push({
      id: deliveryId(campaign.id, upn, round),
      campaignId: campaign.id,
      upn,
      loginName: candidate.loginName.toLowerCase(),
      userKey: candidate.userKey,
      round,
      day,
      createdAt: now,
    });
  }
  return plan;
}
