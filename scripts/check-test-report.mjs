// Reads vitest's JSON report (written when CI=true, see vitest.config.ts), prints one
// closing line "tests: N passed, N failed, N skipped" and fails when anything failed or
// was skipped: under CI every suite, including the real-server ones, must really run.
import { readFileSync } from "node:fs";

const file = process.argv[2] ?? "test-results.json";
let report;
try {
  report = JSON.parse(readFileSync(file, "utf8"));
} catch (error) {
  console.error(`No test report at ${file}: ${error.message}`);
  process.exit(1);
}
const skipped = report.numPendingTests + report.numTodoTests;
console.log(`tests: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped} skipped`);
if (report.numTotalTests === 0) {
  console.error("No test ran.");
  process.exit(1);
}
if (skipped > 0) {
  for (const suite of report.testResults) {
    for (const test of suite.assertionResults) {
      if (test.status === "pending" || test.status === "skipped" || test.status === "todo")
        console.error(`SKIPPED: ${suite.name} > ${test.fullName}`);
    }
  }
  console.error("Tests were skipped: under CI every suite must run.");
  process.exit(1);
}
process.exit(report.numFailedTests > 0 || report.success === false ? 1 : 0);
