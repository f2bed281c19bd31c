/** A metric family as the /metrics endpoint exposes it (src/http/metrics.ts writes the text format). */
export interface Sample {
  labels?: Record<string, string>;
  value: number;
}

export interface MetricFamily {
  /** [a-zA-Z_:][a-zA-Z0-9_:]* */
  name: string;
  help: string;
  type: "gauge" | "counter";
  samples: Sample[];
}

/** Collects the families at scrape time. */
export type MetricsSource = () => Promise<MetricFamily[]>;
