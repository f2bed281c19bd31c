/**
 * The bot as a real process: built once per test worker with tsc into a temp folder (a
 * snapshot, so other edits to the tree during a run do not matter), started with
 * `node dist/src/main.js`, stdout (the JSON log stream) and stderr collected.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { freePort } from "./slapd.js";

const run = promisify(execFile);
export const repoRoot = resolve(import.meta.dirname, "../..");

let built: Promise<string> | undefined;

/**
 * Compiles src/ into <tmp>/dist; returns the path of main.js. The folder is called `dist`
 * and has the repository's folders (node_modules, cards, knowledge, …) linked beside it,
 * as the bot finds its assets relative to its own file.
 */
export function buildBot(): Promise<string> {
  built ??= (async () => {
    const root = mkdtempSync(join(tmpdir(), "otp-bot-build-"));
    process.once("exit", () => rmSync(root, { recursive: true, force: true }));
    // Asset folders shipped beside the code (cards/, knowledge/, …), found by the bot relative to itself.
    for (const entry of readdirSync(repoRoot, { withFileTypes: true })) {
      // A folder, or a link to one (a git worktree's node_modules is a link to the main checkout's).
      const isFolder = entry.isDirectory() || (entry.isSymbolicLink() && statSync(join(repoRoot, entry.name)).isDirectory());
      if (isFolder && !entry.name.startsWith(".") && !["src", "test", "dist"].includes(entry.name)) {
        symlinkSync(join(repoRoot, entry.name), join(root, entry.name));
      }
    }
    writeFileSync(join(root, "package.json"), JSON.stringify({ type: "module" }));
    const tsc = join(repoRoot, "node_modules/typescript/bin/tsc");
    const main = join(root, "dist/src/main.js");
    try {
      await run(
        process.execPath,
        [tsc, "-p", join(repoRoot, "tsconfig.build.json"), "--outDir", join(root, "dist"), "--sourceMap", "false"],
        {
          cwd: repoRoot,
          timeout: 120_000,
        },
      );
    } catch (error) {
      const output = `${(error as { stdout?: string }).stdout ?? ""}${(error as { stderr?: string }).stderr ?? ""}`;
      // tsc still emits on type errors; those are the type-check's business (npm run typecheck), not a reason to skip behaviour tests.
      if (!existsSync(main)) throw new Error(`building the bot failed:\n${output}`);
      console.warn(`\n*** tsc reported errors while building the bot for the e2e tests (running the emitted code anyway):\n${output}`);
    }
    return main;
  })();
  return built;
}

export interface BotProcess {
  /** http://127.0.0.1:PORT */
  url: string;
  dataDir: string;
  pid: number;
  stdout(): string;
  stderr(): string;
  /** Parsed JSON log lines from stdout. */
  logs(): Record<string, unknown>[];
  /** SIGTERM (graceful) and wait for exit; SIGKILL after 5 s. */
  stop(): Promise<void>;
  /** kill -9, as a crash would. */
  kill(): Promise<void>;
}

export interface StartOptions {
  dataDir: string;
  env?: Record<string, string>;
  /** Node options before main.js (e.g. --cpu-prof for a benchmark's profile). */
  nodeArgs?: string[];
}

/** Starts the bot in local mode on a free port and waits until /healthz answers. */
export async function startBot(options: StartOptions): Promise<BotProcess> {
  const main = await buildBot();
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    try {
      return await startOn(main, port, options);
    } catch (error) {
      lastError = error; // the port was taken between probe and listen: try another
    }
  }
  throw lastError;
}

async function startOn(main: string, port: number, options: StartOptions): Promise<BotProcess> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: "test",
    PORT: String(port),
    HOST: "127.0.0.1",
    DATA_DIR: options.dataDir,
    LOG_LEVEL: "info",
    ...options.env,
  };
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), main], {
    cwd: options.dataDir,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const killOnExit = (): void => void child.kill("SIGKILL");
  process.once("exit", killOnExit);

  const url = `http://127.0.0.1:${port}`;
  const bot: BotProcess = {
    url,
    dataDir: options.dataDir,
    pid: child.pid ?? -1,
    stdout: () => stdout,
    stderr: () => stderr,
    logs: () =>
      stdout
        .split("\n")
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    stop: () => terminate(child, "SIGTERM", exited, killOnExit),
    kill: () => terminate(child, "SIGKILL", exited, killOnExit),
  };
  try {
    await waitForHealth(url, child, () => stderr, 30_000);
  } catch (error) {
    await bot.kill();
    throw error;
  }
  return bot;
}

async function terminate(child: ChildProcess, signal: NodeJS.Signals, exited: Promise<void>, killOnExit: () => void): Promise<void> {
  process.removeListener("exit", killOnExit);
  if (child.exitCode !== null || child.signalCode !== null) return;
  const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  child.kill(signal);
  await exited;
  clearTimeout(timer);
}

async function waitForHealth(url: string, child: ChildProcess, stderr: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the bot exited during start-up (${child.exitCode ?? child.signalCode}): ${stderr()}`);
    }
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1_000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the bot did not answer /healthz within ${timeoutMs} ms: ${stderr()}`);
}

/** A fresh temp DATA_DIR; remove it with removeDataDir. */
export function makeDataDir(prefix = "otp-bot-data-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeDataDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
