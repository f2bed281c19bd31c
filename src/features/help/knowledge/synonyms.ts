import { KnowledgeBaseError, type KnowledgeLocale } from "./article.js";
import { tokenize } from "./text.js";

/** Typed word (lowercase) → the word the articles use for it, for one language. */
export type SynonymTable = ReadonlyMap<string, string>;
export type Synonyms = Partial<Record<KnowledgeLocale, SynonymTable>>;

/** Each language's table lives next to its articles; the helpdesk edits it like an article. */
export const SYNONYMS_FILE = "synonyms.txt";

const oneWord = (text: string): string | null => {
  const words = tokenize(text.toLowerCase());
  return words.length === 1 && words[0] === text.toLowerCase() ? words[0] : null;
};

/**
 * Parses a synonym table: one line per article word, `telefon: mobil, lur, luren`: the word the
 * articles use, a colon, the words people type for it (inflected forms need not be listed: they
 * are matched on their stem). `#` starts a comment. Throws KnowledgeBaseError listing every bad line.
 */
export function parseSynonyms(content: string, source: string): Map<string, string> {
  const table = new Map<string, string>();
  const problems: string[] = [];
  content.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.replace(/#.*$/, "").trim();
    if (line === "") return;
    const where = `line ${index + 1}`;
    const [head, list, ...rest] = line.split(":");
    const word = oneWord(head?.trim() ?? "");
    if (list === undefined || rest.length > 0 || word === null) {
      problems.push(`${where}: expected "word: variant, variant" with one word before the colon`);
      return;
    }
    for (const item of list.split(",").map((part) => part.trim())) {
      const variant = oneWord(item);
      if (variant === null) problems.push(`${where}: "${item}" is not one word (letters and digits only)`);
      else if (variant === word) problems.push(`${where}: "${item}" is the word itself`);
      else if (table.has(variant)) problems.push(`${where}: "${item}" is already a variant of "${table.get(variant)}"`);
      else table.set(variant, word);
    }
  });
  if (problems.length > 0) throw new KnowledgeBaseError(source, problems);
  return table;
}
