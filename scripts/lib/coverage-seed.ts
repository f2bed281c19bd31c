/**
 * A region's worth of stored state for the coverage benchmark: `people` eligible members,
 * each somewhere in the funnel, written straight into the tables in batches (what years of
 * the bot and the validation service would leave behind). Deterministic (seeded).
 */
import type { Insertable, Kysely } from "kysely";
import type { Schema } from "../../src/adapters/sql/schema.js";
import type { CoveragePerson } from "../../src/features/report/coverage.js";

const STEPS = ["enroll.started", "enroll.identity", "enroll.sms.verify", "enroll.qr.shown", "enroll.token.activated"] as const;
const ERRORS = ["error.wrongPassword", "error.noMobile", "error.smsWrong", "error.smsSendFailed", "error.totpWrong", "error.clockAhead"];
const BATCH = 1_000;
const DAY = 86_400_000;

/** mulberry32: a small seeded PRNG, so every run seeds the same region. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SeedResult {
  members: CoveragePerson[];
  auditRows: number;
}

export async function seedRegion(db: Kysely<Schema>, people: number, now: Date, loginsPerPerson = 20): Promise<SeedResult> {
  const rnd = random(12);
  const members: CoveragePerson[] = [];
  const audit: Schema["audit_events"][] = [];
  const tokens: Insertable<Schema["tokens"]>[] = [];
  const enrollments: Schema["enrollments"][] = [];
  let auditRows = 0;
  const flush = async (force = false) => {
    if (audit.length >= BATCH || (force && audit.length > 0)) {
      for (let i = 0; i < audit.length; i += BATCH)
        await db
          .insertInto("audit_events")
          .values(audit.slice(i, i + BATCH) as never)
          .execute();
      auditRows += audit.length;
      audit.length = 0;
    }
  };
  for (let i = 0; i < people; i++) {
    const upn = `person${i}@region.se`;
    const loginName = `p${i}`;
    members.push({ upn, loginName, department: `Avdelning ${i % 60}` });
    const r = rnd();
    // 15 % never start; the rest stop at a step or activate (≈ 70 % of everyone).
    const furthest = r < 0.15 ? -1 : r < 0.2 ? 0 : r < 0.23 ? 1 : r < 0.26 ? 2 : r < 0.3 ? 3 : 4;
    let at = now.getTime() - Math.floor(rnd() * 84) * DAY;
    for (let s = 0; s <= furthest; s++) {
      audit.push({
        at: new Date((at += 60_000)).toISOString(),
        subject: upn,
        actor: upn,
        action: STEPS[s]!,
        outcome: "ok",
        detail: null,
      } as never);
      if (rnd() < 0.2)
        audit.push({
          at: new Date((at += 1_000)).toISOString(),
          subject: upn,
          actor: upn,
          action: STEPS[Math.min(s + 1, 4)]!,
          outcome: "refused",
          detail: '{"reason":"x"}',
        } as never);
    }
    if (furthest >= 0 && furthest < 4) {
      const state = {
        flowId: `f${i}`,
        step: "identity",
        callerUpn: upn,
        lastError: rnd() < 0.7 ? ERRORS[Math.floor(rnd() * ERRORS.length)] : undefined,
      };
      enrollments.push({ user_key: `aad-${i}`, state: JSON.stringify(state), version: 3, updated_at: new Date(at).toISOString() });
    }
    if (furthest === 4) {
      tokens.push({
        id: `t${i}`,
        login_name: loginName,
        upn,
        device_name: "Mobil",
        secret_sealed: "sealed",
        status: "active",
        activated_at: new Date(at).toISOString(),
        ended_at: null,
        last_time_step: 0,
        last_used_at: null,
      });
      if (rnd() < 0.85) {
        for (let l = 0; l < loginsPerPerson; l++) {
          const ok = rnd() < 0.9;
          audit.push({
            at: new Date((at += DAY / 4)).toISOString(),
            subject: upn,
            actor: "radius:netscaler",
            action: "login.validate",
            outcome: ok ? "ok" : "refused",
            detail: JSON.stringify({ reason: ok ? "ok" : "wrongCode", channel: "radius" }),
          } as never);
        }
      }
    }
    await flush();
  }
  await flush(true);
  for (let i = 0; i < tokens.length; i += BATCH)
    await db
      .insertInto("tokens")
      .values(tokens.slice(i, i + BATCH))
      .execute();
  for (let i = 0; i < enrollments.length; i += BATCH)
    await db
      .insertInto("enrollments")
      .values(enrollments.slice(i, i + BATCH))
      .execute();
  return { members, auditRows };
}
