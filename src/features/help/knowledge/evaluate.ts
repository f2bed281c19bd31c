import type { KnowledgeLocale } from "./article.js";
import type { KnowledgeBase } from "./knowledge-base.js";

/** One labelled question of the evaluation set (test/fixtures/knowledge/questions.json). */
export interface LabelledQuestion {
  readonly locale: KnowledgeLocale;
  readonly question: string;
  /** The article that answers it, or null when the bot should offer the helpdesk instead. */
  readonly expected: string | null;
}

export interface EvaluatedQuestion extends LabelledQuestion {
  /** Best hit regardless of confidence. */
  readonly top: string | null;
  readonly confidence: number;
  /** What the bot would do: the article it answers with, or null (no good answer). */
  readonly answered: string | null;
}

export interface KnowledgeEvaluation {
  readonly threshold: number;
  readonly inScope: number;
  readonly outOfScope: number;
  /** In-scope questions whose best hit is the expected article (ignoring the threshold). */
  readonly top1Accuracy: number;
  /** In-scope questions answered (above the threshold) with the expected article. */
  readonly answeredCorrectly: number;
  /** In-scope questions the bot would not answer (below the threshold): sent to the helpdesk. */
  readonly inScopeDeferred: number;
  /** Out-of-scope questions below the threshold. */
  readonly outOfScopeRejected: number;
  /** All questions answered with a wrong article (in scope) or answered at all (out of scope). */
  readonly falseAnswers: number;
  /** Questions where top-1 or the answer differ from the label. */
  readonly confusions: readonly EvaluatedQuestion[];
  readonly results: readonly EvaluatedQuestion[];
}

const share = (count: number, of: number): number => (of === 0 ? 1 : count / of);

/** Runs the evaluation set through the knowledge base at a threshold (default: the base's own). */
export function evaluateKnowledge(
  kb: KnowledgeBase,
  questions: readonly LabelledQuestion[],
  threshold = kb.threshold,
): KnowledgeEvaluation {
  const results = questions.map((question): EvaluatedQuestion => {
    const [best] = kb.search(question.locale, question.question, 1);
    const confidence = best?.confidence ?? 0;
    const top = best?.article.id ?? null;
    return { ...question, top, confidence, answered: best && confidence >= threshold ? top : null };
  });
  const inScope = results.filter((result) => result.expected !== null);
  const outOfScope = results.filter((result) => result.expected === null);
  const wrongAnswers = results.filter((result) => result.answered !== null && result.answered !== result.expected);
  return {
    threshold,
    inScope: inScope.length,
    outOfScope: outOfScope.length,
    top1Accuracy: share(inScope.filter((result) => result.top === result.expected).length, inScope.length),
    answeredCorrectly: share(inScope.filter((result) => result.answered === result.expected).length, inScope.length),
    inScopeDeferred: share(inScope.filter((result) => result.answered === null).length, inScope.length),
    outOfScopeRejected: share(outOfScope.filter((result) => result.answered === null).length, outOfScope.length),
    falseAnswers: share(wrongAnswers.length, results.length),
    confusions: results.filter(
      (result) => (result.expected !== null && result.top !== result.expected) || result.answered !== result.expected,
    ),
    results,
  };
}
