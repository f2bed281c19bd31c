import levenshtein from "damerau-levenshtein";
import type { KnowledgeLocale } from "./article.js";
import type { SynonymTable } from "./synonyms.js";
import { fold, normalise, stem, tokenize } from "./text.js";

/** A processed query term. */
export interface QueryTerm {
  /** The stem, as typed (with or without å ä ö). */
  readonly term: string;
  /**
   * The stemmer cut four or more letters ("skrivaren" → "skriv"): a match on such a stem is
   * weak evidence that the question is about the same thing (the printer is not "to write").
   */
  readonly weak: boolean;
}

/** Swedish plural definite endings ("koderna" → "kod", "telefonerna"): the same word inflected, not a weak match. */
const PLURAL_DEFINITE = new Set(["arna", "erna", "orna"]);
/** Compound parts are at least this long ("sms", "kod", "app"); shorter splits are mostly accidents. */
const MIN_PART = 3;
/** Only words this long are taken apart ("smskoden", "mobilnr"); shorter ones are mostly inflections ("startar"). */
const MIN_COMPOUND = 7;
/**
 * Typos corrected: one edit (a swap of two letters is one) from 3 letters, two from 8. A 3-letter word
 * only gets its letters swapped back ("nwe" → "new"; "lön" is no typo of "lån").
 */
const typoEdits = (word: string): number => (word.length < 3 ? 0 : word.length < 8 ? 1 : 2);
/** Folded spellings count as words from this length ("losenord"); shorter ones collide ("star" is "står"). */
const MIN_FOLDED = 5;

/**
 * The terms of one language's search, for the index and for queries alike, so both sides meet:
 * - a word from the synonym table becomes the word the articles use ("lur" → "telefon"), matched
 *   on the word, its stem and its å/ä/ö-folded spellings;
 * - a word the articles do not contain that is a compound of words they do ("jobbmobilen",
 *   "smskoden") becomes its parts, with or without a linking s; an article's compound is also
 *   indexed under its last part ("mobilnummer" under "nummer");
 * - a word that is neither becomes the article word it is a typo of, if one is close ("phoen");
 * - then stop words go, Snowball stems the rest, and the index also stores folded spellings
 *   ("losenord" finds "lösenord").
 */
export class SearchTerms {
  private readonly synonyms = new Map<string, string>();
  /** Every form of every article word: word, stem, folded spellings. */
  private readonly vocabulary = new Set<string>();
  /**
   * What a compound's first part must be: an article word as written (folded too when long enough), or
   * the stem of one ("jobb" of "jobbet"), as compounds are formed from stems.
   */
  private readonly words = new Set<string>();
  /** What a misspelt word is corrected to: the article words and the synonyms, as written (3 letters or more). */
  private readonly spellings = new Set<string>();
  private readonly corrections = new Map<string, string | null>();

  constructor(
    private readonly locale: KnowledgeLocale,
    synonyms: SynonymTable,
    articleTexts: readonly string[],
  ) {
    for (const [variant, word] of synonyms) {
      for (const key of this.keys(variant)) if (!this.synonyms.has(key)) this.synonyms.set(key, word);
      if (variant.length >= MIN_PART) this.spellings.add(variant);
    }
    for (const word of [...synonyms.values(), ...articleTexts.flatMap(tokenize)]) {
      const lower = normalise(locale, this.synonym(word.toLowerCase()) ?? word);
      if (lower === null) continue;
      for (const key of this.keys(lower)) this.vocabulary.add(key);
      this.words.add(lower);
      if (lower.length >= MIN_PART) this.spellings.add(lower);
      if (lower.length >= MIN_FOLDED) this.words.add(fold(lower));
      const stemmed = stem(locale, lower);
      if (stemmed.length > MIN_PART) this.words.add(stemmed);
    }
  }

  /** Index side: the stems of the word (and of its last part, if it is a compound), with folded variants. */
  index(token: string): string[] | null {
    const word = normalise(this.locale, token);
    if (word === null) return null;
    // A compound is also found by its last part, which names what it is (a "mobilnummer" is a number),
    // not by its first ("jag har bytt mobil" is not about numbers).
    const words = [this.synonym(word) ?? word, ...(this.split(word)?.slice(-1) ?? [])];
    const terms = words.flatMap((each) => {
      const stemmed = stem(this.locale, each);
      return [stemmed, fold(stemmed), stem(this.locale, fold(each))];
    });
    return [...new Set(terms)];
  }

