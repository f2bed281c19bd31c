/**
 * A nearest-example classifier: labelled example texts ("my phone was stolen" → lost-phone) as
 * character n-gram TF-IDF vectors; a question gets, per label, the cosine similarity of its nearest
 * example. Character n-grams (3 to 5 letters, across word boundaries) match a word despite a typo
 * ("telfon" shares "tel", "fon", " te" with "telefon"), inflection ("koderna", "koden") or compounding
 * ("jobbmobilen" shares "mobil"), where whole-word search needs a rule for each.
 */

/** One labelled example. */
export interface Example {
  readonly label: string;
  readonly text: string;
}

const MIN_N = 3;
const MAX_N = 5;

/** The character n-grams of a text (words joined by single spaces and padded by one), with their counts. */
export function charNgrams(text: string): Map<string, number> {
  const padded = ` ${text} `;
  const grams = new Map<string, number>();
  for (let n = MIN_N; n <= MAX_N; n++) {
    for (let at = 0; at + n <= padded.length; at++) {
      const gram = padded.slice(at, at + n);
      if (gram.trim() === "") continue;
      grams.set(gram, (grams.get(gram) ?? 0) + 1);
    }
  }
  return grams;
}

/** Sublinear term frequency: the fifth "kod" in a text adds less than the first. */
const tf = (count: number): number => 1 + Math.log(count);

export class NearestExamples {
  private readonly idf = new Map<string, number>();
  /** n-gram → the examples containing it, with the n-gram's weight in the example's unit vector. */
  private readonly postings = new Map<string, { example: number; weight: number }[]>();
  private readonly labels: readonly string[];
  /** The idf of an n-gram no example contains (the smoothed formula at a count of 0: the highest there is). */
  private readonly unseenIdf: number;

  /** `prepare` turns a text into the words compared (the same for examples and questions). */
  constructor(
    examples: readonly Example[],
    private readonly prepare: (text: string) => string,
  ) {
    this.labels = examples.map((example) => example.label);
    const vectors = examples.map((example) => charNgrams(prepare(example.text)));
    this.unseenIdf = Math.log(1 + vectors.length) + 1;
    const df = new Map<string, number>();
    for (const vector of vectors) for (const gram of vector.keys()) df.set(gram, (df.get(gram) ?? 0) + 1);
    // Smoothed idf, as in scikit-learn: a gram in every example still counts a little.
    for (const [gram, count] of df) this.idf.set(gram, Math.log((1 + vectors.length) / (1 + count)) + 1);
    vectors.forEach((vector, example) => {
      const weights = this.weigh(vector);
      for (const [gram, weight] of weights) {
        let list = this.postings.get(gram);
        if (!list) this.postings.set(gram, (list = []));
        list.push({ example, weight });
      }
    });
  }

  /** Per label, the cosine similarity (0 to 1) of the question with that label's nearest example; labels with none are left out. */
  similarities(text: string): Map<string, number> {
    const dots = new Map<number, number>();
    for (const [gram, weight] of this.weigh(charNgrams(this.prepare(text)))) {
      for (const posting of this.postings.get(gram) ?? [])
        dots.set(posting.example, (dots.get(posting.example) ?? 0) + weight * posting.weight);
    }
    const best = new Map<string, number>();
    for (const [example, dot] of dots) {
      const label = this.labels[example]!;
      if (dot > (best.get(label) ?? 0)) best.set(label, Math.min(1, dot));
    }
    return best;
  }

  /** TF-IDF weights scaled to unit length; n-grams no example contains are kept (they lower the question's similarity to all). */
  private weigh(counts: Map<string, number>): Map<string, number> {
    const weights = new Map<string, number>();
    let norm = 0;
    for (const [gram, count] of counts) {
      const weight = tf(count) * (this.idf.get(gram) ?? this.unseenIdf);
      weights.set(gram, weight);
      norm += weight * weight;
    }
    norm = Math.sqrt(norm);
    if (norm > 0) for (const [gram, weight] of weights) weights.set(gram, weight / norm);
    return weights;
  }
}
