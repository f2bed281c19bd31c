import type { KnowledgeArticle } from "./knowledge/index.js";
import type { Notice } from "../../ports/notice.js";
import type { Locale } from "../../i18n/messages.js";
import { expandCard, noticeData, strings, type CardJson } from "../shared/card-renderer.js";
import { cardT } from "../shared/card-text.js";

/** Topics the "help" command lists, most asked first. */
export const commonTopics = [
  "install-app",
  "no-sms",
  "qr-scan",
  "code-rejected",
  "new-phone",
  "lost-phone",
  "citrix-login",
  "no-smartphone",
];

/** An article as the answer to a question, with "Did this help?" until answered. */
export function renderAnswerCard(
  article: KnowledgeArticle,
  question: string,
  options: { askFeedback: boolean; notice?: Notice; diagnosis?: string | null },
): CardJson {
  const locale = article.locale;
  return expandCard("help-answer", {
    s: strings(locale, {}),
    title: article.title,
    body: article.body,
    articleId: article.id,
    question,
    askFeedback: options.askFeedback,
    notice: noticeData(locale, options.notice),
    diagnosis: options.diagnosis ?? null,
    // The lost-phone article leads straight to blocking the phone.
    canBlockPhone: article.id === "lost-phone",
  });
}

/** No confident answer: say so instead of guessing, and offer the helpdesk. */
export function renderNoAnswerCard(locale: Locale, question: string, notice?: Notice): CardJson {
  return expandCard("help-none", {
    s: strings(locale, {}),
    question, // the button's data, as typed: escaped only where it is shown
    questionText: cardT(locale, "help.yourQuestion", { question }),
    notice: noticeData(locale, notice),
  });
}

export function renderTopicsCard(locale: Locale, articles: KnowledgeArticle[]): CardJson {
  return expandCard("help-topics", { s: strings(locale, {}), topics: articles.map(({ id, title }) => ({ id, title })) });
}