  /** The distinct processed terms of a query, in order. */
  query(text: string): QueryTerm[] {
    const seen = new Map<string, QueryTerm>();
    const add = (term: string, weak: boolean) => {
      const previous = seen.get(term);
      if (!previous || (previous.weak && !weak)) seen.set(term, { term, weak });
    };
    for (const token of tokenize(text)) {
      const word = normalise(this.locale, token);
      if (word === null) continue;
      const synonym = this.synonym(word);
      const unknown = synonym === undefined && !this.known(word);
      const parts = unknown ? (this.split(word) ?? this.correct(word)) : null;
      if (synonym !== undefined) add(stem(this.locale, synonym), false);
      else if (parts) for (const part of parts) add(stem(this.locale, part), false);
      else {
        const term = stem(this.locale, word);
        const cut = word.slice(term.length);
        // "menas" stems to the stop word "men": no topic left, like the stop word itself.
        if (stopWord(this.locale, term)) continue;
        add(term, cut.length >= 4 && !(this.locale === "sv" && PLURAL_DEFINITE.has(cut)));
      }
    }
    return [...seen.values()];
  }

  /** The word, its stem, and their folded spellings: the forms a synonym or vocabulary word is recognised by. */
  private keys(word: string): string[] {
    const stemmed = stem(this.locale, word);
    return [...new Set([word, fold(word), stemmed, fold(stemmed), stem(this.locale, fold(word))])];
  }

  private synonym(word: string): string | undefined {
    for (const key of this.keys(word)) {
      const found = this.synonyms.get(key);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  private known(word: string): boolean {
    return this.synonym(word) !== undefined || this.keys(word).some((key) => this.vocabulary.has(key));
  }

  /**
   * A word the articles do not know, as the closest article word or synonym within typoEdits
   * (Damerau-Levenshtein: "phoen" → "phone", "citirx" → "citrix"), synonyms applied; null if none is that close.
   * MiniSearch's own fuzzy matching still applies, but scores a fuzzy match lower, so a typo alone could
   * push a clear question below the confidence threshold.
   */
  private correct(word: string): string[] | null {
    let corrected = this.corrections.get(word);
    if (corrected === undefined) {
      const allowed = typoEdits(word);
      let best = allowed + 1;
      corrected = null;
      for (const candidate of this.spellings) {
        if (Math.abs(candidate.length - word.length) > allowed) continue;
        const { steps } = levenshtein(word, candidate);
        if (steps < best && !cutShort(word, candidate) && (allowed > 1 || !otherWord(word, candidate)))
          [best, corrected] = [steps, candidate];
      }
      if (this.corrections.size < 10_000) this.corrections.set(word, corrected);
    }
    return corrected === null ? null : [this.synonym(corrected) ?? corrected];
  }

  /** A first part: an article word as written, or a synonym, and no stop word. */
  private head(word: string): boolean {
    return (this.words.has(word) || this.synonym(word) !== undefined) && !stopWord(this.locale, word);
  }

  /** A last part: any form of an article word ("koden"), or a synonym, and no stop word. */
  private tail(word: string): boolean {
    return (word.length > MIN_PART ? this.known(word) : this.head(word)) && !stopWord(this.locale, word);
  }

  /**
   * A compound of article words, as those words (synonyms applied), longest first part first, with
   * or without a linking s ("inloggningskod"); null if it is none.
   */
  private split(word: string, depth = 0): string[] | null {
    if (word.length < (depth === 0 ? MIN_COMPOUND : 2 * MIN_PART) || depth > 2) return null;
    for (let at = word.length - MIN_PART; at >= MIN_PART; at--) {
      const tail = word.slice(at);
      for (const head of [word.slice(0, at), ...(word[at - 1] === "s" && at > MIN_PART ? [word.slice(0, at - 1)] : [])]) {
        if (!this.head(head)) continue;
        const rest = this.tail(tail) ? [tail] : this.split(tail, depth + 1);
        if (rest) return [head, ...rest].map((part) => this.synonym(part) ?? part);
      }
    }
    return null;
  }
}

/**
 * A short word one letter different from an article word is often another word ("lönen" is not "lösen",
 * "park" is not "mark"); letters swapped, left out or doubled are typos ("phoen", "stuln", "spärat").
 */
const otherWord = (word: string, candidate: string): boolean =>
  (word.length === candidate.length || word.length === MIN_PART) && [...word].sort().join("") !== [...candidate].sort().join("");
/** A word cut short ("dator" for "datorn") is left to the search's prefix matching, which weighs it less. */
const cutShort = (word: string, candidate: string): boolean => candidate.startsWith(word);

const stopWord = (locale: KnowledgeLocale, word: string): boolean => normalise(locale, word) === null;
