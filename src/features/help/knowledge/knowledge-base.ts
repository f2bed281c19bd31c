import MiniSearch, { type SearchOptions } from "minisearch";
import { knowledgeLocales, type KnowledgeArticle, type KnowledgeLocale } from "./article.js";
import type { KnowledgeStep } from "../../enrollment/steps.js";
import { loadKnowledgeArticles, loadKnowledgeSynonyms } from "./loader.js";
import type { Synonyms } from "./synonyms.js";
import { NearestExamples } from "./nearest-examples.js";
import { SearchTerms } from "./terms.js";
import { fold, normalise, tokenize } from "./text.js";

/** One search result. `confidence` is in [0, 1]; see KnowledgeBase.search. */
export interface KnowledgeHit {
  readonly article: KnowledgeArticle;
  /** The ranking score in [0, 1] (the two signals fused; only comparable within one query). */
  readonly score: number;
  readonly confidence: number;
}

export interface KnowledgeBaseOptions {
  /** Minimum confidence of the best hit for `answer` to return it. */
  readonly threshold?: number;
  /** Words people type → the words the articles use, per language (knowledge/<locale>/synonyms.txt). */
  readonly synonyms?: Synonyms;
  /** Weight of the word search against the nearest example in the ranking, 0 to 1 (default DEFAULT_WORD_SEARCH_WEIGHT). */
  readonly wordSearchWeight?: number;
}

/**
 * Calibrated on the tuning part of the evaluation set, test/fixtures/knowledge/questions.json
 * (`npm run bench:knowledge -- --sweep`; never on the held-out parts): the lowest value that still
 * rejects the out-of-scope questions while answering most in-scope ones. Below it the bot
 * should say it has no good answer and offer the helpdesk. At 0.42 (337 questions): 88.8% of
 * in-scope answered correctly, 92.9% of out-of-scope rejected, 3.9% false answers;
 * 0.39 answers 0.4 points more but rejects only 90.5%.
 */
export const DEFAULT_CONFIDENCE_THRESHOLD = 0.42;
/**
 * Weight of the word search (BM25) against the nearest example (character n-grams), 0 to 1, in the
 * ranking. Chosen by leave-one-out over the articles' own example questions (each taken out of its
 * article and searched for: 66.1% top-1 on BM25 alone, 66.5% on the nearest example alone, 70.6% at
 * 0.4 and 0.5, 69.0% at 0.7), which ties with 0.7 on the tuning part (94.6% top-1).
 */
export const DEFAULT_WORD_SEARCH_WEIGHT = 0.4;
/**
 * The same weight in the confidence (calibrated on the tuning part with the threshold): whether to
 * answer at all rests more on the word search, whose unknown words mark a question about something
 * else; an out-of-scope question still shares letter sequences with some example.
 */
const CONFIDENCE_WORD_SEARCH_WEIGHT = 0.7;

/** Field boosts: the curated fields (keywords, example questions, title) weigh more than prose. */
const BOOST = { title: 2, keywords: 2, questions: 1.5, body: 1 } as const;
/** Score per unit of query information (idf) at which a hit counts as a strong match. */
const STRONG_MATCH = 4;
/**
 * Weight of a query word no article contains, relative to its idf. Typos are corrected before the
 * search (terms.ts), so such a word is most likely a topic the articles do not cover ("printer").
 */
const UNKNOWN_WORD_WEIGHT = 1.25;

interface Doc {
  id: string;
  title: string;
  keywords: string;
  questions: string;
  body: string;
}

/** Typos: one edit from 4 letters, two from 8 (on stems). Short words must match exactly. */
const fuzzy = (term: string): number | false => (term.length < 4 ? false : term.length < 8 ? 1 : 2);
const prefix = (term: string): boolean => term.length >= 4;

/**
 * The help articles of both languages with a full-text search per language: MiniSearch
 * (BM25+, fuzzy and prefix matching) over title, keywords, example questions and body,
 * with Snowball stemming and å/ä/ö folding (see text.ts).
 */
