/**
 * `npm run playground`: the newcomer's one command. Builds the bot, starts it in local mode
 * (127.0.0.1, demo directory, SMS outbox, SQLite under DATA_DIR) together with the
 * Microsoft 365 Agents Playground (a Teams-like web client, offline), waits until both
 * answer, says what to open and type, and stops both on Ctrl-C.
 *
 * The validation service (RADIUS on 127.0.0.1, RADIUS_PORT, default 1812) starts too, so a
 * code just enrolled can be checked with radclient.
 *
 * Environment: PORT (bot, default 3978), PLAYGROUND_PORT (default 56150), RADIUS_PORT
 * (default 1812), DATA_DIR (default ./data); the bot's other settings (see src/config) pass through.
 */
import { spawn } from "node:child_process";
import { join, relative, resolve } from "node:path";
import {
  isPortFree,
  isUdpPortFree,
  repoRoot,
  startBot,
  startPlayground,
  startValidationService,
  type ChildHandle,
  type Stream,
} from "./lib/local-stack.js";

const DEMO_USER = "alexw";
const DEMO_PASSWORD = "Passw0rd!";

const color = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: string) => (text: string) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
const bold = paint("1");
const dim = paint("2");
const green = paint("32");
const yellow = paint("33");
const cyan = paint("36");
const red = paint("31");

/** A path relative to the repository when inside it, else absolute. */
const shown = (path: string): string => {
  const rel = relative(repoRoot, path);
  return rel && !rel.startsWith("..") ? `./${rel}` : path;
};

function portFrom(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`${name} must be a port number (1-65535), not "${raw}".`);
  return port;
}

function fail(message: string): never {
  process.stderr.write(`\n${red("npm run playground:")} ${message}\n`);
  process.exit(1);
}

const PINO_LEVELS: Record<number, string> = { 10: "trace", 20: "debug", 30: "info", 40: "warn", 50: "error", 60: "fatal" };

/** The bot logs JSON (pino) on stdout; show it as one readable line. */
function botLine(line: string, stream: Stream, tag = "[bot]"): void {
  if (line.startsWith("[SMS outbox]")) {
    process.stdout.write(`${cyan(tag)} ${bold(yellow(line))}\n`);
    return;
  }
  if (stream === "stdout" && line.startsWith("{")) {
    try {
      const {
        level,
        msg,
        time: _time,
        service: _service,
        pid: _pid,
        hostname: _hostname,
        ...rest
      } = JSON.parse(line) as Record<string, unknown>;
      const name = PINO_LEVELS[Number(level)] ?? String(level);
      const fields = Object.entries(rest)
        .map(([key, value]) => `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`)
        .join(" ");
      const tint = Number(level) >= 50 ? red : Number(level) >= 40 ? yellow : (s: string) => s;
      process.stdout.write(`${cyan(tag)} ${tint(name.padEnd(5))} ${String(msg ?? "")} ${dim(fields)}\n`);
      return;
    } catch {
      // not JSON after all: print as is
    }
  }
  (stream === "stderr" ? process.stderr : process.stdout).write(`${cyan(tag)} ${line}\n`);
}

function playgroundLine(line: string, stream: Stream): void {
  if (!line.trim()) return;
  (stream === "stderr" ? process.stderr : process.stdout).write(`${green("[playground]")} ${line}\n`);
}

function build(): Promise<void> {
  process.stdout.write(`${dim("Building (npm run build)…")}\n`);
  return new Promise((resolveBuild, reject) => {
    const npm = spawn(process.platform === "win32" ? "npm.cmd" : "npm", ["run", "--silent", "build"], { cwd: repoRoot, stdio: "inherit" });
    npm.once("error", reject);
    npm.once("exit", (code, signal) =>
      code === 0 ? resolveBuild() : reject(new Error(`npm run build failed (${code ?? signal}); fix the errors above and run it again.`)),
    );
  });
}

