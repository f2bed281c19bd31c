/**
 * Sends the planned reminders of a campaign at Teams' rate limit, crash-safely.
 *
 * Each row goes: pending → (claim: conditional UPDATE) sending → request to Teams → sent.
 * A worker has at most one row claimed, so the only duplicate window is one in-flight
 * request per worker: Teams accepted it, and the process died before "sent" was written.
 * Such a row stays "sending"; after the lease it is claimed again and re-sent (at most one
 * duplicate per worker per crash). Rows never get lost: anything not "sent", "failed" or
 * "skipped" is picked up again by the next run or another instance.
 *
 * With a SenderLease (the CLI always has one) only one instance sends at a time, so that
 * together they stay within Teams' 50 requests/s per app and tenant: the run waits for the
 * lease before its first request, renews it every ttl/3, starts no request once a renewal
 * failed (requests already sent are answered and recorded, unclaimed rows are left for the
 * holder) and releases it at the end. A run that lost it, or never got it, waits and asks
 * again while its campaign still has reminders to send. A crashed holder's lease expires
 * after its ttl; the rows it had claimed are taken over after theirs (leaseMs).
 */
import { randomUUID } from "node:crypto";
import { defaultDeliveryOptions, type DeliveryCounts, type DeliveryDeps, type DeliveryOptions } from "./delivery-types.js";
import type { Campaign } from "../../ports/reminders.js";
import { LeaseKeeper } from "./lease-keeper.js";
import { NO_CONVERSATION, SKIPPED_ENROLLED, type Delivery, type SendOutcome } from "../../ports/reminders.js";

export {
  defaultDeliveryOptions,
  isRetryableStatus,
  type DeliveryCounts,
  type DeliveryDeps,
  type DeliveryLogger,
  type DeliveryOptions,
} from "./delivery-types.js";

/** How long before a slot the runner stops sleeping and yields until the clock reaches it (waitUntil). */
const SPIN_MS = 2;

export class DeliveryRunner {
  private readonly options: DeliveryOptions;
  private queue: Delivery[] = [];
  private readonly local = new Set<string>();
  private refilling: Promise<void> | undefined;
  private recent429: number[] = [];
  private counts: DeliveryCounts = { sent: 0, failed: 0, skippedEnrolled: 0, notReachable: 0, snoozed: 0, retries: 0, throttled: 0 };
  /** Set while sending under the sender lease. */
  private keeper: LeaseKeeper | undefined;

  constructor(
    private readonly deps: DeliveryDeps,
    options: Partial<DeliveryOptions> = {},
  ) {
    this.options = { ...defaultDeliveryOptions, ...options };
  }

  private now(): number {
    return this.deps.clock.now().getTime();
  }

  async run(campaign: Campaign): Promise<DeliveryCounts> {
    this.counts = { sent: 0, failed: 0, skippedEnrolled: 0, notReachable: 0, snoozed: 0, retries: 0, throttled: 0 };
    this.queue = [];
    const lease = this.deps.lease;
    if (!lease) {
      await this.runWorkers(campaign);
      return { ...this.counts };
    }
    const keeper = new LeaseKeeper(
      lease,
      `${this.options.workerPrefix}/${randomUUID().slice(0, 8)}`,
      this.deps.clock,
      this.deps.wait,
      { ttlMs: this.options.senderLeaseMs, retryMs: this.options.senderLeaseRetryMs },
      this.deps.logger,
    );
    for (;;) {
      if (!(await keeper.acquire(() => this.leftToSend(campaign)))) break;
      try {
        // The previous holder's last requests still count at Teams for one window: start after it.
        this.deps.limiter.holdAll(this.now() + this.deps.limiter.globalWindowMs);
        this.keeper = keeper;
        await this.runWorkers(campaign);
      } finally {
        this.keeper = undefined;
        await keeper.release();
      }
      if (!keeper.lost) break;
      this.dropQueue();
    }
    return { ...this.counts };
  }

  private async runWorkers(campaign: Campaign): Promise<void> {
    const workers = Array.from({ length: Math.max(1, this.options.workers) }, (_, i) =>
      this.worker(campaign, `${this.options.workerPrefix}#${i}`),
    );
    await Promise.all(workers);
  }

  /**
   * Whether a run without the sender lease should (still) wait for it: the campaign has rows
   * not finished (pending, or being sent: by the holder, or by a crashed run and then taken
   * over once their lease is over).
   */
  private async leftToSend(campaign: Campaign): Promise<boolean> {
    const state = await this.deps.store.unfinished(campaign.id);
    return state.pending > 0 || state.sending > 0;
  }

  /** Rows fetched but not claimed: left to whoever holds the lease (they are still "pending" in the database). */
  private dropQueue(): void {
    for (const row of this.queue.splice(0)) this.local.delete(row.id);
  }

