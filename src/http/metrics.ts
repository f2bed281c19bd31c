/**
 * GET /metrics in the Prometheus text exposition format (version 0.0.4), written by hand:
 * `# HELP` and `# TYPE` per family, then one `name{label="value"} number` line per sample.
 * https://prometheus.io/docs/instrumenting/exposition_formats/
 */
import type { MetricFamily, MetricsSource } from "../ports/metrics.js";

export type { MetricFamily, MetricsSource };

export const METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Label values escape \, " and newline; HELP text escapes \ and newline. */
const escapeLabel = (value: string) => value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
const escapeHelp = (value: string) => value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");

function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return String(value);
}

export function formatMetrics(families: MetricFamily[]): string {
  const lines: string[] = [];
  for (const family of families) {
    if (!NAME.test(family.name)) throw new Error(`bad metric name ${family.name}`);
    lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} ${family.type}`);
    for (const sample of family.samples) {
      const labels = Object.entries(sample.labels ?? {});
      for (const [name] of labels) if (!LABEL.test(name) || name.startsWith("__")) throw new Error(`bad label name ${name}`);
      const labelText = labels.length === 0 ? "" : `{${labels.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(",")}}`;
      lines.push(`${family.name}${labelText} ${formatValue(sample.value)}`);
    }
  }
  return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}

/** The process's memory, with the names prom-client's default metrics use. */
export function processMemoryMetrics(usage: NodeJS.MemoryUsage = process.memoryUsage()): MetricFamily[] {
  const gauge = (name: string, help: string, value: number): MetricFamily => ({ name, help, type: "gauge", samples: [{ value }] });
  return [
    gauge("process_resident_memory_bytes", "Resident memory size in bytes.", usage.rss),
    gauge("nodejs_heap_size_total_bytes", "Process heap size from Node.js in bytes.", usage.heapTotal),
    gauge("nodejs_heap_size_used_bytes", "Process heap size used from Node.js in bytes.", usage.heapUsed),
    gauge("nodejs_external_memory_bytes", "Node.js external memory size in bytes.", usage.external),
  ];
}

/** Runs every source; the process memory is always there. */
export async function collectMetrics(sources: MetricsSource[]): Promise<string> {
  const families = (await Promise.all(sources.map((source) => source()))).flat();
  return formatMetrics([...families, ...processMemoryMetrics()]);
}