export class KnowledgeBase {
  /** Reads and validates `<dir>/sv` and `<dir>/en`, articles and synonyms (throws KnowledgeBaseError naming the file). */
  static load(dir: string, options: KnowledgeBaseOptions = {}): KnowledgeBase {
    return new KnowledgeBase(loadKnowledgeArticles(dir), { synonyms: loadKnowledgeSynonyms(dir), ...options });
  }

  readonly threshold: number;
  private readonly wordSearchWeight: number;
  private readonly byLocale = new Map<KnowledgeLocale, Map<string, KnowledgeArticle>>();
  private readonly indexes = new Map<KnowledgeLocale, MiniSearch<Doc>>();
  private readonly terms = new Map<KnowledgeLocale, SearchTerms>();
  private readonly examples = new Map<KnowledgeLocale, NearestExamples>();

  constructor(articles: readonly KnowledgeArticle[], options: KnowledgeBaseOptions = {}) {
    this.threshold = options.threshold ?? DEFAULT_CONFIDENCE_THRESHOLD;
    this.wordSearchWeight = options.wordSearchWeight ?? DEFAULT_WORD_SEARCH_WEIGHT;
    for (const locale of knowledgeLocales) {
      const own = articles.filter((article) => article.locale === locale);
      this.byLocale.set(locale, new Map(own.map((article) => [article.id, article])));
      const texts = own.flatMap((article) => [article.title, ...article.keywords, ...article.questions, article.body]);
      const terms = new SearchTerms(locale, options.synonyms?.[locale] ?? new Map(), texts);
      this.terms.set(locale, terms);
      const index = new MiniSearch<Doc>({
        fields: ["title", "keywords", "questions", "body"],
        tokenize: (text) => text.split(/[^\p{L}\p{N}]+/u).filter(Boolean),
        processTerm: (term) => terms.index(term),
      });
      index.addAll(
        own.map((article) => ({
          id: article.id,
          title: article.title,
          keywords: article.keywords.join(" . "),
          questions: article.questions.join(" . "),
          body: article.body,
        })),
      );
      this.indexes.set(locale, index);
      const examples = own.flatMap((article) =>
        [article.title, ...article.keywords, ...article.questions].map((text) => ({ label: article.id, text })),
      );
      this.examples.set(locale, new NearestExamples(examples, (text) => comparable(locale, terms, text)));
    }
  }

  /** The article ids (the same in every language), sorted. */
  ids(): string[] {
    return [...(this.byLocale.get("sv")?.keys() ?? [])].sort();
  }

  get(locale: KnowledgeLocale, id: string): KnowledgeArticle | undefined {
    return this.byLocale.get(locale)?.get(id);
  }

  /** All articles of a language, in id order. */
  list(locale: KnowledgeLocale): KnowledgeArticle[] {
    return [...(this.byLocale.get(locale)?.values() ?? [])].sort((a, b) => a.id.localeCompare(b.id));
  }

  /** The articles that belong to an enrollment step (for contextual help on a failing step). */
  forStep(locale: KnowledgeLocale, step: KnowledgeStep): KnowledgeArticle[] {
    return this.list(locale).filter((article) => article.step === step);
  }

  /** The best hit when it is confident enough, otherwise null (offer the helpdesk instead). */
  answer(locale: KnowledgeLocale, query: string): KnowledgeHit | null {
    const [best] = this.search(locale, query, 1);
    return best && best.confidence >= this.threshold ? best : null;
  }