  private async worker(campaign: Campaign, workerId: string): Promise<void> {
    for (;;) {
      const row = await this.next(campaign);
      if (row === "done") return;
      if (row === "idle") continue;
      try {
        await this.deliver(campaign, row, workerId);
      } finally {
        this.local.delete(row.id);
      }
    }
  }

  /** The next row to try, "idle" after waiting for something to become due, "done" when finished. */
  private async next(campaign: Campaign): Promise<Delivery | "done" | "idle"> {
    if (this.keeper && !this.keeper.holds()) {
      // Lost the sender lease: claim nothing more; run() waits for the lease again.
      this.dropQueue();
      return "done";
    }
    if (this.queue.length === 0) {
      this.refilling ??= this.refill(campaign).finally(() => (this.refilling = undefined));
      await this.refilling;
    }
    const row = this.queue.shift();
    if (row) return row;
    // Nothing claimable now: finished, or wait for retries / other workers / stale claims.
    const state = await this.deps.store.unfinished(campaign.id);
    const now = this.now();
    const ownInFlight = this.local.size;
    const othersSending = state.sending - ownInFlight;
    if (state.pending === 0 && state.sending === 0) return "done";
    if (state.pending === 0 && othersSending <= 0) {
      if (ownInFlight === 0) return "done";
      await this.deps.wait(20); // our own in-flight rows may still be released for a retry
      return "idle";
    }
    const candidates: number[] = [];
    if (state.pending > 0 && state.earliest) candidates.push(state.earliest.getTime());
    if (othersSending > 0) {
      if (!this.options.untilComplete && state.pending === 0) return "done";
      if (state.oldestClaim) candidates.push(state.oldestClaim.getTime() + this.options.leaseMs + 1);
    }
    const at = candidates.length > 0 ? Math.min(...candidates) : now + 50;
    await this.deps.wait(Math.min(Math.max(at - now, 20), 1_000));
    return "idle";
  }

  private async refill(campaign: Campaign): Promise<void> {
    const now = this.now();
    const rows = await this.deps.store.claimable(campaign.id, new Date(now), new Date(now - this.options.leaseMs), this.options.batchSize);
    for (const row of rows) {
      if (this.local.has(row.id)) continue;
      this.local.add(row.id);
      this.queue.push(row);
    }
    this.deps.limiter.prune(now);
  }

  private async deliver(campaign: Campaign, row: Delivery, workerId: string): Promise<void> {
    const { store, tokens, conversations, limiter, wait } = this.deps;
    if (this.keeper && !this.keeper.holds()) return; // lost the sender lease: leave the row unclaimed
    const claimedAt = this.now();
    if (!(await store.claim(row.id, workerId, new Date(claimedAt), new Date(claimedAt - this.options.leaseMs)))) return;
    const attempt = row.attempts + 1;
    const at = () => new Date(this.now());

    if (await tokens.findActive(row.loginName)) {
      this.counts.skippedEnrolled++;
      return store.markSkipped(row.id, workerId, at(), SKIPPED_ENROLLED);
    }
    const snooze = await store.getSnooze(campaign.id, row.upn);
    if (snooze?.cannotAt || (snooze?.until && snooze.until.getTime() > claimedAt)) {
      this.counts.snoozed++;
      return store.markSkipped(row.id, workerId, at(), snooze.cannotAt ? "cannot" : "snoozed");
    }
    const ref = await conversations.get(row.userKey);
    if (!ref) {
      this.counts.notReachable++;
      return store.markFailed(row.id, workerId, at(), NO_CONVERSATION);
    }
    const conversationKey = conversationIdOf(ref.reference) ?? row.userKey;

    // Wait for the conversation, then for a global slot; send at the slot's time.
    for (
      let ready = limiter.keyReadyAt(conversationKey, this.now());
      ready > this.now();
      ready = limiter.keyReadyAt(conversationKey, this.now())
    ) {
      await wait(ready - this.now());
    }
    // A request planned a second ago and still unanswered may have reached Teams late: wait for its answer.
    while (limiter.waitsOnInFlight(conversationKey, this.now())) await wait(2);
    const slot = limiter.reserve(conversationKey, this.now());
    await this.waitUntil(slot.at);
    if (this.keeper && !this.keeper.holds()) {
      // Lost the sender lease while waiting for the slot: not sent, back to the queue at once.
      limiter.settle(conversationKey, slot, this.now());
      return store.release(row.id, workerId, at(), "sender lease lost before sending");
    }

    const sentAt = this.now();
    limiter.sent(conversationKey, slot, sentAt);
    const outcome: SendOutcome = await this.deps.sender.send({
      reference: ref.reference,
      locale: ref.locale,
      campaign,
      round: row.round,
      snoozesLeft: Math.max(0, campaign.maxSnoozes - (snooze?.count ?? 0)),
    });
    // The server counted the request between its send and its answer: counting from the answer, the
    // limiter counts it now (each request from its own, so requests that left late cannot squeeze the server's window).
    limiter.settle(conversationKey, slot, this.now());

    if (outcome.kind === "ok") {
      this.counts.sent++;
      await store.markSent(row.id, workerId, at(), outcome.activityId);
      return this.audit(campaign, row, "ok", { attempts: attempt });
    }
    const reason = `${outcome.status ?? "error"}: ${outcome.reason}`.slice(0, 500);
    if (outcome.kind === "permanent") {
      this.counts.failed++;
      this.deps.logger?.warn({ delivery: row.id, reason }, "reminder not deliverable");
      await store.markFailed(row.id, workerId, at(), reason);
      return this.audit(campaign, row, "error", { attempts: attempt, status: outcome.status ?? "none" });
    }
    if (outcome.status === 429) this.noteThrottled(conversationKey, sentAt, outcome.retryAfterMs);
    if (attempt >= this.options.maxAttempts) {
      this.counts.failed++;
      this.deps.logger?.warn({ delivery: row.id, reason, attempts: attempt }, "reminder given up");
      await store.markFailed(row.id, workerId, at(), `gave up after ${attempt} tries; last ${reason}`);
      return this.audit(campaign, row, "error", { attempts: attempt, status: outcome.status ?? "none" });
    }
    const backoff = Math.min(this.options.maxBackoffMs, this.options.baseBackoffMs * 2 ** (attempt - 1));
    const jittered = backoff / 2 + Math.random() * (backoff / 2);
    const delay = Math.max(outcome.retryAfterMs ?? 0, jittered);
    this.counts.retries++;
    return store.release(row.id, workerId, new Date(this.now() + delay), reason);
  }

