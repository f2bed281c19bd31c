import type { Locale, MessageKey } from "../../i18n/messages.js";
import { t } from "../../i18n/messages.js";
import { expandCard, type CardJson } from "../shared/card-renderer.js";
import { cardT } from "../shared/card-text.js";

/** A notice in the employee's chat with "contact the helpdesk" under it (cards/employee-notice.json). */
export function renderNoticeCard(locale: Locale, key: MessageKey, params: Record<string, string | number>): CardJson {
  return expandCard("employee-notice", {
    text: cardT(locale, key, params),
    helpdeskButton: true,
    contactHelpdesk: t(locale, "notice.contactHelpdesk"),
    // The ticket's question: what the employee was told, in plain text.
    question: t(locale, key, params),
  });
}
