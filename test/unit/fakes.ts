import type { EmployeeNotice, EmployeeNoticeOutbox } from "../../src/ports/employee-notices.js";
import type { NewTemporaryAccess, TemporaryAccess, TemporaryAccessStore } from "../../src/ports/temporary-access.js";
import type { LoginChallengeStore, PendingChallenge } from "../../src/ports/login-challenges.js";
import type { Clock } from "../../src/ports/clock.js";
import type { SmsSender } from "../../src/ports/sms-sender.js";
import type {
  AuditEvent,
  AuditLog,
  EnrollmentStore,
  NewToken,
  RateCounter,
  TokenRecord,
  TokenStore,
  Versioned,
} from "../../src/ports/stores.js";
import type { EnrollmentState } from "../../src/ports/enrollment-state.js";
import { ConcurrentUpdateError, SmsDeliveryError } from "../../src/features/shared/errors.js";

/** In-memory fakes of the ports, for the domain's unit tests only. */
export class FakeClock implements Clock {
  constructor(private current = new Date("2026-11-25T09:00:00Z")) {}
  now(): Date {
    return new Date(this.current);
  }
  advance(seconds: number): void {
    this.current = new Date(this.current.getTime() + seconds * 1000);
  }
}

export class FakeSms implements SmsSender {
  sent: { to: string; text: string }[] = [];
  failNext = false;
  async send(to: string, text: string): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      throw new SmsDeliveryError("gateway down");
    }
    this.sent.push({ to, text });
  }
  lastCode(): string {
    const match = /\b(\d{6})\b/.exec(this.sent.at(-1)?.text ?? "");
    if (!match?.[1]) throw new Error("no code sent");
    return match[1];
  }
}

export class MemoryStores implements EnrollmentStore, TokenStore, RateCounter, AuditLog {
  rows = new Map<string, Versioned<EnrollmentState>>();
  tokens: TokenRecord[] = [];
  events: { key: string; at: Date }[] = [];
  audit: AuditEvent[] = [];

  async load(userKey: string) {
    const row = this.rows.get(userKey);
    return row ? structuredClone(row) : null;
  }
  async save(userKey: string, state: EnrollmentState, expected: number | null, activate?: NewToken) {
    const current = this.rows.get(userKey)?.version ?? null;
    if (current !== expected) throw new ConcurrentUpdateError("version moved");
    if (activate) {
      for (const token of this.tokens) if (token.loginName === activate.loginName && token.status === "active") token.status = "replaced";
      this.tokens.push({ ...activate, status: "active" });
    }
    const version = (current ?? 0) + 1;
    this.rows.set(userKey, { value: structuredClone(JSON.parse(JSON.stringify(state))), version });
    return version;
  }
  async findActive(loginName: string) {
    return this.tokens.find((t) => t.loginName === loginName && t.status === "active") ?? null;
  }
  async revoke(loginName: string) {
    const token = await this.findActive(loginName);
    if (token) token.status = "revoked";
    return token !== null;
  }
  async advanceTimeStep(id: string, step: number, usedAt?: Date) {
    const token = this.tokens.find((t) => t.id === id);
    if (token?.status !== "active" || token.lastTimeStep >= step) return false;
    token.lastTimeStep = step;
    if (usedAt) {
      token.lastUsedAt = usedAt;
      token.failedTries = 0;
    }
    return true;
  }
  async countTry(loginName: string, now: Date) {
    const token = await this.findActive(loginName.toLowerCase());
    if (!token) return null;
    if (token.lockedUntil && token.lockedUntil > now) return { ...token };
    token.failedTries = token.lockedUntil ? 1 : (token.failedTries ?? 0) + 1;
    delete token.lockedUntil;
    return { ...token };
  }
  async lock(id: string, until: Date) {
    const token = this.tokens.find((t) => t.id === id && t.status === "active");
    if (token && !token.lockedUntil) token.lockedUntil = until;
  }
  async clearLock(id: string) {
    const token = this.tokens.find((t) => t.id === id);
    if (!token) return;
    token.failedTries = 0;
    delete token.lockedUntil;
  }
  async record(key: string, at: Date) {
    this.events.push({ key, at });
  }
  async countSince(key: string, since: Date) {
    return this.events.filter((e) => e.key === key && e.at >= since).length;
  }
  async latestAt(key: string) {
    const times = this.events.filter((e) => e.key === key).map((e) => e.at.getTime());
    return times.length > 0 ? new Date(Math.max(...times)) : null;
  }
  windows = new Map<string, { start: Date; hits: number }>();
  async hit(key: string, at: Date, windowMs: number) {
    const open = this.windows.get(key);
    const window =
      open && open.start.getTime() > at.getTime() - windowMs ? { start: open.start, hits: open.hits + 1 } : { start: at, hits: 1 };
    this.windows.set(key, window);
    return window.hits;
  }
  async clear(key: string) {
    this.events = this.events.filter((e) => e.key !== key);
    this.windows.delete(key);
  }
  async prune(before: Date) {
    const kept = this.events.filter((e) => e.at >= before);
    let pruned = this.events.length - kept.length;
    this.events = kept;
    for (const [key, window] of this.windows) if (window.start < before && this.windows.delete(key)) pruned++;
    return pruned;
  }
  async append(event: AuditEvent) {
    this.audit.push(event);
  }
  async listForSubject(subject: string) {
    return this.audit.filter((e) => e.subject === subject);
  }
  async latestOf(subject: string, action: string, outcome?: AuditEvent["outcome"]) {
    return (
      [...this.audit].reverse().find((e) => e.subject === subject && e.action === action && (!outcome || e.outcome === outcome)) ?? null
    );
  }
}