  /**
   * The person's audit row for a reminder sent or given up. The reminder is already recorded
   * in the queue: a failed audit write is logged, not retried by sending again (the chain
   * starts anew and `audit verify` shows the missing place).
   */
  private async audit(campaign: Campaign, row: Delivery, outcome: "ok" | "error", detail: Record<string, string | number>): Promise<void> {
    const event = {
      at: this.deps.clock.now(),
      subject: row.upn.toLowerCase(),
      actor: "system",
      action: outcome === "ok" ? "reminder.sent" : "reminder.failed",
      outcome,
      detail: { campaign: campaign.id, round: row.round, ...detail },
    };
    await this.deps.audit?.append(event).catch((error: unknown) => {
      this.deps.logger?.error({ delivery: row.id, reason: (error as Error).name }, "audit write failed");
    });
  }

  /**
   * Sleeps until the clock reads `at` (a slot). A timer fires up to a millisecond or two late,
   * and that lateness is counted into every 1 s window (the request counts from when it left, or
   * its answer): sleep until SPIN_MS before, then yield (setImmediate, so I/O keeps running) until
   * the clock reaches it. The spin is bounded by real time, so a clock that does not move
   * (tests) behaves as a plain wait.
   */
  private async waitUntil(at: number): Promise<void> {
    const remaining = at - this.now();
    if (remaining <= 0) return;
    if (remaining > SPIN_MS) await this.deps.wait(remaining - SPIN_MS);
    const giveUp = performance.now() + Math.min(remaining, SPIN_MS) + 1;
    while (this.now() < at && performance.now() < giveUp) await new Promise<void>((resolve) => setImmediate(resolve));
  }

  /**
   * Holds the conversation for Retry-After; several 429s within a second look global: hold
   * everything. Counting from the send, the limiter widens its margin (RateLimiter.throttled).
   */
  private noteThrottled(conversationKey: string, sentAt: number, retryAfterMs = 1_000): void {
    this.counts.throttled++;
    const now = this.now();
    this.deps.limiter.throttled(sentAt, now);
    this.deps.limiter.holdKey(conversationKey, now + retryAfterMs);
    this.recent429 = this.recent429.filter((t) => t > now - 1_000);
    this.recent429.push(now);
    if (this.recent429.length >= 5) {
      this.deps.limiter.holdAll(now + Math.min(retryAfterMs, 5_000));
      this.deps.logger?.warn({ retryAfterMs }, "Teams is throttling: pausing all reminders");
      this.recent429 = [];
    }
  }
}

export function conversationIdOf(reference: Record<string, unknown>): string | undefined {
  const conversation = reference.conversation as { id?: unknown } | undefined;
  return typeof conversation?.id === "string" ? conversation.id : undefined;
}