async function main(): Promise<void> {
  const botPort = portFrom("PORT", 3978);
  const playgroundPort = portFrom("PLAYGROUND_PORT", 56150);
  const radiusPort = portFrom("RADIUS_PORT", 1812);
  const dataDir = resolve(repoRoot, process.env.DATA_DIR || "data");
  const outbox = join(dataDir, "sms-outbox.jsonl");

  if (!(await isPortFree(botPort))) {
    fail(
      `port ${botPort} is already in use (is the bot or another playground still running?). Stop it, or choose another: PORT=3979 npm run playground`,
    );
  }
  if (!(await isUdpPortFree(radiusPort))) {
    fail(
      `UDP port ${radiusPort} is already in use (is another validation service running?). Stop it, or choose another: RADIUS_PORT=1813 npm run playground`,
    );
  }
  if (!(await isPortFree(playgroundPort))) {
    fail(
      `port ${playgroundPort} is already in use (is another playground still running?). Stop it, or choose another: PLAYGROUND_PORT=56151 npm run playground`,
    );
  }

  await build();

  const running: ChildHandle[] = [];
  let stopping = false;
  const stopAll = async (exitCode: number): Promise<never> => {
    if (!stopping) {
      stopping = true;
      process.stdout.write(`\n${dim("Stopping the playground, the validation service and the bot…")}\n`);
      await Promise.allSettled(running.map((child) => child.stop(5_000)));
      process.stdout.write(`${dim("Stopped.")}\n`);
    }
    process.exit(exitCode);
  };
  let interrupts = 0;
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(signal, () => {
      interrupts++;
      if (interrupts > 1) {
        for (const child of running) child.child.kill("SIGKILL");
        process.exit(130);
      }
      void stopAll(signal === "SIGINT" ? 130 : 0);
    });
  }

  try {
    process.stdout.write(`${dim(`Starting the bot on http://127.0.0.1:${botPort} (data in ${shown(dataDir)})…`)}\n`);
    const bot = await startBot({
      command: [process.execPath, "--disable-warning=DEP0111", join(repoRoot, "dist/src/main.js")],
      cwd: repoRoot,
      port: botPort,
      dataDir,
      onLine: botLine,
    });
    running.push(bot);

    process.stdout.write(`${dim(`Starting the validation service on udp://127.0.0.1:${radiusPort}…`)}\n`);
    const radius = await startValidationService({
      command: [process.execPath, "--disable-warning=DEP0005", join(repoRoot, "dist/src/radius/main.js")],
      cwd: repoRoot,
      radiusPort,
      dataDir,
      onLine: (line, stream) => botLine(line, stream, "[radius]"),
    });
    running.push(radius);

    process.stdout.write(`${dim("Starting the Microsoft 365 Agents Playground…")}\n`);
    const playground = await startPlayground({
      botEndpoint: bot.endpoint,
      port: playgroundPort,
      cwd: repoRoot, // a .m365agentsplayground.yml here overrides its built-in users
      logFile: join(dataDir, "playground.log"), // not ./devTools in the working tree
      onLine: playgroundLine,
    });
    running.push(playground);

    const rule = "─".repeat(72);
    process.stdout.write(
      [
        "",
        rule,
        bold("  The enrollment bot and the Microsoft 365 Agents Playground are running."),
        "",
        `  ${bold(green(`Open ${playground.url} and type hej`))}`,
        "",
        `  In the playground you are Alex Wilber. When the bot asks you to log in, use`,
        `    username ${bold(DEMO_USER)}   password ${bold(DEMO_PASSWORD)}`,
        `  (all demo users have that password; adelev has no mobile number, pattif is disabled).`,
        "",
        `  No real SMS is sent: each code appears here as a ${yellow("[SMS outbox] …")} line`,
        `  and is appended to ${outbox}`,
        "",
        `  After enrolling, check a code the app shows (the next one, not the one you activated with)`,
        `  the way Citrix NetScaler will, over RADIUS (Debian package freeradius-utils):`,
        `    ${bold(`echo 'User-Name = "${DEMO_USER}", User-Password = "<code>", Message-Authenticator = 0x00' | radclient -x 127.0.0.1:${radiusPort} auth "$(cat ${shown(join(dataDir, "radius-secret"))})"`)}`,
        "",
        `  Bot endpoint: ${bot.endpoint}`,
        ...(playground.port !== playgroundPort
          ? [yellow(`  (port ${playgroundPort} was taken: the playground chose ${playground.port})`)]
          : []),
        `  Press Ctrl-C to stop them all.`,
        rule,
        "",
      ].join("\n") + "\n",
    );

    const first = await Promise.race(running.map(async (child) => ({ child, code: await child.exited })));
    if (!stopping) {
      process.stderr.write(`\n${red(`${first.child.name} stopped unexpectedly (${String(first.code)}).`)} Stopping the rest.\n`);
      await stopAll(1);
    }
  } catch (error) {
    process.stderr.write(`\n${red("Could not start:")} ${(error as Error).message}\n`);
    await stopAll(1);
  }
}

main().catch((error: unknown) => fail((error as Error).message));
