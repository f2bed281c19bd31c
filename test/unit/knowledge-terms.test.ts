import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { KnowledgeBaseError } from "../../src/features/help/knowledge/index.js";
import { loadKnowledgeSynonyms } from "../../src/features/help/knowledge/loader.js";
import { parseSynonyms } from "../../src/features/help/knowledge/synonyms.js";
import { SearchTerms } from "../../src/features/help/knowledge/terms.js";

const problems = (content: string): readonly string[] => {
  try {
    parseSynonyms(content, "sv/synonyms.txt");
  } catch (error) {
    expect(error).toBeInstanceOf(KnowledgeBaseError);
    expect((error as KnowledgeBaseError).file).toBe("sv/synonyms.txt");
    return (error as KnowledgeBaseError).problems;
  }
  throw new Error("expected a KnowledgeBaseError");
};

describe("synonym tables (knowledge/<locale>/synonyms.txt)", () => {
  it("maps each variant to the article word, ignoring comments, blank lines and case", () => {
    const table = parseSynonyms("# Telefonen\n\ntelefon: mobil, Lur , lurn  # vardagligt\nSMS: smset\n", "x");
    expect([...table]).toEqual([
      ["mobil", "telefon"],
      ["lur", "telefon"],
      ["lurn", "telefon"],
      ["smset", "sms"],
    ]);
  });

  it("names the line and the problem: no colon, more than one word, a word twice, the word itself", () => {
    expect(problems("telefon mobil\nny telefon: mobil\nsms: sms-kod, sms\ntelefon: lur\nmobil: lur\n")).toEqual([
      'line 1: expected "word: variant, variant" with one word before the colon',
      'line 2: expected "word: variant, variant" with one word before the colon',
      'line 3: "sms-kod" is not one word (letters and digits only)',
      'line 3: "sms" is the word itself',
      'line 5: "lur" is already a variant of "telefon"',
    ]);
  });

  it("reads both languages' tables; a language without one has an empty table", () => {
    const dir = mkdtempSync(join(tmpdir(), "synonyms-"));
    try {
      for (const locale of ["sv", "en"]) mkdirSync(join(dir, locale));
      writeFileSync(join(dir, "sv", "synonyms.txt"), "telefon: lur\n");
      const synonyms = loadKnowledgeSynonyms(dir);
      expect([...(synonyms.sv ?? [])]).toEqual([["lur", "telefon"]]);
      expect(synonyms.en?.size).toBe(0);
      writeFileSync(join(dir, "en", "synonyms.txt"), "phone mobile\n");
      expect(() => loadKnowledgeSynonyms(dir)).toThrow(/en[/\\]synonyms\.txt: line 1/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("search terms", () => {
  const articles = [
    "Jag har tappat telefonen",
    "Byt mobilnummer",
    "Fel nummer",
    "Koden från jobbet",
    "Skanna QR-koden",
    "Lösenordet har gått ut",
  ];
  const sv = new SearchTerms("sv", parseSynonyms("telefon: mobil, lur\nlösenord: lösen\n", "x"), articles);
  const terms = (query: string) => sv.query(query).map((term) => term.term);

  it("turns a synonym into the article word, also inflected and folded", () => {
    expect(terms("luren")).toEqual(terms("telefon"));
    expect(terms("tappat mobilen")).toEqual(terms("tappat telefonen"));
    expect(terms("glömt losen")).toEqual(terms("glömt lösenord"));
    // The index side does the same, so an article that says "mobil" is found by "telefon".
    expect(sv.index("mobilen")).toEqual(expect.arrayContaining(terms("telefon")));
  });

  it("takes a compound of article words apart, with or without a linking s, and indexes a compound under its last part", () => {
    expect(terms("jobbmobilen")).toEqual([...terms("jobbet"), ...terms("telefon")]);
    expect(terms("telefonkoden")).toEqual([...terms("telefon"), ...terms("koden")]);
    expect(terms("lösenordskoden")).toEqual([...terms("lösenord"), ...terms("kod")]);
    expect(sv.index("mobilnummer")).toEqual(expect.arrayContaining(terms("nummer")));
    expect(sv.index("mobilnummer")).not.toEqual(expect.arrayContaining(terms("telefon")));
    // Not a compound of article words, or too short to be one: left as it is.
    expect(terms("kaffemaskinen")).toEqual(["kaffemaskin"]);
    expect(terms("startar")).toEqual(["start"]);
  });

  it("corrects a typo to the article word it is close to, but not another word or a word cut short", () => {
    expect(terms("telefnoen")).toEqual(terms("telefon"));
    expect(terms("tapat")).toEqual(terms("tappat"));
    expect(terms("skana")).toEqual(terms("skanna"));
    // One letter different in a short word is usually another word; a cut-short word is left to prefix search.
    expect(terms("lönen")).toEqual(["lön"]);
    expect(terms("telef")).toEqual(["telef"]);
    // A 3-letter word only gets swapped letters back.
    const en = new SearchTerms("en", new Map(), ["I have a new phone", "The app shows no code"]);
    expect(en.query("nwe phnoe").map((term) => term.term)).toEqual(["new", "phone"]);
    expect(en.query("cod").map((term) => term.term)).toEqual(["cod"]);
  });
});
