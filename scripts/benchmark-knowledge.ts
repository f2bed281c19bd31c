/**
 * Knowledge-base search benchmark: `npm run bench:knowledge` (or `npx tsx scripts/benchmark-knowledge.ts`).
 * Runs the four parts of the evaluation set separately: the tuning part (test/fixtures/knowledge/questions.json,
 * which articles and search were tuned on) and three held-out parts, each written before a round of tuning and
 * never tuned on (held-out.json; held-out-2.json and held-out-3.json, written for issue 13 without looking at the
 * articles' questions or the other parts).
 * For each: top-1 accuracy in scope, the out-of-scope rejection rate, the false answer rate and a confusion list
 * (read only the tuning part's: see knowledge/README.md); `--tuning` runs the tuning part alone. `--sweep` also
 * prints the metrics over a range of thresholds (for calibrating DEFAULT_CONFIDENCE_THRESHOLD on the tuning part
 * only). `--leave-one-out` measures the ranking on the articles' own example questions, each taken out of its
 * article and searched for, at several weights of the word search against the nearest example
 * (DEFAULT_WORD_SEARCH_WEIGHT; about a minute per weight).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  DEFAULT_WORD_SEARCH_WEIGHT,
  evaluateKnowledge,
  KnowledgeBase,
  loadKnowledgeArticles,
  loadKnowledgeSynonyms,
  type LabelledQuestion,
} from "../src/features/help/knowledge/index.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const load = (file: string): LabelledQuestion[] =>
  JSON.parse(readFileSync(`${root}test/fixtures/knowledge/${file}`, "utf8")) as LabelledQuestion[];
const parts = {
  tuning: load("questions.json"),
  "held-out": load("held-out.json"),
  "held-out-2": load("held-out-2.json"),
  "held-out-3": load("held-out-3.json"),
};
const kb = KnowledgeBase.load(`${root}knowledge`);

const pct = (value: number): string => `${(value * 100).toFixed(1)}%`;
console.log(`Knowledge base: ${kb.ids().length} articles × 2 languages; threshold (confidence) ${kb.threshold}`);

// `--tuning` runs the tuning part alone: while tuning, the held-out parts' totals are not looked at between checkpoints.
const measured = process.argv.includes("--tuning") ? { tuning: parts.tuning } : parts;
for (const [name, questions] of Object.entries(measured)) printPart(name, questions, true);
// The held-out part as a whole: every question kept out of tuning (its confusions are printed above, per file).
if (measured === parts)
  printPart("held-out, all three parts", [...parts["held-out"], ...parts["held-out-2"], ...parts["held-out-3"]], false);

function printPart(name: string, questions: LabelledQuestion[], withConfusions: boolean): void {
  const started = performance.now();
  const report = evaluateKnowledge(kb, questions);
  const elapsed = performance.now() - started;
  console.log(`\n== ${name}: ${questions.length} questions (${report.inScope} in scope, ${report.outOfScope} out of scope)`);
  console.log(`Top-1 accuracy (in scope):       ${pct(report.top1Accuracy)}`);
  console.log(`Answered correctly (in scope):   ${pct(report.answeredCorrectly)}`);
  console.log(`Deferred to helpdesk (in scope): ${pct(report.inScopeDeferred)}`);
  console.log(`Out-of-scope rejected:           ${pct(report.outOfScopeRejected)}`);
  console.log(`False answers (all questions):   ${pct(report.falseAnswers)}`);
  console.log(`Search time:                     ${(elapsed / questions.length).toFixed(2)} ms per question`);
  if (!withConfusions) return;
  console.log("Confusions (question → expected → top-1 [confidence] → answered):");
  for (const c of report.confusions) {
    console.log(
      `  [${c.locale}] ${JSON.stringify(c.question)} → ${c.expected ?? "(none)"} → ${c.top ?? "(none)"} [${c.confidence.toFixed(2)}] → ${c.answered ?? "helpdesk"}`,
    );
  }
}

if (process.argv.includes("--sweep")) {
  console.log("\nTuning part only:\nthreshold  answered-correctly  deferred  oos-rejected  false-answers");
  for (let t = 0.1; t <= 0.9001; t += 0.05) {
    const r = evaluateKnowledge(kb, parts.tuning, t);
    console.log(
      `  ${t.toFixed(2)}     ${pct(r.answeredCorrectly).padStart(6)}            ${pct(r.inScopeDeferred).padStart(6)}    ${pct(r.outOfScopeRejected).padStart(6)}        ${pct(r.falseAnswers).padStart(6)}`,
    );
  }
}

if (process.argv.includes("--leave-one-out")) {
  const articles = loadKnowledgeArticles(`${root}knowledge`);
  const synonyms = loadKnowledgeSynonyms(`${root}knowledge`);
  console.log("\nArticles' example questions, leave-one-out (top-1):");
  for (const weight of [1, 0, DEFAULT_WORD_SEARCH_WEIGHT, 0.7]) {
    let found = 0;
    let asked = 0;
    for (const article of articles) {
      article.questions.forEach((question, left) => {
        const others = articles.map((each) =>
          each === article ? { ...each, questions: each.questions.filter((_, at) => at !== left) } : each,
        );
        const [best] = new KnowledgeBase(others, { synonyms, wordSearchWeight: weight }).search(article.locale, question, 1);
        if (best?.article.id === article.id) found++;
        asked++;
      });
    }
    const label = weight === 1 ? "word search alone" : weight === 0 ? "nearest example alone" : `word search weight ${weight}`;
    console.log(`  ${label.padEnd(26)} ${found}/${asked} = ${pct(found / asked)}`);
  }
}
