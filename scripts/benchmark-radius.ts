/**
 * npm run bench:radius  (BENCH_USERS=60000, BENCH_SECONDS=4, BENCH_ENGINES=sqlite,postgres)
 *
 * Access-Requests per second and p50/p99 latency at 1, 50 and 500 requests in flight, on
 * SQLite and PostgreSQL, for accepts (a different user each time, with that user's right
 * code) and for a flood of wrong codes; accepts offered at a fixed rate (BENCH_OFFERED, 2,000/s,
 * sent whatever the answers do, as NetScaler forwards logins); then an honest user's right code every 200 ms during
 * a 10-second flood of wrong codes for other users. The server is its own process
 * (scripts/lib/radius-bench-server.ts); this one only sends UDP to 127.0.0.1 and stops by
 * itself. Targets on a 2-core machine: ≥ 2,000 requests/s, p99 ≤ 20 ms at 50 in flight, the
 * honest user accepted within 100 ms. Not a test: prints numbers.
 *
 * BENCH_AUDIT_COMPARE=1 (BENCH_ROUNDS=6): instead, accepts per second at 50 in flight with the
 * keyed audit chain on and off, alternating runs side by side, and their ratio (target ≤ 1.2×).
 * BENCH_COMPARE=<variable>: the same for another of the bench server's settings, e.g. BENCH_PREPARED
 * (PostgreSQL's prepared statements) with BENCH_ENGINES=postgres, or BENCH_CHECKPOINTS (SQLite's
 * WAL checkpoints on a worker thread) with BENCH_ENGINES=sqlite.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ScureBase32Plugin } from "@otplib/plugin-base32-scure";
import { hotp } from "../src/adapters/otplib-totp.js";
import { KeyedHmac } from "../src/features/shared/keyed-hmac.js";
import { startPostgres } from "../test/support/postgres.js";
import { benchLogin, benchSecret, DEFAULT_BENCH_USERS } from "./lib/radius-bench-server.js";
import { RadiusLoadClient } from "./lib/radius-load-client.js";

const USERS = Number(process.env.BENCH_USERS ?? DEFAULT_BENCH_USERS);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const ENGINES = (process.env.BENCH_ENGINES ?? "sqlite,postgres").split(",");
const OFFERED_PER_SECOND = Number(process.env.BENCH_OFFERED ?? 2_000);
const OPEN_LOOP_CAP = 800;
const SEED = "bench-seed";
const SECRET = "bench-radius-secret-0123";
const STEP = 30;
const base32 = new ScureBase32Plugin();

/**
 * Hands out users with a code they have not used yet (each token accepts a time step once).
 * Every user's key is made before anything is measured: made on first use, thousands of new
 * long-lived objects a second would survive into the generator's old generation, and its
 * collections would pause it (35 ms seen) while answers wait to be timed.
 */
class HonestUsers {
  private nextUser = 0;
  private readonly used = new Map<number, number>();
  private readonly keys = new Map<number, KeyedHmac>();
  constructor(
    private readonly from: number,
    private readonly to: number,
  ) {
    for (let i = from; i < to; i++) {
      const key = new KeyedHmac("sha1", base32.decode(benchSecret(SEED, benchLogin(i))));
      hotp(key, 0); // Its buffers are made at its first use: here, not while measuring.
      this.keys.set(i, key);
    }
  }
  take(): { userName: string; code: string } {
    const nowStep = Math.floor(Date.now() / 1000 / STEP);
    for (let tries = 0; tries < this.to - this.from; tries++) {
      const i = this.from + (this.nextUser++ % (this.to - this.from));
      // The previous step's code only while it is not about to expire in flight (a bench artefact, not a refusal to measure).
      const oldest = (Date.now() / 1000) % STEP > STEP - 5 ? nowStep : nowStep - 1;
      const step = Math.max((this.used.get(i) ?? -Infinity) + 1, oldest);
      if (step > nowStep + 1) continue;
      this.used.set(i, step);
      return { userName: benchLogin(i), code: hotp(this.keys.get(i)!, step) };
    }
    throw new Error("every bench user used up its codes in this window: raise BENCH_USERS");
  }
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

/** The server's CPU time (user + system) so far, in ms: per request it does not depend on how busy the machine is. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/**
 * PostgreSQL's CPU time so far, in ms: the postmaster's own and its finished children's, plus
 * each live backend's (the pool's connections). Null on SQLite, which runs inside the server.
 */
function databaseCpuMs(postmasterPid: number | undefined): number | null {
  if (postmasterPid === undefined) return null;
  const stat = (pid: string) => readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  const own = stat(String(postmasterPid));
  let ticks = Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14]);
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      const fields = stat(pid);
      if (Number(fields[1]) === postmasterPid) ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // The process ended while the list was read.
    }
  }
  return (ticks * 1000) / 100;
}

