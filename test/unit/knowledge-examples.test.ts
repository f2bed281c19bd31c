import { describe, expect, it } from "vitest";
import { charNgrams, NearestExamples } from "../../src/features/help/knowledge/nearest-examples.js";

describe("character n-grams", () => {
  it("counts the 3- to 5-letter grams of the padded text, across word boundaries, without blank ones", () => {
    expect([...charNgrams("ab")]).toEqual([
      [" ab", 1],
      ["ab ", 1],
      [" ab ", 1],
    ]);
    expect(charNgrams("kod kod").get("kod")).toBe(2);
    expect(charNgrams("ny kod").has("y ko")).toBe(true);
  });
});

describe("nearest-example classifier", () => {
  const classifier = new NearestExamples(
    [
      { label: "lost-phone", text: "min telefon är stulen" },
      { label: "lost-phone", text: "tappat bort mobilen" },
      { label: "no-sms", text: "får inget sms" },
      { label: "new-phone", text: "jag har fått en ny telefon" },
    ],
    (text) => text.toLowerCase(),
  );

  it("gives an example's own text similarity 1 for its label, and each label its nearest example", () => {
    const similar = classifier.similarities("Får inget SMS");
    expect(similar.get("no-sms")).toBeCloseTo(1, 10);
    expect(Math.max(...similar.values())).toBe(similar.get("no-sms"));
  });

  it("still finds the nearest example through a typo, an inflection or a compound", () => {
    const best = (text: string) => [...classifier.similarities(text)].sort((a, b) => b[1] - a[1])[0]?.[0];
    expect(best("telfonen stulen")).toBe("lost-phone");
    expect(best("smset kommer inte")).toBe("no-sms");
    expect(best("fick nya jobbtelefonen idag")).toBe("new-phone");
  });

  it("has no similarity for a text sharing no n-gram with any example, and keeps it in [0, 1]", () => {
    expect(classifier.similarities("xyz qwv")).toEqual(new Map());
    expect(classifier.similarities("")).toEqual(new Map());
    for (const value of classifier.similarities("telefon telefon telefon sms").values()) {
      expect(value).toBeGreaterThan(0);
      expect(value).toBeLessThanOrEqual(1);
    }
  });
});
