import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { loginSteps, type LoginMode } from "../../src/i18n/login-steps.js";
import {
  evaluateKnowledge,
  KnowledgeBase,
  KnowledgeBaseError,
  knowledgeLocales,
  loadKnowledgeArticles,
  loadKnowledgeSynonyms,
  parseArticle,
  withSettings,
  type KnowledgeArticle,
  type KnowledgeLocale,
  type LabelledQuestion,
} from "../../src/features/help/knowledge/index.js";
import { SearchTerms } from "../../src/features/help/knowledge/terms.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const knowledgeDir = join(root, "knowledge");
const evaluationSet = (file: string) => JSON.parse(readFileSync(join(root, "test/fixtures/knowledge", file), "utf8")) as LabelledQuestion[];
/** The part the articles and the search were tuned on, and the parts written before a round of tuning and never tuned on. */
const questions = evaluationSet("questions.json");
const heldOut = evaluationSet("held-out.json");
const heldOut2 = evaluationSet("held-out-2.json");
const heldOut3 = evaluationSet("held-out-3.json");
const kb = KnowledgeBase.load(knowledgeDir);

/** The articles as the bot serves them: placeholders filled from the configuration. */
const configured = (articles: KnowledgeArticle[], mode: LoginMode = "otp", citrixUrl = "https://citrix.regionjh.se", sender = "RegionJH") =>
  withSettings(articles, { loginSteps: (locale) => loginSteps(locale, mode, citrixUrl), smsSender: () => sender });

/** The ids issue 5 asks for. */
const requiredIds = [
  "install-app",
  "no-sms",
  "sms-expired",
  "wrong-mobile",
  "wrong-password",
  "account-locked",
  "qr-scan",
  "work-or-school",
  "code-rejected",
  "no-code-shown",
  "new-phone",
  "lost-phone",
  "citrix-login",
  "multiple-devices",
  "no-smartphone",
  "siths",
  "privacy",
  "abroad",
  // Issue 13: codes refused at the Citrix login, and "can I use my private phone?".
  "login-code-refused",
  "private-phone",
];

const article = (id: string, extra = "") =>
  `---\nid: ${id}\ntitle: Rubrik\nkeywords: [sms]\nquestions:\n  - Fråga ett?\n  - Fråga två?\n${extra}---\nText.\n`;

describe("knowledge articles on disk", () => {
  it("has every article the issue asks for, in both languages", () => {
    expect(kb.ids()).toEqual(expect.arrayContaining(requiredIds));
    for (const locale of knowledgeLocales) {
      for (const id of kb.ids()) expect(kb.get(locale, id), `${locale}/${id}.md`).toBeDefined();
    }
  });

  it("keeps bodies short (60–180 words) and points to the right places", () => {
    for (const locale of knowledgeLocales) {
      for (const item of kb.list(locale)) {
        const words = item.body.split(/\s+/).filter((word) => /[\p{L}\p{N}]/u.test(word)).length;
        expect(words, item.source).toBeGreaterThanOrEqual(60);
        expect(words, item.source).toBeLessThanOrEqual(180);
        expect(item.questions.length, item.source).toBeGreaterThanOrEqual(3);
      }
    }
    // The Citrix article says how the login goes in the configured mode, as the done card does.
    for (const mode of ["otp", "password+otp", "challenge"] as const) {
      const filled = configured(
        kb
          .list("sv")
          .concat(kb.list("en"))
          .filter((a) => a.id === "citrix-login"),
        mode,
      );
      expect(filled.map((a) => a.body)).toEqual([
        expect.stringContaining("https://citrix.regionjh.se"),
        expect.stringContaining("https://citrix.regionjh.se"),
      ]);
      expect(filled.map((a) => a.body).join()).not.toContain("{loginSteps}");
    }
    expect(
      configured(
        kb.list("sv").filter((a) => a.id === "citrix-login"),
        "password+otp",
        "x",
      )[0]?.body,
    ).toContain("utan mellanslag");
    expect(kb.get("sv", "new-phone")?.body).toMatch(/skriv \*\*”hej”\*\* till boten/i);
    expect(kb.get("en", "new-phone")?.body).toMatch(/type \*\*“hi”\*\* to the bot/i);
  });

  it("names the configured SMS sender (SMS_SENDER_NAME), never the old PhenixID sender", () => {
    const all = [...kb.list("sv"), ...kb.list("en")];
    const filled = configured(all, "otp", "x", "Region9");
    for (const locale of knowledgeLocales) {
      expect(filled.find((a) => a.locale === locale && a.id === "no-sms")?.body).toContain("**Region9**");
    }
    for (const item of filled) {
      expect(item.body, item.source).not.toMatch(/\{\w+\}|PHX/);
      expect([item.title, ...item.keywords, ...item.questions].join(" "), item.source).not.toContain("PHX");
    }
    for (const q of [...questions, ...heldOut, ...heldOut2, ...heldOut3]) expect(q.question).not.toContain("PHX");
  });

  it("gives the same step to an article in both languages, and has articles for the failing steps", () => {
    for (const id of kb.ids()) expect(kb.get("en", id)?.step, id).toBe(kb.get("sv", id)?.step);
    expect(kb.forStep("sv", "sms").map((item) => item.id)).toEqual(expect.arrayContaining(["no-sms", "sms-expired", "wrong-mobile"]));
    expect(kb.forStep("en", "qr").map((item) => item.id)).toEqual(expect.arrayContaining(["qr-scan", "code-rejected", "no-code-shown"]));
  });
});