/** The postmaster listening on the URL's port (its command line holds `-p <port>`). */
function postmasterPidOf(url: string): number {
  const port = new URL(url).port;
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      const args = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      if (args[0]?.endsWith("/postgres") && args[args.indexOf("-p") + 1] === port) return Number(pid);
    } catch {
      // The process ended while the list was read.
    }
  }
  throw new Error(`no postmaster on port ${port}`);
}

interface Target {
  client: RadiusLoadClient;
  serverPid: number;
  postmasterPid?: number;
}

async function closedLoop(target: Target, inFlight: number, seconds: number, next: () => { userName: string; code: string }) {
  const { client, serverPid } = target;
  const cpuBefore = cpuMs(serverPid);
  const databaseCpuBefore = databaseCpuMs(target.postmasterPid);
  const ownCpuBefore = process.cpuUsage();
  const latencies: number[] = [];
  const outcomes: Record<string, number> = {};
  const deadline = Date.now() + seconds * 1000;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: inFlight }, async (_, slot) => {
      while (Date.now() < deadline) {
        const { userName, code } = next();
        const answer = await client.ask(userName, code, slot);
        latencies.push(answer.ms);
        outcomes[answer.code] = (outcomes[answer.code] ?? 0) + 1;
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const elapsed = (Date.now() - started) / 1000;
  const cpuPerRequest = +((cpuMs(serverPid) - cpuBefore) / latencies.length).toFixed(3);
  const databaseCpuAfter = databaseCpuMs(target.postmasterPid);
  const databaseCpuPerRequest =
    databaseCpuAfter === null || databaseCpuBefore === null
      ? null
      : +((databaseCpuAfter - databaseCpuBefore) / latencies.length).toFixed(3);
  const ownCpu = process.cpuUsage(ownCpuBefore);
  const generatorCpuPerRequest = +((ownCpu.user + ownCpu.system) / 1000 / latencies.length).toFixed(3);
  return {
    inFlight,
    perSecond: Math.round(latencies.length / elapsed),
    p50: +percentile(latencies, 50).toFixed(2),
    p99: +percentile(latencies, 99).toFixed(2),
    cpuPerRequest,
    databaseCpuPerRequest,
    generatorCpuPerRequest,
    outcomes,
  };
}

/**
 * Requests sent at a fixed rate whatever the answers do (as NetScaler forwards logins as they
 * come), rather than a fixed number in flight: latency at an offered load, with the most in
 * flight at once. One timer tick a millisecond sends what is due.
 */
async function openLoop(target: Target, ratePerSecond: number, seconds: number, next: () => { userName: string; code: string }) {
  const latencies: number[] = [];
  const outcomes: Record<string, number> = {};
  const answers: Promise<void>[] = [];
  let inFlight = 0;
  let mostInFlight = 0;
  let unsent = 0;
  const started = performance.now();
  for (let elapsed = 0; elapsed < seconds * 1000; elapsed = performance.now() - started) {
    for (let due = Math.floor((elapsed / 1000) * ratePerSecond); answers.length + unsent < due; ) {
      // A server that falls behind does not get an ever longer queue: what is over the cap is counted, not sent.
      if (inFlight >= OPEN_LOOP_CAP) {
        unsent++;
        continue;
      }
      const { userName, code } = next();
      mostInFlight = Math.max(mostInFlight, ++inFlight);
      answers.push(
        target.client.ask(userName, code, answers.length).then((answer) => {
          inFlight--;
          latencies.push(answer.ms);
          outcomes[answer.code] = (outcomes[answer.code] ?? 0) + 1;
        }),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await Promise.all(answers);
  latencies.sort((a, b) => a - b);
  return {
    offered: ratePerSecond,
    p50: +percentile(latencies, 50).toFixed(2),
    p99: +percentile(latencies, 99).toFixed(2),
    max: +(latencies.at(-1) ?? NaN).toFixed(2),
    mostInFlight,
    unsent,
    outcomes,
  };
}

async function startServer(
  engine: string,
  extraEnv: Record<string, string> = {},
): Promise<{ port: number; pid: number; postmasterPid?: number; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), "radius-bench-"));
  const postgres = engine === "postgres" ? await startPostgres("radius_bench") : null;
  if (engine === "postgres" && !postgres) throw new Error("PostgreSQL is not installed (bash scripts/install-test-servers.sh)");
  const child = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_PROFILE ? [`--cpu-prof`, `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : []),
      "--import",
      "tsx",
      join(import.meta.dirname, "lib/radius-bench-server.ts"),
    ],
    {
      env: {
        ...process.env,
        ...extraEnv,
        BENCH_DIR: dir,
        BENCH_DATABASE_URL: postgres?.url ?? "",
        BENCH_USERS: String(USERS),
        BENCH_SEED: SEED,
        BENCH_RADIUS_SECRET: SECRET,
      },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      const match = /ready (\d+)/.exec(chunk.toString());
      if (match) resolve(Number(match[1]));
    });
    child.once("exit", (code) => reject(new Error(`bench server exited (${code})`)));
  });
  return {
    port,
    pid: child.pid!,
    postmasterPid: postgres ? postmasterPidOf(postgres.url) : undefined,
    async stop() {
      child.kill("SIGTERM");
      await new Promise((resolve) => child.once("exit", resolve));
      await postgres?.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function benchEngine(engine: string) {
  const server = await startServer(engine);
  const client = await RadiusLoadClient.open(server.port, 1000, SECRET);
  const target = { client, serverPid: server.pid, postmasterPid: server.postmasterPid };
  try {
    // The first half of the users answer honestly; the second half are flooded with wrong codes.
    const half = Math.floor(USERS / 2);
    const honest = new HonestUsers(0, half);
    let floodIndex = 0;
    const wrong = () => ({ userName: benchLogin(half + (floodIndex++ % half)), code: "000000" });
    await closedLoop(target, 10, 1, () => honest.take()); // warm-up
    const accepts = [];
    const floods = [];
    for (const inFlight of [1, 50, 500]) accepts.push(await closedLoop(target, inFlight, SECONDS, () => honest.take()));
    for (const inFlight of [1, 50, 500]) floods.push(await closedLoop(target, inFlight, SECONDS, wrong));
    const offered = await openLoop(target, OFFERED_PER_SECOND, SECONDS, () => honest.take());

    // An honest user's right code every 200 ms while 50 requests of wrong codes stay in flight for 10 s.
    const honestLatencies: number[] = [];
    let honestAccepted = 0;
    const flood = closedLoop(target, 50, 10, wrong);
    const started = Date.now();
    while (Date.now() - started < 10_000) {
      const { userName, code } = honest.take();
      const answer = await client.ask(userName, code, 0);
      honestLatencies.push(answer.ms);
      if (answer.code === "accept") honestAccepted++;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const flooded = await flood;
    honestLatencies.sort((a, b) => a - b);
    return {
      engine,
      accepts,
      offered,
      wrongCodeFlood: floods,
      honestDuringFlood: {
        floodPerSecond: flooded.perSecond,
        honestRequests: honestLatencies.length,
        honestAccepted,
        p50: +percentile(honestLatencies, 50).toFixed(2),
        max: +(honestLatencies.at(-1) ?? NaN).toFixed(2),
      },
    };
  } finally {
    client.close();
    await server.stop();
  }
}

const line = (a: Awaited<ReturnType<typeof closedLoop>>) =>
  `    ${String(a.inFlight).padStart(3)} in flight: ${a.perSecond} req/s, p50 ${a.p50} ms, p99 ${a.p99} ms, server CPU ${a.cpuPerRequest} ms/request${a.databaseCpuPerRequest === null ? "" : ` (PostgreSQL ${a.databaseCpuPerRequest})`} (generator ${a.generatorCpuPerRequest}) ${JSON.stringify(a.outcomes)}\n`;

/**
 * Accepts at 50 in flight with a server setting on and off (BENCH_AUDIT_CHAIN, BENCH_PREPARED), in
 * alternating order, each run on a fresh server: accepts/s, and the server's and PostgreSQL's CPU
 * per accept; the ratio of the medians.
 */
async function compareSetting(engine: string, variable: string, rounds: number): Promise<void> {
  type Run = Awaited<ReturnType<typeof closedLoop>>;
  const runs = { on: [] as Run[], off: [] as Run[] };
  for (let round = 0; round < rounds; round++) {
    for (const mode of round % 2 === 0 ? (["on", "off"] as const) : (["off", "on"] as const)) {
      const server = await startServer(engine, { [variable]: mode });
      const client = await RadiusLoadClient.open(server.port, 50, SECRET);
      const target = { client, serverPid: server.pid, postmasterPid: server.postmasterPid };
      try {
        const honest = new HonestUsers(0, USERS);
        await closedLoop(target, 10, 1, () => honest.take());
        runs[mode].push(await closedLoop(target, 50, SECONDS, () => honest.take()));
      } finally {
        client.close();
        await server.stop();
      }
    }
  }
  const median = (mode: "on" | "off", pick: (run: Run) => number | null) =>
    runs[mode].map((run) => pick(run) ?? NaN).sort((a, b) => a - b)[Math.floor(rounds / 2)]!;
  const measures: [string, (run: Run) => number | null][] = [
    ["accepts/s", (run) => run.perSecond],
    ["p99 ms", (run) => run.p99],
    ["server CPU ms/accept", (run) => run.cpuPerRequest],
    ["PostgreSQL CPU ms/accept", (run) => run.databaseCpuPerRequest],
  ];
  for (const [what, pick] of measures) {
    const on = median("on", pick);
    const off = median("off", pick);
    if (Number.isNaN(on)) continue;
    process.stdout.write(
      `${engine} ${variable} ${what}: on ${JSON.stringify(runs.on.map(pick))}, off ${JSON.stringify(runs.off.map(pick))}; medians on ${on}, off ${off}, on/off ${(on / off).toFixed(3)}×\n`,
    );
  }
}

async function main(): Promise<void> {
  const compared = process.env.BENCH_AUDIT_COMPARE ? "BENCH_AUDIT_CHAIN" : process.env.BENCH_COMPARE;
  if (compared) {
    for (const engine of ENGINES) await compareSetting(engine, compared, Number(process.env.BENCH_ROUNDS ?? 6));
    return;
  }
  const results = [];
  for (const engine of ENGINES) results.push(await benchEngine(engine));
  for (const r of results) {
    process.stdout.write(`\n${r.engine}\n  accepts (distinct users):\n`);
    for (const a of r.accepts) process.stdout.write(line(a));
    process.stdout.write("  flood of wrong codes:\n");
    for (const a of r.wrongCodeFlood) process.stdout.write(line(a));
    const o = r.offered;
    process.stdout.write(
      `  accepts offered at ${o.offered}/s: p50 ${o.p50} ms, p99 ${o.p99} ms, max ${o.max} ms, at most ${o.mostInFlight} in flight, ${o.unsent} not sent (over ${OPEN_LOOP_CAP} in flight) ${JSON.stringify(o.outcomes)}\n`,
    );
    const h = r.honestDuringFlood;
    process.stdout.write(
      `  honest user during a 10 s flood (${h.floodPerSecond} req/s): ${h.honestAccepted}/${h.honestRequests} accepted, p50 ${h.p50} ms, max ${h.max} ms\n`,
    );
  }
  process.stdout.write(`\n${JSON.stringify(results)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
