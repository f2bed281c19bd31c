export { KnowledgeBaseError, knowledgeLocales, knowledgeSteps, parseArticle, checkComplete } from "./article.js";
export type { KnowledgeArticle, KnowledgeLocale, KnowledgeStep } from "./article.js";
export { loadKnowledgeArticles } from "./loader.js";
export { KnowledgeBase, DEFAULT_CONFIDENCE_THRESHOLD } from "./knowledge-base.js";
export type { KnowledgeHit, KnowledgeBaseOptions } from "./knowledge-base.js";
export { evaluateKnowledge } from "./evaluate.js";
export type { LabelledQuestion, EvaluatedQuestion, KnowledgeEvaluation } from "./evaluate.js";
