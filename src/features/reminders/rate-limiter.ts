/**
 * Sliding-window rate limits (Teams: 50 requests/s per app per tenant; per conversation
 * 7/1 s, 8/2 s, 60/30 s, 1800/3600 s). Pure bookkeeping on millisecond timestamps: callers
 * pass the time and sleep themselves, so tests drive it with a fake clock.
 *
 * Teams counts a request when it ARRIVES, somewhere between the moment it was sent and the
 * moment its answer came back; the sender never learns when. Each request is therefore counted
 * from when it was actually SENT plus `marginMs` (the transit it is assumed to take at most):
 * a slot is reserved at a time t only if, for every window (limit, ms), fewer than `limit`
 * entries lie in (t - ms, t]. Counting from the answer instead (an upper bound, never over the
 * limit) costs every request its round trip in each window: ~5 % of the throughput at 50 ms.
 * A request answered slower than `slowAnswerMs` may have reached Teams that late (a stalled
 * network): it then counts from its answer (answered()). One that arrived later than the
 * margin and was answered fast can still make the next one land in a full window: that rare
 * 429 is retried after Retry-After like any other.
 * Slots are handed out in non-decreasing time order (one global sequence), so each log
 * stays sorted and the check is one array lookup.
 */
export interface WindowLimit {
  limit: number;
  ms: number;
}

/** See RateLimiterOptions.marginMs. */
export const DEFAULT_MARGIN_MS = 15;
/**
 * See RateLimiterOptions.slowAnswerMs. Against 0–50 ms of random transit each way with 1 % of
 * legs stalled 200 ms, 100 ms still let about 2 % of requests get a 429, 60 ms about 0.3 %.
 */
export const DEFAULT_SLOW_ANSWER_MS = 60;

export const TEAMS_GLOBAL_LIMITS: WindowLimit[] = [{ limit: 50, ms: 1_000 }];
export const TEAMS_CONVERSATION_LIMITS: WindowLimit[] = [
  { limit: 7, ms: 1_000 },
  { limit: 8, ms: 2_000 },
  { limit: 60, ms: 30_000 },
  { limit: 1800, ms: 3_600_000 },
];

/** One key's log of reserved times, oldest first, trimmed to what the longest window needs. */
class SlidingLog {
  readonly times: number[] = [];
  /** Ticket of each entry (parallel to times), to move it once sent. */
  private readonly tickets: number[] = [];
  /** Tickets reserved and not sent yet: their entry is only the plan, the send may come later. */
  private readonly unsent = new Set<number>();
  private start = 0;

  constructor(
    private readonly limits: WindowLimit[],
    private readonly marginMs: number,
  ) {}

  /**
   * Earliest time ≥ at at which one more request keeps every window within its limit, even if
   * it is counted the moment it leaves while the others are counted as late as assumed.
   */
  earliest(at: number): number {
    let t = at;
    const n = this.times.length - this.start;
    // Keeps the log sorted: this slot's entry (t + margin) is not before the last one.
    if (n > 0) t = Math.max(t, this.times[this.times.length - 1]! - this.marginMs);
    for (const { limit, ms } of this.limits) {
      if (n >= limit) t = Math.max(t, this.times[this.times.length - limit]! + ms);
    }
    return t;
  }

  /** A slot planned at `at`: counted from at + margin until sent() says when it really left. */
  record(at: number, ticket: number): void {
    this.times.push(at + this.marginMs);
    this.tickets.push(ticket);
    this.unsent.add(ticket);
    const maxLimit = Math.max(...this.limits.map((l) => l.limit));
    if (this.times.length - this.start > maxLimit) this.unsent.delete(this.tickets[this.start++]!);
    if (this.start > 1024 && this.start > this.times.length / 2) {
      this.times.splice(0, this.start);
      this.tickets.splice(0, this.start);
      this.start = 0;
    }
  }

  /**
   * The request of this slot left at `sentAt` (a worker wakes up late, never early): it counts
   * from sentAt + margin, and its entry moves to its place in the (sorted) log. An entry never
   * moves earlier: the plan was the earliest it could leave.
   */
  sent(ticket: number, sentAt: number): void {
    const countedFrom = sentAt + this.marginMs;
    // Entries move, so tickets are not in order: look at every live entry (≤ the largest limit).
    for (let i = this.tickets.length - 1; i >= this.start; i--) {
      if (this.tickets[i] === ticket) {
        this.unsent.delete(ticket);
        if (this.times[i]! >= countedFrom) return;
        let j = i;
        for (; j + 1 < this.times.length && this.times[j + 1]! < countedFrom; j++) {
          this.times[j] = this.times[j + 1]!;
          this.tickets[j] = this.tickets[j + 1]!;
        }
        this.times[j] = countedFrom;
        this.tickets[j] = ticket;
        return;
      }
    }
  }

  /**
   * True while a request not sent yet would already count as outside a window for the next
   * slot: its entry is only its plan, and it may leave later. The next slot must wait until it
   * is sent (sent()) rather than trust the plan.
   */
  waitsOnUnsent(at: number): boolean {
    if (this.unsent.size === 0) return false;
    const edge = this.earliest(at) - Math.min(...this.limits.map((l) => l.ms));
    for (let i = this.start; i < this.times.length && this.times[i]! <= edge; i++) if (this.unsent.has(this.tickets[i]!)) return true;
    return false;
  }

