/**
 * Starting the bot and the Microsoft 365 Agents Playground as child processes, shared by
 * `npm run playground` (scripts/playground.ts) and the browser test
 * (test/browser/playground-enrollment.test.ts).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createSocket } from "node:dgram";
import { createServer } from "node:net";
import { join, resolve } from "node:path";

export const repoRoot = resolve(import.meta.dirname, "../..");

export const playgroundBin = join(repoRoot, "node_modules/.bin/agentsplayground");

/** Offline flags (MACHINE-NOTES): without both it tries to reach the internet. */
export const playgroundOfflineEnv = {
  TEAMSAPPTESTER_BROWSER: "none",
  APPLICATION_INSIGHTS_NO_STATSBEAT: "true",
} as const;

export type Stream = "stdout" | "stderr";

export interface ChildHandle {
  name: string;
  child: ChildProcess;
  /** Everything the process wrote so far (both streams, in arrival order per stream). */
  output(stream?: Stream): string;
  /** Resolves with the exit code (or the signal name) once the process has exited. */
  exited: Promise<number | string>;
  hasExited(): boolean;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

export interface SpawnOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Called for every complete line of output. */
  onLine?: (line: string, stream: Stream) => void;
}

export function spawnChild(name: string, command: string, args: string[], options: SpawnOptions): ChildHandle {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"] });
  const collected: Record<Stream, string> = { stdout: "", stderr: "" };
  for (const stream of ["stdout", "stderr"] as const) {
    let partial = "";
    child[stream]?.on("data", (chunk: Buffer) => {
      const text = chunk.toString("utf8");
      collected[stream] += text;
      partial += text;
      const lines = partial.split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) options.onLine?.(line.replace(/\r$/, ""), stream);
    });
    child[stream]?.on("end", () => {
      if (partial) options.onLine?.(partial, stream);
      partial = "";
    });
  }
  let done = false;
  const exited = new Promise<number | string>((resolveExit) => {
    child.once("exit", (code, signal) => {
      done = true;
      resolveExit(code ?? signal ?? "unknown");
    });
    child.once("error", (error) => {
      done = true;
      collected.stderr += `\n${name} could not be started: ${error.message}\n`;
      resolveExit(`error: ${error.message}`);
    });
  });
  return {
    name,
    child,
    output: (stream) => (stream ? collected[stream] : `${collected.stdout}${collected.stderr}`),
    exited,
    hasExited: () => done,
    async stop(graceMs = 5_000) {
      if (done) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => {
        if (!done) child.kill("SIGKILL");
      }, graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** A port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** A UDP port that was free a moment ago on 127.0.0.1. */
export function freeUdpPort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const socket = createSocket("udp4");
    socket.once("error", reject);
    socket.bind(0, "127.0.0.1", () => {
      const { port } = socket.address();
      socket.close(() => resolvePort(port));
    });
  });
}

/** True when nothing is bound to the UDP port on 127.0.0.1. */
export async function isUdpPortFree(port: number): Promise<boolean> {
  return new Promise((resolveFree) => {
    const socket = createSocket("udp4");
    socket.once("error", () => resolveFree(false));
    socket.bind(port, "127.0.0.1", () => socket.close(() => resolveFree(true)));
  });
}

/** True when nothing listens on the port (on any interface the playground would use). */
export async function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolveFree) => {
    const server = createServer();
    server.unref();
    server.once("error", () => resolveFree(false));
    server.listen(port, () => server.close(() => resolveFree(true)));
  });
}

export async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

/**
 * Polls `check` until it is true. Fails early, with the process's output, when `child`
 * exits first, and after `timeoutMs` otherwise.
 */