  /**
   * The best matching articles, best first. Two signals are fused: the word search (BM25, see wordSearch)
   * and the similarity of the question to each article's nearest example (its title, keywords and example
   * questions as character n-grams, see nearest-examples.ts), which still sees a word through a typo, an
   * inflection or a compound the word search's rules miss. Ranking: the weighted mean of the BM25 score
   * relative to the best one and the similarity; confidence: a weighted mean of the BM25 confidence and
   * the similarity.
   */
  search(locale: KnowledgeLocale, query: string, limit = 3): KnowledgeHit[] {
    const articles = this.byLocale.get(locale);
    const examples = this.examples.get(locale);
    if (!articles || !examples || typeof query !== "string") return [];
    const words = this.wordSearch(locale, query);
    const top = words[0]?.score ?? 0;
    const byWords = new Map(words.map((hit) => [hit.article.id, hit]));
    // A question the word search finds nothing for (stop words only, no article word) gets no answer:
    // shared letter sequences alone are no evidence.
    const similar = words.length === 0 ? new Map<string, number>() : examples.similarities(query.slice(0, 500));
    const w = this.wordSearchWeight;
    const c = CONFIDENCE_WORD_SEARCH_WEIGHT;
    return [...new Set([...byWords.keys(), ...similar.keys()])]
      .flatMap((id) => {
        const article = articles.get(id);
        if (!article) return [];
        const hit = byWords.get(id);
        const similarity = similar.get(id) ?? 0;
        const score = w * (hit && top > 0 ? hit.score / top : 0) + (1 - w) * similarity;
        return [{ article, score, confidence: c * (hit?.confidence ?? 0) + (1 - c) * similarity }];
      })
      .sort((a, b) => b.score - a.score || a.article.id.localeCompare(b.article.id))
      .slice(0, Math.max(0, limit));
  }

  /**
   * The word search alone. Confidence of a hit = the share of the query's information (idf-weighted
   * query terms) that the article matches, times how strongly it matches (score per unit of idf, capped
   * at 1), times its score relative to the best hit. Unknown words ("wifi", "lunch") carry the highest
   * idf, so a question about something else gets a low confidence even when one of its words occurs in
   * an article.
   */
  private wordSearch(locale: KnowledgeLocale, query: string): KnowledgeHit[] {
    const index = this.indexes.get(locale);
    const articles = this.byLocale.get(locale);
    const processor = this.terms.get(locale);
    if (!index || !articles || !processor || typeof query !== "string") return [];
    const processed = processor.query(query.slice(0, 500));
    if (processed.length === 0) return [];
    const terms = processed.map((term) => term.term);
    const weak = new Set(processed.filter((term) => term.weak).map((term) => term.term));
    const options: SearchOptions = {
      tokenize: (text) => text.split(" "),
      processTerm: (term) => term,
      boost: { ...BOOST },
      fuzzy,
      prefix,
      combineWith: "OR",
    };
    const results = index.search(terms.join(" "), options);
    if (results.length === 0) return [];
    const total = index.documentCount;
    const df = new Map<string, number>(terms.map((term) => [term, 0]));
    for (const result of results) for (const term of new Set(result.queryTerms)) df.set(term, (df.get(term) ?? 0) + 1);
    const idf = (term: string): number => {
      const n = weak.has(term) ? 0 : (df.get(term) ?? 0);
      return Math.log(1 + (total - n + 0.5) / (n + 0.5));
    };
    const weight = (term: string): number => (df.get(term) === 0 && !weak.has(term) ? UNKNOWN_WORD_WEIGHT : 1);
    const information = terms.reduce((sum, term) => sum + idf(term) * weight(term), 0);
    const top = results[0]?.score ?? 0;
    return results.flatMap((result) => {
      const article = articles.get(String(result.id));
      if (!article) return [];
      const matched = new Set(result.queryTerms);
      const coverage = terms.reduce((sum, term) => sum + (matched.has(term) && !weak.has(term) ? idf(term) : 0), 0) / information;
      const strength = Math.min(1, result.score / information / STRONG_MATCH);
      const confidence = coverage * strength * (top > 0 ? result.score / top : 0);
      return [{ article, score: result.score, confidence }];
    });
  }
}

/** What the nearest-example signal compares: the words without stop words, and the search terms (synonyms applied), å/ä/ö folded. */
function comparable(locale: KnowledgeLocale, terms: SearchTerms, text: string): string {
  const words = tokenize(text).flatMap((word) => normalise(locale, word) ?? []);
  return fold([...words, ...terms.query(text).map((term) => term.term)].join(" "));
}
