import matter from "gray-matter";
import { z } from "zod";
import { locales, type Locale } from "../../../i18n/messages.js";

/** Every language has its articles (knowledge/<locale>/). */
export const knowledgeLocales = locales;
export type KnowledgeLocale = Locale;

import { knowledgeSteps, type KnowledgeStep } from "../../enrollment/steps.js";
import { articlePlaceholders, unknownPlaceholders } from "./placeholders.js";

/** One help article in one language, as written by the helpdesk in `knowledge/<locale>/<id>.md`. */
export interface KnowledgeArticle {
  /** Stable id, the same in every language; equals the file name without `.md`. */
  readonly id: string;
  readonly locale: KnowledgeLocale;
  readonly title: string;
  readonly keywords: readonly string[];
  /** Example questions, as staff would ask them; they feed the search. */
  readonly questions: readonly string[];
  readonly step?: KnowledgeStep;
  /** Markdown body (Adaptive Cards TextBlocks render the subset used here). */
  readonly body: string;
  /** Where it was read from, for error messages. */
  readonly source: string;
}

/** A knowledge folder that cannot be used, naming the file and what is wrong with it. */
export class KnowledgeBaseError extends Error {
  override readonly name = "KnowledgeBaseError";
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`${file}: ${problems.join("; ")}`);
  }
}

const ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const text = z.string().trim().min(1, "must not be empty");

const frontMatterSchema = z.strictObject({
  id: z.string().regex(ID, "must be lowercase letters, digits and dashes (e.g. no-sms)"),
  title: text.max(120, "must be at most 120 characters"),
  keywords: z.array(text).min(1, "needs at least one keyword"),
  questions: z.array(text).min(2, "needs at least two example questions"),
  step: z.enum(knowledgeSteps).optional(),
});

/**
 * Parses one article file. `fileName` is `<id>.md`; `source` names the file in errors.
 * Throws KnowledgeBaseError listing every problem found.
 */
export function parseArticle(
  locale: KnowledgeLocale,
  fileName: string,
  content: string,
  source = `${locale}/${fileName}`,
): KnowledgeArticle {
  let parsed: matter.GrayMatterFile<string>;
  try {
    // Passing options bypasses gray-matter's content cache, whose entries are shared objects.
    parsed = matter(content, {});
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new KnowledgeBaseError(source, [`front matter is not valid YAML (${reason})`]);
  }
  if (!parsed.matter || parsed.matter.trim() === "") {
    throw new KnowledgeBaseError(source, ["no front matter: the file must start with a --- block (id, title, keywords, questions)"]);
  }
  const result = frontMatterSchema.safeParse(parsed.data);
  const problems = result.success
    ? []
    : result.error.issues.map((issue) => `${issue.path.length ? issue.path.join(".") : "front matter"}: ${issue.message}`);
  const expectedId = fileName.replace(/\.md$/, "");
  if (result.success && result.data.id !== expectedId) {
    problems.push(`id: "${result.data.id}" does not match the file name (expected "${expectedId}")`);
  }
  const body = parsed.content.trim();
  if (body === "") problems.push("body: the article text after the front matter is empty");
  for (const unknown of unknownPlaceholders(body)) {
    problems.push(`body: ${unknown} is not a placeholder (known: ${articlePlaceholders.map((name) => `{${name}}`).join(", ")})`);
  }
  if (!result.success || problems.length > 0) throw new KnowledgeBaseError(source, problems);
  const data = result.data;
  return {
    id: data.id,
    locale,
    title: data.title,
    keywords: data.keywords,
    questions: data.questions,
    ...(data.step ? { step: data.step } : {}),
    body,
    source,
  };
}

/** Checks that every locale has exactly the same ids; throws naming the missing files. */
export function checkComplete(articles: readonly KnowledgeArticle[], root = "knowledge"): void {
  const ids = new Map<KnowledgeLocale, Set<string>>(knowledgeLocales.map((locale) => [locale, new Set()]));
  for (const article of articles) ids.get(article.locale)?.add(article.id);
  const all = new Set(articles.map((article) => article.id));
  const missing: string[] = [];
  for (const locale of knowledgeLocales) {
    for (const id of all) {
      if (!ids.get(locale)?.has(id)) {
        const elsewhere = knowledgeLocales.filter((other) => ids.get(other)?.has(id));
        missing.push(`${root}/${locale}/${id}.md is missing (it exists in ${elsewhere.join(", ")})`);
      }
    }
  }
  if (missing.length > 0) throw new KnowledgeBaseError(root, missing);
  if (all.size === 0) throw new KnowledgeBaseError(root, ["no articles found"]);
}