describe("loader validation", () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });
  const folder = (files: Record<string, string>): string => {
    dir = mkdtempSync(join(tmpdir(), "knowledge-"));
    for (const locale of knowledgeLocales) mkdirSync(join(dir, locale));
    for (const [path, content] of Object.entries(files)) writeFileSync(join(dir, path), content);
    return dir;
  };
  const failure = (run: () => unknown): KnowledgeBaseError => {
    try {
      run();
    } catch (error) {
      expect(error).toBeInstanceOf(KnowledgeBaseError);
      return error as KnowledgeBaseError;
    }
    throw new Error("expected a KnowledgeBaseError");
  };

  it("accepts a complete, valid folder", () => {
    const articles = loadKnowledgeArticles(
      folder({ "sv/no-sms.md": article("no-sms", "step: sms\n"), "en/no-sms.md": article("no-sms", "step: sms\n") }),
    );
    expect(articles.map((item) => `${item.locale}/${item.id}/${item.step}`)).toEqual(["sv/no-sms/sms", "en/no-sms/sms"]);
  });

  it("names the file and the field when front matter is missing a required field", () => {
    const bad = "---\nid: no-sms\nkeywords: [sms]\nquestions: [a, b]\n---\nText.\n";
    const error = failure(() => loadKnowledgeArticles(folder({ "sv/no-sms.md": bad, "en/no-sms.md": article("no-sms") })));
    expect(error.file).toBe(join(dir!, "sv", "no-sms.md"));
    expect(error.message).toMatch(/no-sms\.md: .*title/);
  });

  it("rejects broken YAML, unknown fields, a bad step, an id that is not the file name, and an empty body", () => {
    expect(failure(() => parseArticle("sv", "x.md", "---\nid: x\ntitle: [unclosed\n---\nText\n")).message).toMatch(
      /sv\/x\.md: front matter is not valid YAML/,
    );
    expect(failure(() => parseArticle("sv", "no-sms.md", article("no-sms", "keyword: [typo]\n"))).message).toMatch(/keyword/);
    expect(failure(() => parseArticle("sv", "no-sms.md", article("no-sms", "step: login\n"))).message).toMatch(/step/);
    expect(failure(() => parseArticle("sv", "no-sms.md", article("sms-expired"))).message).toMatch(/does not match the file name/);
    expect(failure(() => parseArticle("sv", "no-sms.md", article("no-sms").replace("Text.", " "))).message).toMatch(/body/);
    expect(failure(() => parseArticle("sv", "no-sms.md", "Just text, no front matter.")).message).toMatch(/no front matter/);
    expect(failure(() => parseArticle("sv", "no-sms.md", article("no-sms").replace("Text.", "Från {smsSendr}."))).message).toMatch(
      /body: \{smsSendr\} is not a placeholder \(known: \{loginSteps\}, \{smsSender\}\)/,
    );
  });

  it("names the missing translation when the languages differ", () => {
    const error = failure(() =>
      loadKnowledgeArticles(
        folder({ "sv/no-sms.md": article("no-sms"), "sv/abroad.md": article("abroad"), "en/no-sms.md": article("no-sms") }),
      ),
    );
    expect(error.message).toContain(`${dir}/en/abroad.md`);
    expect(error.message).toMatch(/is missing \(it exists in sv\)/);
  });

  it("names a missing language folder", () => {
    dir = mkdtempSync(join(tmpdir(), "knowledge-"));
    mkdirSync(join(dir, "sv"));
    expect(failure(() => loadKnowledgeArticles(dir!)).message).toMatch(/language "en" is missing/);
  });
});

