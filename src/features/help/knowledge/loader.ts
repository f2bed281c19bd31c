import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { checkComplete, KnowledgeBaseError, knowledgeLocales, parseArticle, type KnowledgeArticle } from "./article.js";
import { parseSynonyms, SYNONYMS_FILE, type Synonyms } from "./synonyms.js";

/**
 * Reads `<dir>/<locale>/<id>.md` for every locale and validates the whole set: each file's
 * front matter, and that both languages have the same ids. Throws KnowledgeBaseError naming
 * the offending file. With loadKnowledgeSynonyms the only file-system access of the knowledge
 * module, for the composition root (and the tests / benchmark) to call.
 */
export function loadKnowledgeArticles(dir: string): KnowledgeArticle[] {
  const articles: KnowledgeArticle[] = [];
  for (const locale of knowledgeLocales) {
    const folder = join(dir, locale);
    let names: string[];
    try {
      if (!statSync(folder).isDirectory()) throw new Error("not a directory");
      names = readdirSync(folder)
        .filter((name) => name.endsWith(".md"))
        .sort();
    } catch {
      throw new KnowledgeBaseError(folder, [`the folder for language "${locale}" is missing`]);
    }
    for (const name of names) {
      const path = join(folder, name);
      articles.push(parseArticle(locale, name, readFileSync(path, "utf8"), path));
    }
  }
  checkComplete(articles, dir);
  return articles;
}

/** Reads `<dir>/<locale>/synonyms.txt` of every language (a missing file is an empty table). */
export function loadKnowledgeSynonyms(dir: string): Synonyms {
  return Object.fromEntries(
    knowledgeLocales.map((locale) => {
      const path = join(dir, locale, SYNONYMS_FILE);
      return [locale, existsSync(path) ? parseSynonyms(readFileSync(path, "utf8"), path) : new Map()];
    }),
  );
}
