import type { TicketView } from "../../ports/ticket-view.js";
import type { Notice } from "../../ports/notice.js";
import { catalog, languages, t, type Locale, type MessageKey } from "../../i18n/messages.js";
import { expandCard, noticeData, type CardJson } from "../shared/card-renderer.js";
import { cardIdentifier, cardT, cardText } from "../shared/card-text.js";
import { stepEntry } from "../enrollment/steps.js";
import { groupTemporaryCode } from "../validation/temporary-access-code.js";
import { localTime, TIME_ZONE } from "../../i18n/local-time.js";

/** The helpdesk card's button verbs (data: { ticketId }). */
export const helpdeskVerbs = [
  "helpdesk.take",
  "helpdesk.resolve",
  "helpdesk.clearLimits",
  "helpdesk.revokeToken",
  "helpdesk.invite",
  "helpdesk.temporaryAccess",
] as const;
export type HelpdeskVerb = (typeof helpdeskVerbs)[number];

const accountKeys: Record<string, MessageKey> = {
  enabled: "helpdesk.card.accountEnabled",
  disabled: "helpdesk.card.accountDisabled",
  locked: "helpdesk.card.accountLocked",
  passwordExpired: "helpdesk.card.accountPasswordExpired",
  notEligible: "helpdesk.card.accountNotEligible",
};

const isMessageKey = (locale: Locale, key: string): key is MessageKey => Object.hasOwn(catalog(locale), key);

/** An i18n text whose placeholders have no values here: they show as "…". */
function textWithoutParams(locale: Locale, key: MessageKey): string {
  return t(locale, key).replace(/\{\w+\}/g, "…");
}

/** For the card's time texts: Adaptive Cards' DATE/TIME show them in the reader's time zone. */
function cardTime(iso: string): string {
  const rfc3339 = new Date(iso).toISOString().replace(/\.\d{3}Z$/, "Z");
  return `{{DATE(${rfc3339}, SHORT)}} {{TIME(${rfc3339})}}`;
}

/** The validation service's reason in the helpdesk's words (an unknown one is shown as it is, inert). */
function loginReason(locale: Locale, reason: string): string {
  const key = `helpdesk.login.${reason}`;
  return isMessageKey(locale, key) ? t(locale, key) : cardText(reason);
}

/** "2 nov. 2026" / "2 Nov 2026": a date in the card's language, Swedish local time. */
function day(iso: string, locale: Locale): string {
  return new Date(iso).toLocaleDateString(languages[locale].tag, { timeZone: TIME_ZONE, dateStyle: "medium" });
}

/** A date and time in the card's language, Swedish local time ("2 nov. 2026 14:30"). */
function dayAndTime(iso: string, locale: Locale): string {
  return `${day(iso, locale)} ${localTime(new Date(iso))}`;
}

/** Where the employee is; someone with an active token who never started here (or only saw the welcome card) is enrolled. */
function stepText(view: TicketView, locale: Locale): string {
  const enrolled = view.token.status === "active" && (view.step === undefined || view.step === "welcome" || view.step === "cancelled");
  if (enrolled) return t(locale, "helpdesk.card.stepEnrolled");
  return t(locale, stepEntry(view.step)?.helpdeskWording ?? "helpdesk.card.stepNone");
}

/**
 * The facts the helpdesk sees, as FactSet rows in the helpdesk's language. Fact values render
 * Markdown in Teams: the directory's and the employee's words are made inert (card-text.ts).
 */
export function ticketFacts(view: TicketView, locale: Locale): { title: string; value: string }[] {
  const none = t(locale, "helpdesk.card.none");
  const dir = view.directory;
  const account =
    dir.found === "yes"
      ? t(locale, accountKeys[dir.account] ?? "helpdesk.card.none")
      : t(locale, dir.found === "no" ? "helpdesk.card.accountNotFound" : "helpdesk.card.directoryUnavailable");
  const mobile = dir.found === "yes" ? t(locale, dir.hasMobile ? "helpdesk.card.mobileYes" : "helpdesk.card.mobileNo") : none;
  const token =
    view.token.status === "active"
      ? cardT(
          locale,
          "helpdesk.card.tokenActive",
          { device: view.token.deviceName, date: day(view.token.activatedAt, locale) },
          { date: "trusted" },
        )
      : view.token.status === "none"
        ? t(locale, "helpdesk.card.tokenNone")
        : none;
  const lastError = view.lastError
    ? isMessageKey(locale, view.lastError)
      ? textWithoutParams(locale, view.lastError)
      : cardText(view.lastError)
    : none;
  const temporaryAccess = view.temporaryAccess
    ? [
        {
          title: t(locale, "helpdesk.card.temporaryCode", { use: useText(locale, view.temporaryAccess.reusable) }),
          value: t(locale, "helpdesk.card.temporaryAccessActive", { time: dayAndTime(view.temporaryAccess.expiresAt, locale) }),
        },
      ]
    : [];
  return [
    { title: t(locale, "helpdesk.card.upn"), value: cardIdentifier(view.upn) },
    { title: t(locale, "helpdesk.card.login"), value: view.loginName ? cardIdentifier(view.loginName) : none },
    { title: t(locale, "helpdesk.card.department"), value: view.department ? cardText(view.department) : none },
    { title: t(locale, "helpdesk.card.step"), value: stepText(view, locale) },
    { title: t(locale, "helpdesk.card.lastError"), value: lastError },
    { title: t(locale, "helpdesk.card.account"), value: account },
    { title: t(locale, "helpdesk.card.mobile"), value: mobile },
    { title: t(locale, "helpdesk.card.token"), value: token },
    {
      title: t(locale, "helpdesk.card.lastLogin"),
      value: view.logins.lastAccepted ? dayAndTime(view.logins.lastAccepted, locale) : t(locale, "helpdesk.card.noLogin"),
    },
    {
      title: t(locale, "helpdesk.card.lastRefused"),
      value: view.logins.lastRefused
        ? t(locale, "helpdesk.card.refusedAt", {
            time: dayAndTime(view.logins.lastRefused.at, locale),
            reason: loginReason(locale, view.logins.lastRefused.reason),
          })
        : none,
    },
    ...temporaryAccess,
  ];
}

