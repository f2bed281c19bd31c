export { KnowledgeBaseError, knowledgeLocales, parseArticle, checkComplete } from "./article.js";
export { knowledgeSteps, type KnowledgeStep } from "../../enrollment/steps.js";
export type { KnowledgeArticle, KnowledgeLocale } from "./article.js";
export { loadKnowledgeArticles } from "./loader.js";
export { KnowledgeBase, DEFAULT_CONFIDENCE_THRESHOLD } from "./knowledge-base.js";
export type { KnowledgeHit, KnowledgeBaseOptions } from "./knowledge-base.js";
export { evaluateKnowledge } from "./evaluate.js";
export type { LabelledQuestion, EvaluatedQuestion, KnowledgeEvaluation } from "./evaluate.js";
export { withSettings } from "./placeholders.js";
