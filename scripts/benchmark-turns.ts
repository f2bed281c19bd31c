/**
 * npm run bench:turns  (BENCH_ROUNDS=4, BENCH_TURNS=400, BENCH_LEVELS=1,50,500, BENCH_THINK_MS=2000-8000)
 *
 * The cost of a turn, side by side with a bare botbuilder echo bot on the same stack
 * (restify + CloudAdapter, local mode; scripts/lib/echo-bot.ts). Both talk to the Bot
 * Connector stand-in (test/support/connector-stand-in.ts); the product is the built JS
 * (tsc into a temp folder, `node dist/src/main.js`) against a throwaway OpenLDAP holding
 * synthetic people, with SQLite and the SMS outbox in a temp DATA_DIR. Prints:
 * - CPU per turn (utime + stime from /proc/<pid>/stat) for message turns ("hej") and
 *   invoke turns (a refused identity card: empty password), both bots at once over
 *   BENCH_ROUNDS rounds of BENCH_TURNS turns each, the product/echo ratio, and each bot's
 *   CPU by thread (main, and the rest: V8's GC and compiler helpers, libuv, workers);
 * - connector calls per turn;
 * - the first enrollment after start-up, step by step (code run for the first time; not counted after);
 * - p50/p95/p99 turn latency with 1 (ten people one after the other), 50 and 500 people
 *   in flight, each doing a full enrollment (6 turns). Think time between turns: none at 1,
 *   a quarter of BENCH_THINK_MS at 50, BENCH_THINK_MS at 500 (starts spread over the same range);
 * - per step: p50/p99/max of each of the six steps, and with 1 person in flight the slowest
 *   step's times in order;
 * - peak RSS (VmHWM) of both processes.
 * BENCH_PROFILE=<folder> writes the product's CPU profile (.cpuprofile) there, the echo's in <folder>/echo; BENCH_TRACE_GC=1
 * runs the product with --trace-gc and prints its collections and their longest pause per level;
 * BENCH_NODE_ARGS adds node options to the product's command line.
 * The machine is shared: compare the ratios of one run, not absolute numbers across runs.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildBot, makeDataDir, removeDataDir, startBot } from "../test/support/bot-process.js";
import { inputIds } from "../test/support/cards.js";
import { ConnectorStandIn } from "../test/support/connector-stand-in.js";
import { findBinary } from "../test/support/server-binary.js";
import type { TeamsUser } from "../test/support/teams-user.js";
import { benchPeople, startBenchDirectory, type BenchPerson } from "./lib/bench-directory.js";
import { answers, freePort, repoRoot, spawnChild, waitUntil } from "./lib/local-stack.js";
import { enrollOnce, identityCard, OutboxCodes, refusedIdentity, type BotKind, type Target, Timings } from "./lib/turn-journeys.js";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const TURNS = Number(process.env.BENCH_TURNS ?? 400);
const LEVELS = (process.env.BENCH_LEVELS ?? "1,50,500")
  .split(",")
  .map(Number)
  .filter((n) => n > 0);
const [THINK_MIN, THINK_MAX] = (process.env.BENCH_THINK_MS ?? "2000-8000").split("-").map(Number) as [number, number];
/** People per phase of the CPU comparison (turns cycle over them, 4 in flight). */
const CPU_PEOPLE = 16;
const IN_FLIGHT = 4;
const SEQUENTIAL_PEOPLE = 10;
const kinds: BotKind[] = ["product", "echo"];

/** utime + stime of a process, in ms. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10; // clock ticks of 10 ms (CLK_TCK 100)
}

/** CPU time (utime + stime, ms) of a process's threads: the main thread's, and the others' summed by thread name. */
function threadCpuMs(pid: number): Map<string, number> {
  const byName = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
      // Node names most of its threads "node": the main thread is the one whose id is the process's.
      const name = tid === String(pid) ? "main" : stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const fields = stat.slice(stat.lastIndexOf(") ") + 2).split(" ");
      byName.set(name, (byName.get(name) ?? 0) + (Number(fields[11]) + Number(fields[12])) * 10);
    } catch {
      // the thread ended meanwhile
    }
  }
  return byName;
}