export async function waitUntil(
  what: string,
  check: () => Promise<boolean> | boolean,
  child: ChildHandle,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (child.hasExited()) {
      throw new Error(`${child.name} exited (${String(await child.exited)}) before ${what}. Its output:\n${child.output().slice(-4_000)}`);
    }
    if (Date.now() > deadline) {
      throw new Error(`${what}: not within ${timeoutMs / 1000} s. Output of ${child.name}:\n${child.output().slice(-4_000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface BotOptions {
  /** The command that runs the bot, e.g. [process.execPath, "dist/src/main.js"]. */
  command: [string, ...string[]];
  port: number;
  dataDir: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  onLine?: SpawnOptions["onLine"];
  timeoutMs?: number;
}

export interface Bot extends ChildHandle {
  url: string;
  endpoint: string;
}

/** Starts the bot in local mode (127.0.0.1, no Bot Framework auth) and waits for /healthz. */
export async function startBot(options: BotOptions): Promise<Bot> {
  const [command, ...args] = options.command;
  const handle = spawnChild("the bot", command, args, {
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, ...options.env, HOST: "127.0.0.1", PORT: String(options.port), DATA_DIR: options.dataDir },
    onLine: options.onLine,
  });
  const url = `http://127.0.0.1:${options.port}`;
  try {
    await waitUntil(`the bot answered on ${url}/healthz`, () => answers(`${url}/healthz`), handle, options.timeoutMs ?? 60_000);
  } catch (error) {
    await handle.stop(1_000);
    throw error;
  }
  return Object.assign(handle, { url, endpoint: `${url}/api/messages` });
}

export interface ValidationServiceOptions {
  /** The command that runs it, e.g. [process.execPath, "dist/src/radius/main.js"]. */
  command: [string, ...string[]];
  radiusPort: number;
  dataDir: string;
  cwd?: string;
  onLine?: SpawnOptions["onLine"];
  timeoutMs?: number;
}

/** Starts the validation service (RADIUS) in local mode on 127.0.0.1 and waits for its "listening" line. */
export async function startValidationService(options: ValidationServiceOptions): Promise<ChildHandle> {
  const [command, ...args] = options.command;
  let listening = false;
  const handle = spawnChild("the validation service", command, args, {
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, RADIUS_HOST: "127.0.0.1", RADIUS_PORT: String(options.radiusPort), DATA_DIR: options.dataDir },
    onLine: (line, stream) => {
      if (line.includes("validation service listening")) listening = true;
      options.onLine?.(line, stream);
    },
  });
  try {
    await waitUntil(`the validation service listened on UDP ${options.radiusPort}`, () => listening, handle, options.timeoutMs ?? 60_000);
  } catch (error) {
    await handle.stop(1_000);
    throw error;
  }
  return handle;
}

export interface PlaygroundOptions {
  botEndpoint: string;
  port: number;
  /** The playground reads `.m365agentsplayground.yml` from here. */
  cwd: string;
  /** Where it writes its log (default: ./devTools/m365agentsplayground.log under cwd). */
  logFile: string;
  env?: NodeJS.ProcessEnv;
  onLine?: SpawnOptions["onLine"];
  timeoutMs?: number;
}

export interface Playground extends ChildHandle {
  /** http://localhost:PORT, the page to open. */
  url: string;
  port: number;
}

/**
 * Starts the Agents Playground in Teams mode, offline. It silently falls back to a random
 * port when the requested one is taken, so the real port is read from its
 * "Listening on N" line.
 */
export async function startPlayground(options: PlaygroundOptions): Promise<Playground> {
  let listening: number | undefined;
  const handle = spawnChild(
    "the Agents Playground",
    playgroundBin,
    ["-e", options.botEndpoint, "-c", "msteams", "--dt", "-p", String(options.port)],
    {
      cwd: options.cwd,
      env: { ...process.env, ...options.env, ...playgroundOfflineEnv, M365_AGENTS_PLAYGROUND_LOGFILE: options.logFile },
      onLine: (line, stream) => {
        const match = /Listening on (\d+)/.exec(line);
        if (match?.[1]) listening = Number(match[1]);
        options.onLine?.(line, stream);
      },
    },
  );
  try {
    await waitUntil("the Agents Playground said where it listens", () => listening !== undefined, handle, options.timeoutMs ?? 60_000);
    await waitUntil(`the Agents Playground answered on port ${listening}`, () => answers(`http://127.0.0.1:${listening}/`), handle, 30_000);
  } catch (error) {
    await handle.stop(1_000);
    throw error;
  }
  const port = listening as number;
  return Object.assign(handle, { url: `http://localhost:${port}`, port });
}
