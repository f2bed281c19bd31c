// Named imports work both in Node ESM and when transpiled to CommonJS (the package sets __esModule).
import { newStemmer } from "snowball-stemmers";
import type { KnowledgeLocale } from "./article.js";

/**
 * Language-aware term processing for the knowledge search: lowercase, drop stop words,
 * stem with Snowball (Swedish / English). For the index each word also yields an
 * accent-folded variant (å ä → a, ö → o, é → e), so a query typed without å ä ö
 * ("losenord") still finds "lösenord", while a query typed with them matches exactly.
 */

/** Function words that carry no topic; they would only add noise to BM25 and to coverage. */
const stopWordLists: Record<KnowledgeLocale, readonly string[]> = {
  sv: (
    "alla allt att av bara blev bli blir de dem den denna deras dess det detta dig din dina ditt du där då " +
    "efter eftersom ej eller en er ert ett fast fick finns från fått får för gå går gör göra gjort gjorde förra ha hade han har hej hela helt hon hos hur " +
    "här i ibland idag igen inte jag ju kan kanske kommer kunde man med mej men mig min mina mitt mycket måste " +
    "nu när nåt någon något några och också om oss på sa sedan sig sin sina sitt ska skall skulle som så tack till ty " +
    "under upp ut vad var vars vem vi vid vill vilka vilken vilket åt än är ännu även ok okej asså typ et imorgon igår nyss snart " +
    // Chat Swedish: spoken forms and fillers.
    "ja dom dej nån nåt nått sen ni fortfarande liksom alltså väl lite just ens nog hallå hejsan tja snälla undrar"
  ).split(" "),
  en: (
    "a about after again am an and any are as at be been being but by can cannot could did didn do does doesn don " +
    "for from get got had has have hello hi how i i'm if in into is isn it it's its just me my myself need not now of on or our " +
    "please s should so some t than thanks that the their them then there this to too up us very was wasn we were what " +
    "when where which who will with won would you your cant dont didnt doesnt isnt wont im ive " +
    // Chat English: fillers.
    "still keep keeps kept thing stuff hey pls plz anyone someone really also even yet anymore"
  ).split(" "),
};
/** The lists plus their folded spellings ("ar" for "är"), as people type without å ä ö. */
const stopWords: Record<KnowledgeLocale, ReadonlySet<string>> = {
  sv: new Set(stopWordLists.sv.flatMap((word) => [word, fold(word)])),
  en: new Set(stopWordLists.en),
};
// "ingen"/"inget"/"inga" and "no" are kept: "ingen kod", "får ingen sms", "no signal" are what
// separates the "nothing arrives / nothing shown" articles from the "wrong code" ones. So are
// "varför" and "why": "why do I need this?" has no other word that points to the article that says why.
// So is "gick": "sms-koden gick ut" (expired) has no other word that tells it from "no SMS came".

const stemmers = {
  sv: newStemmer("swedish"),
  en: newStemmer("english"),
};

const stemCache = new Map<string, string>();

export function stem(locale: KnowledgeLocale, word: string): string {
  const key = `${locale}:${word}`;
  let stemmed = stemCache.get(key);
  if (stemmed === undefined) {
    stemmed = stemmers[locale].stem(word);
    // Snowball Swedish keeps the definite neuter ending -et ("lösenordet", "sms:et" typed "smset").
    if (locale === "sv" && stemmed.length >= 5 && stemmed.endsWith("et")) stemmed = stemmed.slice(0, -2);
    if (stemCache.size < 50_000) stemCache.set(key, stemmed);
  }
  return stemmed;
}

/** Removes diacritics: å ä → a, ö → o, é → e, ü → u. */
export function fold(term: string): string {
  return term.normalize("NFD").replace(/\p{M}/gu, "").normalize("NFC");
}

/** Splits text on whitespace and punctuation (keeps letters and digits of any script). */
export function tokenize(text: string): string[] {
  return text.split(/[^\p{L}\p{N}]+/u).filter((token) => token.length > 0);
}

/** Lowercase; null for a stop word or a single letter (digits stay: "6 siffror"). */
export function normalise(locale: KnowledgeLocale, term: string): string | null {
  const word = term.normalize("NFC").toLowerCase();
  if (word.length < 2 && !/^\d$/.test(word)) return null;
  const words = stopWords[locale];
  if (words.has(word)) return null;
  return word;
}