describe("search", () => {
  it("finds articles from colloquial Swedish, without å ä ö, and in English", () => {
    expect(kb.answer("sv", "får ingen sms")?.article.id).toBe("no-sms");
    expect(kb.answer("sv", "glömt losenordet")?.article.id).toBe("wrong-password");
    expect(kb.answer("sv", "kontot ar last")?.article.id).toBe("account-locked");
    expect(kb.answer("sv", "tappat mobilen")?.article.id).toBe("lost-phone");
    expect(kb.answer("en", "lost my phone")?.article.id).toBe("lost-phone");
  });

  it("answers what issue 13 found missing, with the login-problem article for codes refused at the login", () => {
    const expected: [KnowledgeLocale, string, string][] = [
      ["en", "my codes don't work", "login-code-refused"],
      ["sv", "mina koder fungerar inte", "login-code-refused"],
      ["sv", "koderna funkar inte i Citrix", "login-code-refused"],
      ["sv", "kan jag använda privat mobil?", "private-phone"],
      ["sv", "jag har bytt telefon", "new-phone"],
      ["sv", "appen visar ingen kod", "no-code-shown"],
      ["sv", "kan jag ha två telefoner", "multiple-devices"],
      ["sv", "mobilen e trasig", "lost-phone"],
    ];
    expect(expected.map(([locale, query]) => kb.answer(locale, query)?.article.id)).toEqual(expected.map(([, , id]) => id));
  });

  it("treats a Swedish plural definite form as the word itself, and a longer cut as weak evidence", () => {
    expect(new SearchTerms("sv", new Map(), []).query("koderna skrivaren")).toEqual([
      { term: "kod", weak: false },
      { term: "skriv", weak: true },
    ]);
  });

  it("orders hits best first, respects the limit, and keeps confidence in [0, 1]", () => {
    const hits = kb.search("sv", "qr koden går inte att skanna", 5);
    expect(hits.length).toBeLessThanOrEqual(5);
    expect(hits[0]?.article.id).toBe("qr-scan");
    for (let i = 1; i < hits.length; i++) expect(hits[i]!.score).toBeLessThanOrEqual(hits[i - 1]!.score);
    for (const hit of hits) {
      expect(hit.confidence).toBeGreaterThanOrEqual(0);
      expect(hit.confidence).toBeLessThanOrEqual(1);
    }
    expect(kb.search("sv", "sms", 0)).toEqual([]);
  });

  it("ranks with both signals: the nearest example question settles what the word search alone ranks wrong", () => {
    const wordsOnly = new KnowledgeBase(loadKnowledgeArticles(knowledgeDir), {
      synonyms: loadKnowledgeSynonyms(knowledgeDir),
      wordSearchWeight: 1,
    });
    const cases: [KnowledgeLocale, string, string, string][] = [
      ["en", "i have two phones, work and private", "private-phone", "multiple-devices"],
      ["sv", "jag får inte koden till telefonen", "multiple-devices", "no-sms"],
    ];
    for (const [locale, query, byWords, fused] of cases) {
      expect(wordsOnly.search(locale, query, 1)[0]?.article.id, query).toBe(byWords);
      expect(kb.search(locale, query, 1)[0]?.article.id, query).toBe(fused);
    }
  });

  it("has no answer for empty, stop-word-only or out-of-scope questions", () => {
    for (const query of ["", "   ", "?!", "hej", "hur gör jag", "vad blir det för lunch", "wifi password", "var kan jag parkera"]) {
      expect(kb.answer(query.includes("wifi") ? "en" : "sv", query), query).toBeNull();
    }
  });
});

