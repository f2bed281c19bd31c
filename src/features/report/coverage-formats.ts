/** The coverage report as CSV (npm run report -- --csv) and as Prometheus metrics (/metrics). */
import type { MetricFamily, MetricsSource } from "../../ports/metrics.js";
import type { CoverageReport, Totals } from "./coverage.js";

const TOTALS: [keyof Totals, string][] = [
  ["eligible", "eligible"],
  ["enrolled", "enrolled"],
  ["loggedIn", "logged_in"],
  ["notEnrolled", "not_enrolled"],
];

/**
 * One long table, `section,name,measure,value`, so a spreadsheet pivots it any way:
 * totals, funnel (reached / dropped, and dropped by reason), departments, weeks.
 */
export function coverageCsv(report: CoverageReport): string {
  const rows: (string | number)[][] = [["section", "name", "measure", "value"]];
  for (const [key] of TOTALS) rows.push(["totals", key, "people", report.totals[key]]);
  for (const row of report.funnel) {
    rows.push(["funnel", row.step, "reached", row.reached], ["funnel", row.step, "dropped", row.dropped]);
    for (const r of row.reasons) rows.push(["dropped_by_reason", row.step, r.reason, r.count]);
  }
  for (const d of report.departments) for (const [key] of TOTALS) rows.push(["department", d.department, key, d[key]]);
  for (const w of report.weeks)
    for (const key of ["started", "activated", "firstLogin", "activatedTotal"] as const) rows.push(["week", w.week, key, w[key]]);
  return `${rows.map((row) => row.map(csvField).join(",")).join("\r\n")}\r\n`;
}

/**
 * RFC 4180 quoting; a value a spreadsheet would run as a formula (=, +, -, @, tab, CR at the
 * start: department names come from the directory) gets a leading apostrophe.
 */
function csvField(value: string | number): string {
  if (typeof value === "number") return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** otp_coverage_* gauges from the (cached) report. */
export function coverageMetrics(report: () => Promise<CoverageReport>): MetricsSource {
  const gauge = (name: string, help: string, samples: MetricFamily["samples"]): MetricFamily => ({ name, help, type: "gauge", samples });
  const up = (value: number) =>
    gauge("otp_coverage_up", "1 when the coverage report could be computed (directory and database answered).", [{ value }]);
  return async () => {
    let r: CoverageReport;
    try {
      r = await report();
    } catch {
      // The directory being down must not take the other metrics with it.
      return [up(0)];
    }
    return [
      up(1),
      gauge(
        "otp_coverage_people",
        "People in the eligible group: eligible, enrolled (active token), logged in at least once, not enrolled.",
        TOTALS.map(([key, state]) => ({ labels: { state }, value: r.totals[key] })),
      ),
      gauge(
        "otp_coverage_funnel_reached",
        "Eligible people who reached each enrollment step.",
        r.funnel.map((row) => ({ labels: { step: row.step }, value: row.reached })),
      ),
      gauge(
        "otp_coverage_funnel_dropped",
        "Eligible people who reached the step before but not this one, by their last error.",
        r.funnel.flatMap((row) =>
          row.reasons.map((reason) => ({ labels: { step: row.step, reason: reason.reason }, value: reason.count })),
        ),
      ),
      gauge(
        "otp_coverage_department_people",
        "Eligible people per department (the directory's department attribute).",
        r.departments.flatMap((d) => TOTALS.map(([key, state]) => ({ labels: { department: d.department, state }, value: d[key] }))),
      ),
    ];
  };
}