  last(): number | undefined {
    return this.times.length > this.start ? this.times[this.times.length - 1] : undefined;
  }
}

/** A reserved send time, and the ticket that reports when it was really sent. */
export interface Slot {
  at: number;
  ticket: number;
}

export interface RateLimiterOptions {
  global?: WindowLimit[];
  perKey?: WindowLimit[];
  /**
   * How long after it was sent a request is assumed to reach the server and be counted there
   * (plus millisecond rounding of the clock). Each ms on a 1 s window costs 0.1 % of the
   * throughput; too little lets a slow transit land in a full window (a 429, retried).
   * Default 15 ms: with 0–50 ms random transit each way and 200 ms stalls now and then, under
   * 1 % of requests got a 429 and the sender kept ≥ 0.97 of the ceiling (bench:reminders).
   */
  marginMs?: number;
  /** An answer slower than this counts its request from the answer (see RateLimiter.answered). */
  slowAnswerMs?: number;
}

export class RateLimiter {
  private readonly global: SlidingLog;
  private readonly keys = new Map<string, SlidingLog>();
  private readonly holds = new Map<string, number>();
  private globalHold = 0;
  private nextTicket = 1;
  private readonly perKey: WindowLimit[];
  private readonly marginMs: number;
  private readonly slowAnswerMs: number;
  private readonly longestKeyWindow: number;
  /** The longest global window plus the margin (see globalWindowMs). */
  private readonly longestGlobalWindow: number;

  constructor(options: RateLimiterOptions = {}) {
    this.marginMs = options.marginMs ?? DEFAULT_MARGIN_MS;
    this.slowAnswerMs = options.slowAnswerMs ?? DEFAULT_SLOW_ANSWER_MS;
    const global = options.global ?? TEAMS_GLOBAL_LIMITS;
    this.global = new SlidingLog(global, this.marginMs);
    this.longestGlobalWindow = Math.max(0, ...global.map((l) => l.ms)) + this.marginMs;
    this.perKey = options.perKey ?? TEAMS_CONVERSATION_LIMITS;
    this.longestKeyWindow = Math.max(...this.perKey.map((l) => l.ms));
  }

  /** When `key` (a conversation) could next be sent to, ignoring the global limit. */
  keyReadyAt(key: string, now: number): number {
    const log = this.keys.get(key);
    return Math.max(log ? log.earliest(now) : now, this.holds.get(key) ?? 0);
  }

  /**
   * Reserves the next slot for `key` (its time ≥ now): sleep until then, then call sent() and send.
   * Call it only when keyReadyAt(key, now) ≤ now (else wait for the key first), so that a
   * busy conversation never pushes the global sequence out and idles everyone else.
   */
  reserve(key: string, now: number): Slot {
    let log = this.keys.get(key);
    if (!log) {
      log = new SlidingLog(this.perKey, this.marginMs);
      this.keys.set(key, log);
    }
    const at = Math.max(this.global.earliest(now), log.earliest(now), this.holds.get(key) ?? 0, this.globalHold);
    const ticket = this.nextTicket++;
    this.global.record(at, ticket);
    log.record(at, ticket);
    return { at, ticket };
  }

  /**
   * True while the next slot would count on a request that has not been sent yet (see
   * SlidingLog.waitsOnUnsent): wait a little and ask again before reserve().
   */
  waitsOnUnsent(key: string, now: number): boolean {
    return this.global.waitsOnUnsent(now) || (this.keys.get(key)?.waitsOnUnsent(now) ?? false);
  }

  /**
   * Call right before the request of `slot` leaves (or when it is given up: it then counts
   * as sent at that time, which is never less safe). See SlidingLog.sent.
   */
  sent(key: string, slot: Slot, sentAt: number): void {
    this.global.sent(slot.ticket, sentAt);
    this.keys.get(key)?.sent(slot.ticket, sentAt);
  }

  /**
   * The request sent at `sentAt` in `slot` was answered at `answeredAt`. An answer slower than
   * slowAnswerMs may hide a stalled transit to the server (counted that late): it then counts
   * from its answer, the latest it can have been counted, so that the requests of the next
   * second do not land in a window it still fills.
   */
  answered(key: string, slot: Slot, sentAt: number, answeredAt: number): void {
    if (answeredAt - sentAt <= this.slowAnswerMs) return;
    this.sent(key, slot, answeredAt - this.marginMs);
  }

  /** Retry-After from the server for one conversation: nothing goes to it before `until`. */
  holdKey(key: string, until: number): void {
    this.holds.set(key, Math.max(this.holds.get(key) ?? 0, until));
  }

  /** Retry-After that looks global (throttling on many conversations at once). */
  holdAll(until: number): void {
    this.globalHold = Math.max(this.globalHold, until);
  }

  /** Forgets conversations idle for longer than the longest window (bounded memory on big campaigns). */
  prune(now: number): void {
    for (const [key, log] of this.keys) {
      const last = log.last();
      if (last === undefined || last < now - this.longestKeyWindow) this.keys.delete(key);
    }
    for (const [key, until] of this.holds) if (until < now) this.holds.delete(key);
  }

  /**
   * How long requests someone else sent still count against the global limit: a sender
   * that takes over from another (sender lease) holds everything this long first.
   */
  get globalWindowMs(): number {
    return this.longestGlobalWindow;
  }

  get trackedKeys(): number {
    return this.keys.size;
  }
}
