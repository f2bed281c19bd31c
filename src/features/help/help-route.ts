import { z } from "zod";
import { AttemptLimit } from "../shared/attempt-limit.js";
import type { KnowledgeBase } from "./knowledge/index.js";
import { feedbackRateKey } from "../shared/rate-keys.js";
import { FEEDBACK_LIMIT } from "../shared/request-limits.js";
import type { Caller } from "../../ports/caller.js";
import type { ArticleFeedbackStore } from "../../ports/tickets.js";
import type { Clock } from "../../ports/clock.js";
import type { RateCounter } from "../../ports/stores.js";
import type { CardJson } from "../shared/card-renderer.js";
import type { ActionData, Reply, Route } from "../shared/route.js";
import { commonTopics, renderAnswerCard, renderNoAnswerCard, renderTopicsCard } from "./help-cards.js";

export const HELP_VERBS = ["help.show", "help.feedback"] as const;
/** The articles about codes refused at the Citrix login: their answer starts with the caller's own login facts. */
const LOGIN_PROBLEM_ARTICLES = new Set(["login-code-refused", "code-rejected", "account-locked"]);
const MAX_QUESTION = 1000;

const dataSchema = z.object({
  articleId: z.string().max(64),
  helpful: z.boolean().optional(),
  question: z.string().max(MAX_QUESTION).optional().default(""),
});

/**
 * Answers from the knowledge base: free-text questions, the "help" topic list, an article
 * from a topic button (`help.show`) and "Did this help?" (`help.feedback`).
 */
export class HelpActions implements Route {
  readonly verbs = HELP_VERBS;
  private readonly feedbackAnswers: AttemptLimit;

  constructor(
    private readonly knowledge: KnowledgeBase,
    private readonly feedback: ArticleFeedbackStore,
    private readonly clock: Clock,
    /** Where "Did this help?" answers are counted per user and article (FEEDBACK_LIMIT). */
    rates: RateCounter,
    /** "Why can't I log in?": the caller's own last logins in plain words (LoginHelp), or null. */
    private readonly loginHelp?: (caller: Caller) => Promise<string | null>,
  ) {
    this.feedbackAnswers = new AttemptLimit(rates, FEEDBACK_LIMIT);
  }

  /** The best article for a typed question, or "no good answer, ask the helpdesk". */
  async answer(caller: Caller, question: string): Promise<CardJson> {
    const trimmed = question.trim().slice(0, MAX_QUESTION);
    const hit = this.knowledge.answer(caller.locale, trimmed);
    if (!hit) return renderNoAnswerCard(caller.locale, trimmed);
    return renderAnswerCard(hit.article, trimmed, { askFeedback: true, diagnosis: await this.diagnosisFor(caller, hit.article.id) });
  }

  private async diagnosisFor(caller: Caller, articleId: string): Promise<string | null> {
    return LOGIN_PROBLEM_ARTICLES.has(articleId) && this.loginHelp ? this.loginHelp(caller) : null;
  }

  topics(caller: Caller): CardJson {
    const articles = commonTopics.map((id) => this.knowledge.get(caller.locale, id)).filter((a) => a !== undefined);
    return renderTopicsCard(caller.locale, articles);
  }

  /** The article behind a step's contextual help, if the knowledge base has it. */
  article(caller: Caller, id: string | undefined) {
    return id ? this.knowledge.get(caller.locale, id) : undefined;
  }

  /** `help.show` and `help.feedback`; malformed data is refused on the user's current card. */
  async respond(verb: string, data: ActionData, caller: Caller): Promise<Reply> {
    const card = await this.handle(caller, verb, data);
    return card ? { card } : { refusal: "error.malformed" };
  }

  private async handle(caller: Caller, verb: string, rawData: ActionData): Promise<CardJson | null> {
    const parsed = dataSchema.safeParse(rawData);
    if (!parsed.success) return null;
    const { articleId, helpful, question } = parsed.data;
    const article = this.knowledge.get(caller.locale, articleId);
    if (!article) return renderNoAnswerCard(caller.locale, question, { key: "help.articleMissing", kind: "refusal" });
    if (verb === "help.show")
      return renderAnswerCard(article, question, { askFeedback: true, diagnosis: await this.diagnosisFor(caller, article.id) });
    if (helpful === undefined) return null;
    // Counted before storing (insert, then count): of any burst, one answer per article and user a day is kept.
    const admitted = await this.feedbackAnswers.throttle(feedbackRateKey(caller.upn.toLowerCase(), articleId), this.clock.now());
    if (!admitted.ok)
      return renderAnswerCard(article, question, { askFeedback: false, notice: { key: "help.feedbackAlreadyGiven", kind: "info" } });
    await this.feedback.record({ articleId, locale: caller.locale, helpful, subject: caller.upn, at: this.clock.now() });
    return renderAnswerCard(article, question, {
      askFeedback: false,
      notice: { key: helpful ? "help.thanks" : "help.thanksNotHelpful", kind: "info" },
    });
  }
}
