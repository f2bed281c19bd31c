import { DateTime } from "luxon";
import { catalog, languages, type Locale, type MessageKey, t } from "../../i18n/messages.js";
import { TIME_ZONE } from "../../i18n/local-time.js";
import type { AuditEvent, AuditLog } from "../../ports/stores.js";
import { cardText } from "../shared/card-text.js";

/** What an employee types to see their own account's activity (sv and en). */
export const ACCOUNT_ACTIVITY_PHRASES = [
  "vad har hänt på mitt konto",
  "vad har hänt med mitt konto",
  "min kontoaktivitet",
  "kontohistorik",
  "my account activity",
  "account activity",
  "what happened to my account",
];

const SHOWN = 10;
/** Read further back than shown: the steps in between (SMS sent, QR shown) are not shown. */
const READ = 100;

/**
 * "Vad har hänt på mitt konto?": the caller's own last 10 events (enrolled, logins accepted
 * or refused and why, helpdesk actions and by whom), newest first, in plain words and
 * Swedish local time. Only the caller's own subject is ever read.
 */
export class AccountActivity {
  constructor(private readonly audit: Pick<AuditLog, "listForSubject">) {}

  /** The whole answer: a title and the lines, or "nothing has happened yet". */
  async answer(subjectUpn: string, locale: Locale): Promise<string> {
    const lines = await this.describe(subjectUpn, locale);
    return lines.length > 0 ? [t(locale, "activity.title"), ...lines].join("\n\n") : t(locale, "activity.none");
  }

  async describe(subjectUpn: string, locale: Locale): Promise<string[]> {
    const events = await this.audit.listForSubject(subjectUpn.toLowerCase(), READ);
    const lines = events.flatMap((event) => {
      const what = describeEvent(event, locale);
      return what ? [t(locale, "activity.line", { time: localTime(event.at, locale), what })] : [];
    });
    return lines.slice(-SHOWN).reverse();
  }
}

function describeEvent(event: AuditEvent, locale: Locale): string | null {
  const detail = event.detail ?? {};
  switch (event.action) {
    case "enroll.token.activated":
      // The device name is the employee's own text: no Markdown or links from it in the chat.
      return t(locale, "activity.enrolled", { device: cardText(String(detail.deviceName ?? "")) });
    case "enroll.started":
      return t(locale, "activity.enrollStarted");
    case "enroll.cancelled":
      return t(locale, "activity.enrollCancelled");
    case "reminder.sent":
      return t(locale, "activity.reminded");
    case "login.validate":
      if (event.outcome === "ok") return t(locale, "activity.loginAccepted");
      return t(locale, "activity.loginRefused", { reason: t(locale, reasonKey(detail.reason)) });
  }
  if (event.action.startsWith("helpdesk.") && event.outcome === "ok") {
    const key = `activity.${event.action}`;
    return keyExists(locale, key) ? t(locale, "activity.helpdesk", { actor: event.actor, what: t(locale, key) }) : null;
  }
  return null;
}

function reasonKey(reason: unknown): MessageKey {
  const key = `activity.reason.${String(reason)}`;
  return keyExists("sv", key) ? key : "activity.reason.other";
}

function keyExists(locale: Locale, key: string): key is MessageKey {
  return Object.hasOwn(catalog(locale), key);
}

function localTime(at: Date, locale: Locale): string {
  return DateTime.fromJSDate(at, { zone: TIME_ZONE }).setLocale(languages[locale].tag).toFormat("d LLL yyyy HH:mm");
}