function useText(locale: Locale, reusable: boolean): string {
  return t(locale, reusable ? "helpdesk.card.temporaryAccessReusable" : "helpdesk.card.temporaryAccessSingleUse");
}

/** What only the pressing member's own card shows, once: the confirmation question's button, or the code just issued. */
export interface TicketCardExtras {
  confirmTemporaryAccess?: boolean;
  temporaryCode?: { code: string; reusable: boolean };
}

/** The ticket card for the helpdesk channel (cards/helpdesk-ticket.json), in the helpdesk's language. */
export function renderTicketCard(
  view: TicketView,
  locale: Locale,
  notice: Notice | undefined = view.notice,
  extras: TicketCardExtras = {},
): CardJson {
  const open = view.status !== "resolved";
  // The helpdesk member by display name; the UPN (an identifier) only when the directory did not say.
  const byName = view.status === "taken" ? view.takenByName : view.resolvedByName;
  const statusText =
    view.status === "open"
      ? t(locale, "helpdesk.card.statusOpen")
      : cardT(
          locale,
          view.status === "taken" ? "helpdesk.card.statusTaken" : "helpdesk.card.statusResolved",
          { by: byName ?? (view.status === "taken" ? view.takenBy : view.resolvedBy) ?? "" },
          byName ? {} : { by: "identifier" },
        );
  const data = {
    ticketId: view.ticketId,
    // The UPN stands in for the name when the directory does not answer: then it is an identifier.
    title: cardT(locale, "helpdesk.card.title", { name: view.displayName }, view.displayName === view.upn ? { name: "identifier" } : {}),
    statusText,
    statusColor: view.status === "open" ? "Attention" : view.status === "taken" ? "Accent" : "Good",
    notice: noticeData(locale, notice),
    facts: ticketFacts(view, locale),
    questionsLabel: t(locale, "helpdesk.card.questions"),
    noQuestion: t(locale, "helpdesk.card.noQuestion"),
    questions: view.questions.map((q) => ({ text: cardText(q.text), at: cardTime(q.at) })),
    times: `${t(locale, "helpdesk.card.created")} ${cardTime(view.createdAt)} · ${t(locale, "helpdesk.card.updated")} ${cardTime(view.updatedAt)}`,
    canTake: view.status === "open",
    canResolve: open,
    canAct: open,
    canRevoke: open && view.token.status === "active",
    confirmTemporaryAccess: open && extras.confirmTemporaryAccess === true,
    temporaryCode: extras.temporaryCode
      ? {
          label: t(locale, "helpdesk.card.temporaryCode", { use: useText(locale, extras.temporaryCode.reusable) }),
          grouped: groupTemporaryCode(extras.temporaryCode.code),
        }
      : null,
    labels: {
      take: t(locale, "helpdesk.card.take"),
      resolve: t(locale, "helpdesk.card.resolve"),
      clearLimits: t(locale, "helpdesk.card.clearLimits"),
      invite: t(locale, "helpdesk.card.invite"),
      revoke: t(locale, "helpdesk.card.revoke"),
      revokeWarning: t(locale, "helpdesk.card.revokeWarning"),
      revokeConfirm: t(locale, "helpdesk.card.revokeConfirm"),
      temporaryAccess: t(locale, "helpdesk.card.temporaryAccess"),
      temporaryAccessConfirm: t(locale, "helpdesk.card.temporaryAccessConfirm"),
    },
  };
  return expandCard("helpdesk-ticket", data);
}
