/**
 * npm run bench:audit-chain  (BENCH_WRITES=20000, BENCH_ROUNDS=5)
 *
 * The cost of the keyed audit chain per audit write: the HMAC link alone, and whole appends
 * (SqlAuditLog on SQLite in a temp folder) with the chain on and off, in alternating blocks.
 * Not a test: prints numbers. The RADIUS on/off ratio: BENCH_AUDIT_COMPARE=1 npm run bench:radius.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqlAuditLog } from "../src/adapters/sql/audit-log.js";
import { migrateToLatest, openDatabase } from "../src/adapters/sql/index.js";
import { AuditChainWriter } from "../src/features/audit/audit-chain.js";

const WRITES = Number(process.env.BENCH_WRITES ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const event = (i: number) => ({
  at: new Date(),
  subject: `user${i % 1000}@bench.example`,
  actor: "radius:bench",
  action: "login.validate",
  outcome: "ok" as const,
  detail: { reason: "ok", channel: "radius", client: "bench" },
});

async function main(): Promise<void> {
  const writer = new AuditChainWriter(randomBytes(32));
  const content = {
    at: new Date().toISOString(),
    subject: "u@x",
    actor: "radius:bench",
    action: "login.validate",
    outcome: "ok",
    detail: '{"reason":"ok"}',
  };
  let started = process.hrtime.bigint();
  for (let i = 0; i < WRITES; i++) writer.next(content);
  const linkUs = Number(process.hrtime.bigint() - started) / 1e3 / WRITES;

  const dir = mkdtempSync(join(tmpdir(), "audit-bench-"));
  const database = await openDatabase(undefined, dir);
  try {
    await migrateToLatest(database.db);
    const logs = { on: new SqlAuditLog(database.db, new AuditChainWriter(randomBytes(32))), off: new SqlAuditLog(database.db) };
    const perWrite: Record<"on" | "off", number[]> = { on: [], off: [] };
    for (let round = 0; round < ROUNDS; round++) {
      for (const mode of round % 2 === 0 ? (["on", "off"] as const) : (["off", "on"] as const)) {
        started = process.hrtime.bigint();
        for (let i = 0; i < WRITES / ROUNDS; i++) await logs[mode].append(event(i));
        perWrite[mode].push(Number(process.hrtime.bigint() - started) / 1e3 / (WRITES / ROUNDS));
      }
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    process.stdout.write(`HMAC link alone: ${linkUs.toFixed(2)} µs per write\n`);
    process.stdout.write(
      `SQLite append, chain on: ${median(perWrite.on).toFixed(1)} µs, off: ${median(perWrite.off).toFixed(1)} µs (median of ${ROUNDS} alternating blocks); on/off ${(median(perWrite.on) / median(perWrite.off)).toFixed(3)}×\n`,
    );
  } finally {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
