import { describe, expect, it } from "vitest";
import { stepCardSettings } from "../support/step-card-settings.js";
import { renderStepCard } from "../../src/features/enrollment/step-cards.js";
import { renderAnswerCard, renderNoAnswerCard, renderTopicsCard, commonTopics } from "../../src/features/help/help-cards.js";
import { findAssetDir } from "../../src/config/asset-dir.js";
import { KnowledgeBase, loadKnowledgeArticles } from "../../src/features/help/knowledge/index.js";
import { cardActions, cardProblems } from "../support/card-validation.js";

const kb = new KnowledgeBase(loadKnowledgeArticles(findAssetDir("knowledge", "sv")));
const settings = stepCardSettings();

describe.each(["sv", "en"] as const)("help cards in %s", (locale) => {
  const article = kb.get(locale, "no-sms")!;

  it("answer card: valid, with feedback buttons carrying the article id, then without them", () => {
    const card = renderAnswerCard(article, "får inget sms", { askFeedback: true });
    expect(cardProblems(card)).toEqual([]);
    const feedback = cardActions(card).filter((a) => a.verb === "help.feedback");
    expect(feedback.map((a) => a.data)).toEqual([
      { articleId: "no-sms", helpful: true, question: "får inget sms" },
      { articleId: "no-sms", helpful: false, question: "får inget sms" },
    ]);
    expect(cardActions(card).some((a) => a.verb === "help.escalate")).toBe(true);
    const answered = renderAnswerCard(article, "", { askFeedback: false, notice: { key: "help.thanks", kind: "info" } });
    expect(cardProblems(answered)).toEqual([]);
    expect(cardActions(answered).some((a) => a.verb === "help.feedback")).toBe(false);
  });

  it("no-answer card offers the helpdesk with the question", () => {
    const card = renderNoAnswerCard(locale, "var är lunchen?");
    expect(cardProblems(card)).toEqual([]);
    expect(cardActions(card)).toEqual([
      expect.objectContaining({ verb: "help.escalate", data: { question: "var är lunchen?", from: "answer" } }),
    ]);
  });

  it("topics card lists the common topics as buttons", () => {
    const card = renderTopicsCard(
      locale,
      commonTopics.map((id) => kb.get(locale, id)!),
    );
    expect(cardProblems(card)).toEqual([]);
    expect(
      cardActions(card)
        .filter((a) => a.verb === "help.show")
        .map((a) => a.data?.articleId),
    ).toEqual(commonTopics);
  });

  it("step cards show a stuck user the article and the helpdesk button", async () => {
    const help = kb.get(locale, "code-rejected")!;
    for (const step of ["identity", "sms", "device"] as const) {
      const card = await renderStepCard({ step, flowId: "f", locale }, settings, { id: help.id, title: help.title, body: help.body });
      expect(cardProblems(card)).toEqual([]);
      expect(JSON.stringify(card)).toContain(help.title);
      expect(cardActions(card)).toContainEqual(
        expect.objectContaining({
          verb: "help.escalate",
          data: { flowId: "f", articleId: "code-rejected", from: "step" },
          associatedInputs: "none",
        }),
      );
    }
    const plain = await renderStepCard({ step: "sms", flowId: "f", locale }, settings);
    expect(cardActions(plain).some((a) => a.verb === "help.escalate")).toBe(false);
  });
});
