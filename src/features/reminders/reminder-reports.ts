/**
 * The reminder delivery report in the chat ("påminnelser" / "reminders"): one
 * card per campaign for members of the helpdesk group (nested membership counts), a polite
 * refusal for anyone else. Every request is audited.
 */
import { DirectoryUnavailableError } from "../shared/errors.js";
import { findHelpdeskMember } from "../helpdesk/helpdesk-membership.js";
import type { CampaignReport, ReminderStore } from "../../ports/reminders.js";
import type { Caller } from "../../ports/caller.js";
import { t, type Locale, type MessageKey } from "../../i18n/messages.js";
import type { Clock } from "../../ports/clock.js";
import type { Directory } from "../../ports/directory.js";
import type { AuditLog } from "../../ports/stores.js";
import { expandCard, type CardJson } from "../shared/card-renderer.js";
import { cardT } from "../shared/card-text.js";
import { formatDay, formatWhen } from "./reminder-card.js";

/** What the bot asks for the report command (injected into EnrollmentBot). */
export interface ReminderReports {
  /** The cards to answer with: one per campaign, or one card that says why not. */
  cardsFor(caller: Caller): Promise<CardJson[]>;
}

export interface ReminderReportDeps {
  store: Pick<ReminderStore, "listCampaigns" | "report">;
  directory: Pick<Directory, "findByUpn" | "isMemberOf">;
  /** HELPDESK_GROUP_ID (the demo directory's group is "helpdesk"). */
  helpdeskGroupId: string;
  clock: Clock;
  audit?: AuditLog;
}

const FACTS: [keyof CampaignReport & string, MessageKey][] = [
  ["planned", "reminder.report.planned"],
  ["sent", "reminder.report.sent"],
  ["failed", "reminder.report.failed"],
  ["inProgress", "reminder.report.inProgress"],
  ["skippedEnrolled", "reminder.report.skippedEnrolled"],
  ["notReachable", "reminder.report.notReachable"],
  ["snoozed", "reminder.report.snoozed"],
  ["cannot", "reminder.report.cannot"],
];

/** One campaign's report as a card (facts: deadline, then the counts). */
export function renderReportCard(report: CampaignReport, locale: Locale): CardJson {
  const facts = [
    { label: t(locale, "reminder.report.deadline"), value: formatDay(report.deadline, locale, report.timeZone) },
    ...FACTS.map(([field, key]) => ({ label: t(locale, key), value: String(report[field]) })),
  ];
  const footer = report.lastRun
    ? cardT(
        locale,
        "reminder.report.lastRun",
        { when: formatWhen(report.lastRun.at, locale, report.timeZone), audience: report.lastRun.audience },
        { when: "trusted" },
      )
    : t(locale, "reminder.report.neverRun");
  return expandCard("reminder-report", {
    title: cardT(locale, "reminder.report.title", { campaign: report.campaignId }, { campaign: "identifier" }),
    message: null,
    facts,
    footer,
  });
}

/** A card with one message (refusal, nothing to report). */
export function renderReportMessage(locale: Locale, key: MessageKey): CardJson {
  return expandCard("reminder-report", { title: t(locale, "reminder.title"), message: t(locale, key), facts: [], footer: null });
}

export class HelpdeskReminderReports implements ReminderReports {
  constructor(private readonly deps: ReminderReportDeps) {}

  async cardsFor(caller: Caller): Promise<CardJson[]> {
    const { locale } = caller;
    const now = this.deps.clock.now();
    const audit = (outcome: "ok" | "refused" | "error", detail: Record<string, string | number | boolean>) =>
      this.deps.audit?.append({ at: now, subject: caller.upn, actor: caller.upn, action: "reminder.report", outcome, detail });
    let allowed: boolean;
    try {
      allowed = (await findHelpdeskMember(this.deps.directory, this.deps.helpdeskGroupId, caller.upn)) !== null;
    } catch (error) {
      if (!(error instanceof DirectoryUnavailableError)) throw error;
      await audit("error", { reason: "directoryUnavailable" });
      return [renderReportMessage(locale, "reminder.report.directoryUnavailable")];
    }
    if (!allowed) {
      await audit("refused", { reason: "notHelpdesk" });
      return [renderReportMessage(locale, "reminder.report.notAllowed")];
    }
    const campaigns = await this.deps.store.listCampaigns();
    await audit("ok", { campaigns: campaigns.length });
    if (campaigns.length === 0) return [renderReportMessage(locale, "reminder.report.none")];
    const reports = await Promise.all(campaigns.map((c) => this.deps.store.report(c, now)));
    return reports.map((r) => renderReportCard(r, locale));
  }
}
