/**
 * The reminder card's buttons, for the main bot's `adaptiveCard/action` handler:
 * `reminder.snooze` (up to the campaign's limit) and `reminder.cannot` (recorded, handed to
 * the helpdesk through the Escalation port). Each returns the card that replaces the reminder.
 * ("Start now" is `enroll.start`, which the enrollment already handles.)
 */
import { z } from "zod";
import type { Caller } from "../../ports/caller.js";
import type { ActionData, Reply, Route } from "../shared/route.js";
import type { Clock } from "../../ports/clock.js";
import type { AuditLog } from "../../ports/stores.js";
import { windowStartAfterWorkingDays } from "./calendar.js";
import type { Escalation, ReminderStore } from "../../ports/reminders.js";
import { renderReminderCard, type CardJson } from "./reminder-card.js";

export const REMINDER_VERBS = ["reminder.snooze", "reminder.cannot"] as const;

const dataSchema = z
  .object({
    campaignId: z.string().min(1).max(64),
    round: z.string().max(32).default(""),
    reason: z.string().max(500).optional(),
  })
  .catchall(z.unknown());

export interface ReminderActionDeps {
  store: ReminderStore;
  escalation: Escalation;
  clock: Clock;
  audit?: AuditLog;
}

export async function handleReminderAction(verb: string, rawData: ActionData, caller: Caller, deps: ReminderActionDeps): Promise<CardJson> {
  const { locale } = caller;
  const parsed = dataSchema.safeParse(rawData);
  if (!parsed.success || !(REMINDER_VERBS as readonly string[]).includes(verb))
    return renderReminderCard({ mode: "notice", locale, notice: "reminder.unknownCampaign" });
  const data = parsed.data;
  const campaign = await deps.store.getCampaign(data.campaignId);
  if (!campaign) return renderReminderCard({ mode: "notice", locale, notice: "reminder.unknownCampaign" });
  const upn = caller.upn.toLowerCase();
  const now = deps.clock.now();

  if (verb === "reminder.snooze") {
    const until = windowStartAfterWorkingDays(now, campaign.snoozeDays, campaign.window);
    const result = await deps.store.snooze(campaign.id, upn, data.round, until, campaign.maxSnoozes, now);
    await deps.audit?.append({
      at: now,
      subject: upn,
      actor: upn,
      action: "reminder.snooze",
      outcome: result.ok ? "ok" : "refused",
      detail: { campaign: campaign.id, count: result.record?.count ?? 0, ...(result.ok ? {} : { reason: result.reason }) },
    });
    if (result.ok) return renderReminderCard({ mode: "snoozed", locale, campaign, until });
    if (result.reason === "alreadySnoozed" && result.record?.until)
      return renderReminderCard({ mode: "snoozed", locale, campaign, until: result.record.until });
    return renderReminderCard({ mode: "reminder", locale, campaign, round: data.round, snoozesLeft: 0, notice: "reminder.snoozeLimit" });
  }

  const reason = (data.reason ?? "").trim() || "(no reason given)";
  await deps.store.recordCannot(campaign.id, upn, reason, now);
  await deps.escalation.escalate(caller, `reminder campaign ${campaign.id}: ${reason}`);
  await deps.audit?.append({
    at: now,
    subject: upn,
    actor: upn,
    action: "reminder.cannot",
    outcome: "ok",
    detail: { campaign: campaign.id },
  });
  return renderReminderCard({ mode: "cannot", locale });
}

/** The reminder buttons as one of the bot's routes (src/features/shared/route.ts). */
export class ReminderActions implements Route {
  readonly verbs = REMINDER_VERBS;

  constructor(private readonly deps: ReminderActionDeps) {}

  async respond(verb: string, data: ActionData, caller: Caller): Promise<Reply> {
    return { card: await handleReminderAction(verb, data, caller, this.deps) };
  }
}
