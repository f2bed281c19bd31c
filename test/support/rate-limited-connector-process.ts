/**
 * The rate-limited Bot Connector stand-in (rate-limited-connector.ts) in a process of its own,
 * as Teams is: its timers and its count do not wait on the sender's event loop (and its memory
 * is not the sender's). Driven over IPC; only summaries cross, never the activities.
 */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { RateLimitedConnector, type RateLimitedConnectorOptions } from "./rate-limited-connector.js";

export interface ConnectorSummary {
  stats: RateLimitedConnector["stats"];
  maxAcceptedIn1s: number;
  /** Server times (ms) of the first and last accepted request. */
  firstAcceptedAt: number;
  lastAcceptedAt: number;
  /** Over conversations `${prefix}0` … `${prefix}${count - 1}`: extra activities, and none at all. */
  duplicates: number;
  lost: number;
}

type Request = { kind: "summary"; prefix: string; count: number } | { kind: "stop" };

export class ConnectorProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  static async start(options: RateLimitedConnectorOptions): Promise<ConnectorProcess> {
    const child = fork(fileURLToPath(import.meta.url), [JSON.stringify(options)], {
      execArgv: ["--import", "tsx"],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    const url = await new Promise<string>((resolve, reject) => {
      child.once("message", (m) => resolve((m as { url: string }).url));
      child.once("exit", (code) => reject(new Error(`connector stand-in exited (${code}) before listening`)));
    });
    return new ConnectorProcess(child, url);
  }

  summary(prefix: string, count: number): Promise<ConnectorSummary> {
    return this.ask({ kind: "summary", prefix, count }) as Promise<ConnectorSummary>;
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    await this.ask({ kind: "stop" });
    await exited;
  }

  private ask(request: Request): Promise<unknown> {
    return new Promise((resolve) => {
      this.child.once("message", resolve);
      this.child.send(request);
    });
  }
}

async function serve(options: RateLimitedConnectorOptions): Promise<void> {
  const connector = await RateLimitedConnector.start(options);
  process.on("message", (message) => {
    const request = message as Request;
    if (request.kind === "stop") {
      void connector.stop().then(() => process.send!(null, () => process.exit(0)));
      return;
    }
    let duplicates = 0;
    let lost = 0;
    for (let i = 0; i < request.count; i++) {
      const n = connector.count(`${request.prefix}${i}`);
      if (n === 0) lost++;
      if (n > 1) duplicates += n - 1;
    }
    const summary: ConnectorSummary = {
      stats: connector.stats,
      maxAcceptedIn1s: connector.maxInWindow(1_000),
      firstAcceptedAt: connector.acceptedAt[0] ?? 0,
      lastAcceptedAt: connector.acceptedAt.at(-1) ?? 0,
      duplicates,
      lost,
    };
    process.send!(summary);
  });
  process.send!({ url: connector.url });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) void serve(JSON.parse(process.argv[2] ?? "{}") as RateLimitedConnectorOptions);
