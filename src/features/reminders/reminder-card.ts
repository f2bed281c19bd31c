/** The reminder card (cards/reminder.json) in its states: reminder, snoozed, cannot, notice. */
import { DateTime } from "luxon";
import type { Campaign } from "../../ports/reminders.js";
import type { ReminderMessageKey } from "../../i18n/reminders-sv.js";
import { languages, t, type Locale } from "../../i18n/messages.js";
import { expandCard, strings, type CardJson } from "../shared/card-renderer.js";
import { cardT } from "../shared/card-text.js";
import { countOf } from "../../i18n/plural.js";

export type { CardJson, Locale };

/** "15 december 2026" / "15 December 2026", in the campaign's zone. */
export function formatDay(at: Date, locale: Locale, zone: string): string {
  return DateTime.fromJSDate(at, { zone })
    .setLocale(languages[locale].tag)
    .toLocaleString({ day: "numeric", month: "long", year: "numeric" });
}

/** "tisdag 16 december kl. 08:00" / "Tuesday 16 December at 08:00". */
export function formatWhen(at: Date, locale: Locale, zone: string): string {
  const dt = DateTime.fromJSDate(at, { zone }).setLocale(languages[locale].tag);
  return t(locale, "reminder.when", { day: dt.toFormat("cccc d LLLL"), time: dt.toFormat("HH:mm") });
}

export type ReminderCardView =
  | { mode: "reminder"; locale: Locale; campaign: Campaign; round: string; snoozesLeft: number; notice?: ReminderMessageKey }
  | { mode: "snoozed"; locale: Locale; campaign: Campaign; until: Date }
  | { mode: "cannot"; locale: Locale }
  | { mode: "notice"; locale: Locale; notice: ReminderMessageKey };

export function renderReminderCard(view: ReminderCardView): CardJson {
  const { locale } = view;
  const campaign = "campaign" in view ? view.campaign : undefined;
  const params: Record<string, string | number> = {
    deadline: campaign ? formatDay(campaign.deadline, locale, campaign.window.timeZone) : "",
    left: countOf(locale, "reminder.snoozes", view.mode === "reminder" ? view.snoozesLeft : 0),
    when: view.mode === "snoozed" && campaign ? formatWhen(view.until, locale, campaign.window.timeZone) : "",
  };
  // Dates and counts the bot formatted itself.
  const kinds = { deadline: "trusted", when: "trusted", left: "trusted" } as const;
  const s = strings(locale, params, kinds);
  const overrides = campaign?.messages[locale];
  const data: Record<string, unknown> = { s, mode: view.mode, notice: null, campaignId: campaign?.id ?? "", round: "", showSnooze: false };
  switch (view.mode) {
    case "reminder":
      data.title = overrides?.title ?? s.reminder_title;
      data.body = overrides?.body ?? s.reminder_body;
      data.round = view.round;
      data.showSnooze = view.snoozesLeft > 0;
      data.notice = view.notice ? cardT(locale, view.notice, params, kinds) : null;
      break;
    case "snoozed":
      data.title = s.reminder_snoozedTitle;
      data.body = s.reminder_snoozedBody;
      break;
    case "cannot":
      data.title = s.reminder_cannotTitle;
      data.body = s.reminder_cannotBody;
      break;
    case "notice":
      data.title = s.reminder_title;
      data.body = cardT(locale, view.notice, params, kinds);
      data.mode = "notice";
      break;
  }
  return expandCard("reminder", data);
}
