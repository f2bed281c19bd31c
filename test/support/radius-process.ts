/**
 * The validation service as a real process (`node dist/src/radius/main.js`, built once with
 * the bot by buildBot), on a free UDP port, waiting for its "listening" log line.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { freeUdpPort, spawnChild, type ChildHandle } from "../../scripts/lib/local-stack.js";
import { buildBot } from "./bot-process.js";

export interface RadiusProcess {
  port: number;
  /** The shared secret of the local-mode loopback client ($DATA_DIR/radius-secret), or the configured one. */
  secret: string;
  /** http://127.0.0.1:PORT when VALIDATE_HTTP_PORT was given. */
  restUrl?: string;
  output(): string;
  logs(): Record<string, unknown>[];
  stop(): Promise<void>;
  kill(): Promise<void>;
}

export async function startRadius(options: { dataDir: string; env?: Record<string, string>; secret?: string }): Promise<RadiusProcess> {
  const main = join(dirname(await buildBot()), "radius/main.js");
  const port = await freeUdpPort();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: "test",
    DATA_DIR: options.dataDir,
    RADIUS_HOST: "127.0.0.1",
    RADIUS_PORT: String(port),
    LOG_LEVEL: "info",
    ...options.env,
  };
  let ready: () => void = () => undefined;
  const listening = new Promise<void>((resolve) => (ready = resolve));
  const child: ChildHandle = spawnChild("radius", process.execPath, [main], {
    cwd: options.dataDir,
    env,
    onLine: (line) => {
      if (line.includes("validation service listening")) ready();
    },
  });
  const outcome = await Promise.race([
    listening.then(() => "ready"),
    child.exited.then((code) => `exited ${code}`),
    new Promise((r) => setTimeout(() => r("timeout"), 30_000)),
  ]);
  if (outcome !== "ready") {
    await child.stop(0);
    throw new Error(`the validation service did not start (${String(outcome)}): ${child.output()}`);
  }
  const logs = () =>
    child
      .output("stdout")
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  const rest = logs().find((l) => l.msg === "validation service listening")?.rest;
  return {
    port,
    secret: options.secret ?? readFileSync(join(options.dataDir, "radius-secret"), "utf8").trim(),
    restUrl: typeof rest === "string" && rest.startsWith("http") ? rest.replace(/\/api\/validate$/, "") : undefined,
    output: () => child.output(),
    logs,
    stop: () => child.stop(),
    kill: async () => {
      child.child.kill("SIGKILL");
      await child.exited;
    },
  };
}
