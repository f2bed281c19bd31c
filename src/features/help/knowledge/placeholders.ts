import type { Locale as KnowledgeLocale } from "../../../i18n/messages.js";

/**
 * What an article may say in braces, filled in from the configuration at start-up (knowledge/README.md):
 * `{loginSteps}` how the Citrix login goes in the configured RADIUS_MODE (the done card's words),
 * `{smsSender}` the sender the SMS codes come from (SMS_SENDER_NAME).
 */
export const articlePlaceholders = ["loginSteps", "smsSender"] as const;
export type ArticlePlaceholder = (typeof articlePlaceholders)[number];
/** The text of each placeholder in a language. */
export type ArticleSettings = Record<ArticlePlaceholder, (locale: KnowledgeLocale) => string>;

const PLACEHOLDER = /\{(\w+)\}/g;
const known = new Set<string>(articlePlaceholders);

/** The `{names}` in a text that are not placeholders (a typo would otherwise reach employees). */
export function unknownPlaceholders(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((match) => match[0]).filter((whole) => !known.has(whole.slice(1, -1)));
}

/** The articles with every placeholder filled in for the configuration. */
export function withSettings<A extends { locale: KnowledgeLocale; body: string }>(articles: readonly A[], settings: ArticleSettings): A[] {
  return articles.map((article) => ({
    ...article,
    body: article.body.replace(PLACEHOLDER, (whole, name: string) =>
      known.has(name) ? settings[name as ArticlePlaceholder](article.locale) : whole,
    ),
  }));
}
