import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { KnowledgeBase, knowledgeLocales } from "../../src/features/help/knowledge/index.js";
import { catalog, type Locale } from "../../src/i18n/messages.js";

const kb = KnowledgeBase.load(fileURLToPath(new URL("../../knowledge", import.meta.url)));

/** A UI label in an article: in typographic quotes, “Send a new code” (English) or ”Skicka ny kod” (Swedish) (knowledge/README.md). */
const QUOTED = /[“”]([^“”\n]+)”/g;
const BOLD = /\*\*([^*]+)\*\*/g;

/**
 * What the bot's own texts show, read from the catalog as it is now (a renamed button is gone from here):
 * every whole text (button and field titles are whole texts) and every **bold** part of one (the
 * Authenticator taps the QR card names, "**Work or school account**").
 */
function catalogLabels(locale: Locale): Set<string> {
  const labels = new Set<string>();
  for (const text of Object.values(catalog(locale))) {
    labels.add(text.trim());
    for (const [, bold] of text.matchAll(BOLD)) labels.add(bold!.trim());
  }
  return labels;
}

describe.each(knowledgeLocales)("UI labels quoted in the %s articles", (locale) => {
  const labels = catalogLabels(locale);
  const articles = kb.list(locale);
  const quoted = articles.flatMap((article) => [...article.body.matchAll(QUOTED)].map(([, label]) => ({ id: article.id, label: label! })));

  it("exist, word for word, in the i18n catalog", () => {
    expect(quoted.length).toBeGreaterThanOrEqual(15);
    expect(quoted.filter(({ label }) => !labels.has(label))).toEqual([]);
  });

  it("are quoted only one way: no straight double quotes in an article's text (they would escape the check)", () => {
    expect(articles.filter((article) => article.body.includes('"')).map((article) => article.source)).toEqual([]);
  });

  it("name the buttons people are sent to", () => {
    const names = new Set(quoted.map(({ label }) => label));
    const s = catalog(locale);
    for (const key of ["sms.resend", "help.contactHelpdesk", "lostPhone.blockFromArticle", "lostPhone.enrollNew", "qr.submit"] as const) {
      expect(names, key).toContain(s[key]);
    }
  });
});