describe("evaluation set (test/fixtures/knowledge/: questions.json for tuning; held-out*.json never tuned on)", () => {
  const report = evaluateKnowledge(kb, questions);
  const heldOutReport = evaluateKnowledge(kb, heldOut);
  const heldOut2Report = evaluateKnowledge(kb, heldOut2);
  const heldOut3Report = evaluateKnowledge(kb, heldOut3);

  it("is large and varied enough to mean something, and the held-out parts share no question with the tuning part", () => {
    expect(questions.length).toBeGreaterThanOrEqual(700);
    expect(heldOut.length).toBeGreaterThanOrEqual(60);
    expect(heldOut2.length).toBeGreaterThanOrEqual(60);
    expect(heldOut3.length).toBeGreaterThanOrEqual(60);
    expect(report.outOfScope).toBeGreaterThanOrEqual(60);
    for (const part of [heldOutReport, heldOut2Report, heldOut3Report]) expect(part.outOfScope).toBeGreaterThanOrEqual(12);
    for (const part of [questions, heldOut, heldOut2, heldOut3]) {
      expect(new Set(part.map((q) => q.locale))).toEqual(new Set(["sv", "en"]));
      for (const q of part) if (q.expected !== null) expect(kb.ids(), q.question).toContain(q.expected);
    }
    for (const id of requiredIds) {
      expect(
        questions.some((q) => q.expected === id),
        id,
      ).toBe(true);
      for (const part of [heldOut2, heldOut3]) {
        expect(
          part.some((q) => q.expected === id),
          id,
        ).toBe(true);
      }
    }
    for (const id of ["login-code-refused", "private-phone"])
      expect(heldOut.filter((q) => q.expected === id).length, id).toBeGreaterThanOrEqual(5);
    const seen = new Set<string>();
    for (const part of [questions, heldOut, heldOut2, heldOut3]) {
      for (const q of part) {
        const text = q.question.toLowerCase();
        expect(seen.has(text), q.question).toBe(false);
        seen.add(text);
      }
    }
  });

  // Floors a little below the measured values (npm run bench:knowledge), so that editing an
  // article does not break the build, while a real regression does. Tuning part (740 questions):
  // 95.1 % top-1, 86.2 % answered correctly, 63 of 68 out-of-scope rejected (92.6 %), 3.8 % false answers.
  it("ranks the expected article first for most in-scope questions of the tuning part", () => {
    expect(report.top1Accuracy).toBeGreaterThanOrEqual(0.93);
    expect(report.answeredCorrectly).toBeGreaterThanOrEqual(0.84);
  });

  // One more miss among 68 out-of-scope questions is 1.5 points: the floor allows one, not two.
  it("says it has no good answer for out-of-scope questions, and rarely answers wrongly", () => {
    expect(report.outOfScopeRejected).toBeGreaterThanOrEqual(0.9);
    expect(report.falseAnswers).toBeLessThanOrEqual(0.05);
  });

  // Held-out parts (the target is 95 % top-1), after round 4: held-out.json 94.6 % top-1 (53 of 56), 11 of 12
  // out-of-scope rejected; held-out-2.json 96.0 % (72 of 75), 13 of 13; held-out-3.json 96.1 % (74 of 77), 13 of 13.
  // Floors, not the target (each allows one more miss): the held-out parts must never be tuned on to raise them.
  it("keeps its accuracy on the held-out parts", () => {
    for (const part of [heldOutReport, heldOut2Report, heldOut3Report]) {
      expect(part.top1Accuracy).toBeGreaterThanOrEqual(0.92);
      expect(part.outOfScopeRejected).toBeGreaterThanOrEqual(0.9);
    }
  });
});
