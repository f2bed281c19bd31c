/**
 * Holds the reminder sender lease (ports.ts SenderLease) for one delivery run: waits for it,
 * renews it every ttl/3 while sending, and says whether a request may start now.
 *
 * Teams' 50 requests/s is per app and tenant, and one process already sends at just under
 * it, so a second sender could only add 429s: whoever holds the lease sends, everyone else
 * waits. A holder that is killed stops renewing and its lease runs out after the ttl; a
 * holder whose renewal fails (taken over, expired, database error) stops starting requests
 * at once, and so does one whose last successful renewal is a ttl old.
 */
import type { Clock } from "../../ports/clock.js";
import type { SenderLease, Wait } from "../../ports/reminders.js";

export interface LeaseKeeperLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface LeaseKeeperOptions {
  ttlMs: number;
  /** How often a waiting instance asks for the lease again. */
  retryMs: number;
}

/** The renewal loop sleeps at most this long at a time, so that stop() returns promptly. */
const SLICE_MS = 200;

export class LeaseKeeper {
  private validUntil = 0;
  private lostLease = false;
  private stopped = true;
  private renewals: Promise<void> | undefined;

  constructor(
    private readonly lease: SenderLease,
    readonly holder: string,
    private readonly clock: Clock,
    private readonly wait: Wait,
    private readonly options: LeaseKeeperOptions,
    private readonly logger?: LeaseKeeperLogger,
  ) {}

  private now(): number {
    return this.clock.now().getTime();
  }

  /**
   * Waits until this holder has the lease (true), asking again every retryMs, or until
   * `wanted()` says there is nothing left to send (false, without the lease: a run with
   * nothing to send never takes it).
   */
  async acquire(wanted: () => Promise<boolean>): Promise<boolean> {
    let waiting = false;
    for (;;) {
      if (!(await wanted())) return false;
      const asked = this.now();
      if (await this.lease.acquire(this.holder, new Date(asked), this.options.ttlMs)) {
        // Counted from before the request: the database may have written it a little later.
        this.validUntil = asked + this.options.ttlMs;
        this.lostLease = false;
        this.stopped = false;
        this.renewals = this.renewLoop(asked);
        if (waiting) this.logger?.info({ holder: this.holder, waitedMs: this.now() - asked }, "sender lease acquired");
        return true;
      }
      if (!waiting) {
        this.logger?.info({ holder: this.holder }, "another instance is sending reminders: waiting for the sender lease");
        waiting = true;
      }
      await this.wait(this.options.retryMs);
    }
  }

  /** True while a request may start: the lease is held, no renewal failed, and it has not run out. */
  holds(): boolean {
    if (this.stopped || this.lostLease) return false;
    if (this.now() >= this.validUntil) {
      this.lose("sender lease ran out before it was renewed");
      return false;
    }
    return true;
  }

  /** True when the last holding ended because the lease was lost, not released. */
  get lost(): boolean {
    return this.lostLease;
  }

  /** Stops renewing and frees the lease (if still ours). Never throws: an unreleased lease just expires. */
  async release(): Promise<void> {
    this.stopped = true;
    await this.renewals;
    this.renewals = undefined;
    try {
      await this.lease.release(this.holder);
    } catch (error) {
      this.logger?.warn({ holder: this.holder, reason: (error as Error).message }, "sender lease not released: it expires after its ttl");
    }
  }

  private lose(why: string): void {
    if (this.lostLease) return;
    this.lostLease = true;
    this.logger?.warn({ holder: this.holder }, `${why}: no new reminders until it is acquired again`);
  }

  private async renewLoop(from: number): Promise<void> {
    const every = Math.max(1, Math.floor(this.options.ttlMs / 3));
    let due = from + every;
    while (!this.stopped && !this.lostLease) {
      const now = this.now();
      if (now < due) {
        await this.wait(Math.min(SLICE_MS, due - now));
        continue;
      }
      let renewed = false;
      try {
        renewed = await this.lease.renew(this.holder, new Date(now), this.options.ttlMs);
      } catch (error) {
        this.logger?.warn({ holder: this.holder, reason: (error as Error).message }, "sender lease renewal failed");
      }
      if (this.stopped) return;
      if (!renewed) return this.lose("sender lease lost");
      this.validUntil = now + this.options.ttlMs;
      due = now + every;
    }
  }
}