/** challenge-mode logins between their rounds, in memory. */
export class MemoryChallenges implements LoginChallengeStore {
  rows = new Map<string, PendingChallenge>();
  async create(challenge: PendingChallenge) {
    this.rows.set(challenge.stateHash, { ...challenge });
  }
  async consume(stateHash: string, now: Date) {
    const row = this.rows.get(stateHash);
    this.rows.delete(stateHash);
    if (!row || row.expiresAt <= now) return null;
    const { stateHash: _hash, ...rest } = row;
    return rest;
  }
  async prune(now: Date) {
    let pruned = 0;
    for (const [key, row] of this.rows) if (row.expiresAt <= now && this.rows.delete(key)) pruned++;
    return pruned;
  }
}

/** Temporary access grants in memory (the same contract as SqlTemporaryAccessStore). */
export class MemoryTemporaryAccess implements TemporaryAccessStore {
  grants: TemporaryAccess[] = [];
  async issue(grant: NewTemporaryAccess) {
    await this.end(grant.loginName, grant.issuedAt);
    this.grants.push({ ...grant, failedTries: 0 });
  }
  async latest(loginName: string) {
    const grant = this.grants.filter((g) => g.loginName === loginName.toLowerCase()).at(-1);
    return grant ? { ...grant } : null;
  }
  async countTry(loginName: string, now: Date) {
    const grant = this.open(loginName, now);
    if (!grant) return null;
    grant.failedTries++;
    return { ...grant };
  }
  async use(id: string, now: Date) {
    const grant = this.grants.find((g) => g.id === id && !g.endedAt && g.expiresAt > now);
    if (!grant) return false;
    grant.usedAt = now;
    grant.failedTries = 0;
    if (!grant.reusable) grant.endedAt = now;
    return true;
  }
  async end(loginName: string, at: Date) {
    const grant = this.grants.find((g) => g.loginName === loginName.toLowerCase() && !g.endedAt);
    if (grant) grant.endedAt = at;
    return grant !== undefined;
  }
  private open(loginName: string, now: Date) {
    return this.grants.find((g) => g.loginName === loginName.toLowerCase() && !g.endedAt && g.expiresAt > now);
  }
}

/** The employee notice outbox in memory (the same contract as SqlEmployeeNoticeOutbox). */
export class MemoryNoticeOutbox implements EmployeeNoticeOutbox {
  notices: (EmployeeNotice & { claimedUntil?: Date; doneAt?: Date })[] = [];
  async enqueue(notice: EmployeeNotice) {
    this.notices.push({ ...notice, upn: notice.upn.toLowerCase() });
  }
  async claim(limit: number, now: Date, leaseMs: number) {
    const free = this.notices
      .filter((n) => !n.doneAt && (!n.claimedUntil || n.claimedUntil <= now))
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
      .slice(0, limit);
    for (const notice of free) notice.claimedUntil = new Date(now.getTime() + leaseMs);
    return free.map(({ claimedUntil: _claimed, doneAt: _done, ...notice }) => notice);
  }
  async done(id: string, at: Date) {
    const notice = this.notices.find((n) => n.id === id);
    if (notice) notice.doneAt = at;
  }
}