function peakRssMb(pid: number): number {
  const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
  return Math.round(Number(kb) / 1024);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

const fixed = (n: number, digits = 1) => n.toFixed(digits);
const between = (min: number, max: number) => min + Math.random() * (max - min);

async function main(): Promise<void> {
  const slapdPath = findBinary("slapd");
  if (!slapdPath) throw new Error("slapd not found: install slapd and ldap-utils (see .ci/run)");
  const levelPeople = LEVELS.map((level) => (level === 1 ? SEQUENTIAL_PEOPLE : level));
  const people = benchPeople(2 * CPU_PEOPLE + kinds.length + levelPeople.reduce((a, b) => a + b, 0));
  const scratch = mkdtempSync(join(tmpdir(), "turns-bench-"));
  const dataDir = makeDataDir("turns-bench-data-");
  const connector = await ConnectorStandIn.start();
  const started = performance.now();
  await buildBot();
  const directory = await startBenchDirectory(slapdPath, people, scratch);
  // BENCH_PROFILE=<folder>: the product writes a V8 CPU profile there when it stops (node --cpu-prof).
  const nodeArgs = process.env.BENCH_PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  if (process.env.BENCH_TRACE_GC === "1") nodeArgs.push("--trace-gc");
  // BENCH_NODE_ARGS="--max-semi-space-size=32 …": node options for the product, to try V8 settings.
  nodeArgs.push(...(process.env.BENCH_NODE_ARGS ?? "").split(" ").filter(Boolean));
  const product = await startBot({ dataDir, nodeArgs, env: { ...directory.env, SMS_MAX_GLOBAL_PER_HOUR: "1000000" } });
  const echoPort = await freePort();
  const echo = spawnChild(
    "the echo bot",
    process.execPath,
    [
      ...(process.env.BENCH_PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE}/echo`] : []),
      "--import",
      "tsx",
      join(repoRoot, "scripts/lib/echo-bot.ts"),
    ],
    {
      cwd: repoRoot,
      env: { ...process.env, PORT: String(echoPort) },
    },
  );
  const echoUrl = `http://127.0.0.1:${echoPort}`;
  try {
    await waitUntil("the echo bot answered", () => answers(`${echoUrl}/healthz`), echo, 30_000);
    console.log(`bench:turns: ${people.length} people in OpenLDAP, product pid ${product.pid}, echo pid ${echo.child.pid}`);
    console.log(`(build and start-up ${fixed((performance.now() - started) / 1000)} s)\n`);
    const targets: Record<BotKind, Measurable> = {
      product: { kind: "product", url: product.url, outbox: new OutboxCodes(dataDir), pid: product.pid, stdout: product.stdout },
      echo: { kind: "echo", url: echoUrl, pid: echo.child.pid! },
    };
    await compareCpu(targets, people.slice(0, 2 * CPU_PEOPLE), connector);
    await firstEnrollment(targets, people.slice(2 * CPU_PEOPLE, 2 * CPU_PEOPLE + kinds.length), connector);
    let offset = 2 * CPU_PEOPLE + kinds.length;
    for (const [i, level] of LEVELS.entries()) {
      const group = people.slice(offset, offset + levelPeople[i]!);
      offset += levelPeople[i]!;
      await underLoad(targets, level, group, connector);
    }
    console.log(`\npeak RSS: product ${peakRssMb(product.pid)} MB, echo ${peakRssMb(targets.echo.pid)} MB`);
    console.log(`(whole run ${fixed((performance.now() - started) / 1000)} s)`);
  } finally {
    await echo.stop();
    await product.stop();
    await directory.slapd.stop();
    await connector.stop();
    removeDataDir(dataDir);
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** A bot under test: its process, and (product) its stdout for --trace-gc lines. */
type Measurable = Target & { pid: number; stdout?: () => string };

interface Measured {
  cpu: number;
  turns: number;
  calls: number;
}

/** One bot's part of a side-by-side measurement: its sessions, the conversations they talk in, and one turn. */
interface Run<S> {
  pid: number;
  sessions: S[];
  conversations: Set<string>;
  turn: (s: S) => Promise<void>;
}

/**
 * Both bots at once, `turns` turns each, IN_FLIGHT at a time per bot, cycling over their
 * sessions: each process's CPU time and connector calls over the same window, so whatever
 * else loads the machine meanwhile weighs on both alike (measured one after the other, the
 * ratio of single rounds swung from 0.8× to 1.7× on this shared machine).
 */
async function sideBySide<S>(
  connector: ConnectorStandIn,
  runs: Record<BotKind, Run<S>>,
  turns: number,
): Promise<Record<BotKind, Measured>> {
  const first = connector.requests.length;
  const cpu = { product: cpuMs(runs.product.pid), echo: cpuMs(runs.echo.pid) };
  await Promise.all(
    kinds.map(async (kind) => {
      const { sessions, turn } = runs[kind];
      let next = 0;
      await Promise.all(
        Array.from({ length: IN_FLIGHT }, async () => {
          while (next < turns) await turn(sessions[next++ % sessions.length]!);
        }),
      );
    }),
  );
  // A process's last answer may leave before its own bookkeeping ends: let it settle.
  await new Promise((resolve) => setTimeout(resolve, 50));
  // "POST /v3/conversations/<id>/activities": whose conversation it is says which bot called.
  const conversationOf = (request: string) => request.split("/")[3] ?? "";
  const requests = connector.requests.slice(first);
  const measured = (kind: BotKind): Measured => ({
    cpu: cpuMs(runs[kind].pid) - cpu[kind],
    turns,
    calls: requests.filter((request) => runs[kind].conversations.has(conversationOf(request))).length,
  });
  return { product: measured("product"), echo: measured("echo") };
}

async function compareCpu(targets: Record<BotKind, Measurable>, people: BenchPerson[], connector: ConnectorStandIn): Promise<void> {
  const talkers = people.slice(0, CPU_PEOPLE);
  const pressers = people.slice(CPU_PEOPLE);
  const sessions = {} as Record<BotKind, { talk: TeamsUser[]; press: { user: TeamsUser; data: Record<string, unknown> }[] }>;
  for (const kind of kinds) {
    const target = targets[kind];
    const cards = await Promise.all(pressers.map((p) => identityCard(target, p, connector)));
    sessions[kind] = {
      talk: (await Promise.all(talkers.map((p) => identityCard(target, p, connector)))).map((s) => s.user),
      press: cards.map((s, i) => ({ user: s.user, data: refusedIdentity(pressers[i]!, s.card) })),
    };
  }
  const say = async (user: TeamsUser) => {
    const { status, replies } = await user.say("hej");
    if (status !== 200 || replies.length !== 1) throw new Error(`hej: HTTP ${status}, ${replies.length} replies`);
  };
  const refused = (kind: BotKind) => async (s: { user: TeamsUser; data: Record<string, unknown> }) => {
    const { status, card } = await s.user.press("enroll.identity", s.data);
    if (status !== 200) throw new Error(`enroll.identity: HTTP ${status}`);
    if (kind === "product" && inputIds(card).join() !== "username,password") throw new Error("the refused identity card did not come back");
  };
  const totals = {
    message: { product: [] as Measured[], echo: [] as Measured[] },
    invoke: { product: [] as Measured[], echo: [] as Measured[] },
  };
  const threadsBefore = {} as Record<BotKind, Map<string, number>>;
  const run = <S>(kind: BotKind, list: S[], userOf: (s: S) => TeamsUser, turn: (s: S) => Promise<void>): Run<S> => ({
    pid: targets[kind].pid,
    sessions: list,
    conversations: new Set(list.map((s) => userOf(s).conversationId)),
    turn,
  });
  const messages = {
    product: run("product", sessions.product.talk, (u) => u, say),
    echo: run("echo", sessions.echo.talk, (u) => u, say),
  };
  const invokes = {
    product: run("product", sessions.product.press, (s) => s.user, refused("product")),
    echo: run("echo", sessions.echo.press, (s) => s.user, refused("echo")),
  };
  for (let round = -1; round < ROUNDS; round++) {
    // Round -1 warms both up (JIT, caches) and is not counted.
    if (round === 0) for (const kind of kinds) threadsBefore[kind] = threadCpuMs(targets[kind].pid);
    const turns = round < 0 ? 50 : TURNS;
    const message = await sideBySide(connector, messages, turns);
    const invoke = await sideBySide(connector, invokes, turns);
    if (round < 0) continue;
    for (const kind of kinds) {
      totals.message[kind].push(message[kind]);
      totals.invoke[kind].push(invoke[kind]);
    }
  }
  console.log(`CPU per turn (${ROUNDS} rounds of ${TURNS} turns, both bots at once, ${IN_FLIGHT} in flight each):`);
  // Where it went: the main thread (JavaScript, syscalls) or others (V8's GC and compiler helpers, libuv's pool, workers).
  const counted = 2 * ROUNDS * TURNS;
  for (const kind of kinds) {
    const after = threadCpuMs(targets[kind].pid);
    const spent = [...after].map(([name, ms]) => [name, ms - (threadsBefore[kind]?.get(name) ?? 0)] as const).filter(([, ms]) => ms > 0);
    console.log(
      `  ${kind.padEnd(7)} by thread (ms per turn): ${spent
        .sort((a, b) => b[1] - a[1])
        .map(([name, ms]) => `${name} ${fixed(ms / counted, 3)}`)
        .join(", ")}`,
    );
  }
  for (const phase of ["message", "invoke"] as const) {
    const sum = (kind: BotKind) =>
      totals[phase][kind].reduce((a, m) => ({ cpu: a.cpu + m.cpu, turns: a.turns + m.turns, calls: a.calls + m.calls }));
    const p = sum("product");
    const e = sum("echo");
    const perRound = totals[phase].product.map((m, i) =>
      fixed(m.cpu / m.turns / (totals[phase].echo[i]!.cpu / totals[phase].echo[i]!.turns), 2),
    );
    console.log(
      `  ${phase === "message" ? 'message ("hej")        ' : "invoke (refused identity)"}: product ${fixed(p.cpu / p.turns, 2)} ms, ` +
        `echo ${fixed(e.cpu / e.turns, 2)} ms, ratio ${fixed(p.cpu / p.turns / (e.cpu / e.turns), 2)}× (rounds: ${perRound.join(", ")}); ` +
        `connector calls/turn: product ${fixed(p.calls / p.turns, 2)}, echo ${fixed(e.calls / e.turns, 2)}`,
    );
  }
}

/**
 * One enrollment per bot before the levels, shown but not counted: the CPU comparison has
 * warmed up the greeting and the identity card, but the SMS, device and confirm steps
 * (and qrcode, the user bind, the activation) run here for the first time since start-up,
 * on code V8 has not compiled yet. Counted, it would be the maximum, and so the p99, of the
 * 60 turns with 1 person in flight.
 */
async function firstEnrollment(targets: Record<BotKind, Measurable>, people: BenchPerson[], connector: ConnectorStandIn): Promise<void> {
  console.log("\nfirst enrollment after start-up (code run for the first time; not counted below):");
  for (const [i, kind] of kinds.entries()) {
    const timings = new Timings();
    await enrollOnce(targets[kind], people[i]!, connector, timings, () => 0);
    console.log(`  ${kind.padEnd(7)}: ${[...timings.byStep].map(([step, [ms]]) => `${step} ${fixed(ms!)}`).join(", ")} ms`);
  }
}

async function underLoad(
  targets: Record<BotKind, Measurable>,
  level: number,
  people: BenchPerson[],
  connector: ConnectorStandIn,
): Promise<void> {
  const scale = level === 1 ? 0 : level >= 500 ? 1 : 0.25;
  const think = () => scale * between(THINK_MIN, THINK_MAX);
  const lines: [BotKind, string][] = [];
  for (const kind of level % 2 === 0 ? [...kinds].reverse() : kinds) {
    const target = targets[kind];
    const timings = new Timings();
    const calls = connector.requests.length;
    const cpu = cpuMs(target.pid);
    const started = performance.now();
    const client = process.cpuUsage();
    const logged = target.stdout?.().length ?? 0;
    let failures = 0;
    const failed = (error: unknown) => {
      if (failures++ === 0) console.error(`  ${kind}: ${error instanceof Error ? error.message : String(error)}`);
    };
    if (level === 1) {
      for (const person of people) await enrollOnce(target, person, connector, timings, think).catch(failed);
    } else {
      await Promise.all(
        people.map(async (person) => {
          await new Promise((resolve) => setTimeout(resolve, scale * between(0, THINK_MAX)));
          await enrollOnce(target, person, connector, timings, think).catch(failed);
        }),
      );
    }
    const sorted = timings.all.sort((a, b) => a - b);
    const steps = [...timings.byStep].map(([step, ms]) => ({ step, ms, sorted: [...ms].sort((a, b) => a - b) }));
    const slowest = steps.map(({ step, sorted }) => [step, percentile(sorted, 99)] as const).sort((a, b) => b[1] - a[1])[0];
    const seconds = (performance.now() - started) / 1000;
    const { user, system } = process.cpuUsage(client);
    // This process plays every person and the connector: when it is busy, its own delays show as latency.
    const clientLoad = fixed((user + system) / 10_000 / seconds, 0);
    lines.push([
      kind,
      `  ${kind.padEnd(7)}: p50 ${fixed(percentile(sorted, 50))} ms, p95 ${fixed(percentile(sorted, 95))} ms, p99 ${fixed(percentile(sorted, 99))} ms, ` +
        `max ${fixed(sorted.at(-1) ?? NaN)} ms; ${sorted.length} turns in ${fixed(seconds)} s, CPU ${fixed((cpuMs(target.pid) - cpu) / sorted.length, 2)} ms/turn, ` +
        `connector calls/turn ${fixed((connector.requests.length - calls) / sorted.length, 2)}; slowest step ${slowest?.[0]} (p99 ${fixed(slowest?.[1] ?? NaN)} ms); bench client ${clientLoad} % of a core` +
        (failures ? `, ${failures} of ${people.length} enrollments FAILED` : ""),
    ]);
    lines.push([
      kind,
      `  ${kind.padEnd(7)}  per step p50/p99/max ms: ` +
        steps
          .map(({ step, sorted }) => `${step} ${fixed(percentile(sorted, 50))}/${fixed(percentile(sorted, 99))}/${fixed(sorted.at(-1)!)}`)
          .join(", "),
    ]);
    const inOrder = steps.find(({ step }) => step === slowest?.[0])?.ms;
    if (level === 1 && inOrder)
      lines.push([kind, `  ${kind.padEnd(7)}  ${slowest?.[0]} by enrollment, in order: ${inOrder.map((ms) => fixed(ms)).join(", ")} ms`]);
    const gc = target.stdout && process.env.BENCH_TRACE_GC === "1" ? gcSummary(target.stdout().slice(logged)) : undefined;
    if (gc) lines.push([kind, `  ${kind.padEnd(7)}  GC: ${gc}`]);
  }
  const what = level === 1 ? `1 person in flight (${people.length} enrollments one after the other)` : `${level} people enrolling at once`;
  console.log(`\n${what}, think time ${fixed((scale * THINK_MIN) / 1000)}–${fixed((scale * THINK_MAX) / 1000)} s:`);
  // Echo first, then the product, each bot's lines in the order written.
  for (const kind of ["echo", "product"] as const) for (const [of, text] of lines) if (of === kind) console.log(text);
}

/** --trace-gc lines ("… ms: Scavenge 10.2 (12.3) -> 9.8 (13.3) MB, 1.23 / 0.00 ms …"): count, longest and total pause per kind. */
function gcSummary(output: string): string {
  const byKind = new Map<string, number[]>();
  for (const [, kind, pause] of output.matchAll(
    /ms: ([A-Za-z-]+(?: [A-Za-z-]+)?) [\d.]+ \([\d.]+\) -> [\d.]+ \([\d.]+\) MB, ([\d.]+) \//g,
  )) {
    byKind.set(kind!, [...(byKind.get(kind!) ?? []), Number(pause)]);
  }
  if (byKind.size === 0) return "none";
  return [...byKind]
    .map(([kind, ms]) => `${ms.length} ${kind} (longest ${fixed(Math.max(...ms))} ms, total ${fixed(ms.reduce((a, b) => a + b, 0))} ms)`)
    .join(", ");
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
