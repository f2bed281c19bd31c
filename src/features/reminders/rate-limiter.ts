/**
 * Sliding-window rate limits (Teams: 50 requests/s per app per tenant; per conversation
 * 7/1 s, 8/2 s, 60/30 s, 1800/3600 s). Pure bookkeeping on millisecond timestamps: callers
 * pass the time and sleep themselves, so tests drive it with a fake clock.
 *
 * A slot is reserved at a time t only if, for every window (limit, ms), fewer than `limit`
 * reservations lie in (t - ms, t]. Reservations are handed out in non-decreasing time order
 * (one global sequence), so each log stays sorted and the check is one array lookup.
 */
export interface WindowLimit {
  limit: number;
  ms: number;
}

export const TEAMS_GLOBAL_LIMITS: WindowLimit[] = [{ limit: 50, ms: 1_000 }];
export const TEAMS_CONVERSATION_LIMITS: WindowLimit[] = [
  { limit: 7, ms: 1_000 },
  { limit: 8, ms: 2_000 },
  { limit: 60, ms: 30_000 },
  { limit: 1800, ms: 3_600_000 },
];

/** The margin every log adds to its windows (RateLimiterOptions.marginMs), shared: counting from the send it widens on 429s. */
interface Margin {
  ms: number;
}

/** One key's log of reserved times, oldest first, trimmed to what the longest window needs. */
class SlidingLog {
  readonly times: number[] = [];
  /** Ticket of each entry (parallel to times), to settle it later. */
  private readonly tickets: number[] = [];
  /** Tickets reserved and not yet settled: their requests are in flight, arrival unknown. */
  private readonly inFlight = new Set<number>();
  private start = 0;

  constructor(
    private readonly limits: WindowLimit[],
    private readonly margin: Margin,
  ) {}

  /** Earliest time ≥ at at which one more reservation keeps every window within its limit. */
  earliest(at: number): number {
    let t = at;
    const n = this.times.length - this.start;
    if (n > 0) t = Math.max(t, this.times[this.times.length - 1]!);
    for (const { limit, ms } of this.limits) {
      if (n >= limit) t = Math.max(t, this.times[this.times.length - limit]! + ms + this.margin.ms);
    }
    return t;
  }

  record(at: number, ticket: number): void {
    this.times.push(at);
    this.tickets.push(ticket);
    this.inFlight.add(ticket);
    const maxLimit = Math.max(...this.limits.map((l) => l.limit));
    if (this.times.length - this.start > maxLimit) this.inFlight.delete(this.tickets[this.start++]!);
    if (this.start > 1024 && this.start > this.times.length / 2) {
      this.times.splice(0, this.start);
      this.tickets.splice(0, this.start);
      this.start = 0;
    }
  }

  /**
   * The request of this slot was counted by the server at the latest at `at` (see
   * RateLimiter.sent and settle): its entry becomes that time and moves to its place in the
   * (sorted) log, so one slow answer delays only its own entry, not every request sent after it.
   * `stillInFlight`: the time is only a better plan (the request left), the answer is still to
   * come. An entry already settled for good does not move again. (`ticket` is what
   * RateLimiter.reserve returned.)
   */
  settle(ticket: number, at: number, stillInFlight = false): void {
    // Settled entries move, so tickets are not in order: look at every live entry (≤ the largest limit).
    for (let i = this.tickets.length - 1; i >= this.start; i--) {
      if (this.tickets[i] === ticket) {
        if (!this.inFlight.has(ticket)) return;
        if (!stillInFlight) this.inFlight.delete(ticket);
        if (this.times[i]! >= at) return;
        let j = i;
        for (; j + 1 < this.times.length && this.times[j + 1]! < at; j++) {
          this.times[j] = this.times[j + 1]!;
          this.tickets[j] = this.tickets[j + 1]!;
        }
        this.times[j] = at;
        this.tickets[j] = ticket;
        return;
      }
    }
  }

  /**
   * True while a request still in flight would already count as outside a window for the
   * next slot: its entry is only its planned time, and the server may count it later. The
   * next slot must wait for its answer (settle) rather than trust the plan.
   */
  waitsOnInFlight(at: number): boolean {
    if (this.inFlight.size === 0) return false;
    const edge = this.earliest(at) - Math.min(...this.limits.map((l) => l.ms)) - this.margin.ms;
    for (let i = this.start; i < this.times.length && this.times[i]! <= edge; i++) if (this.inFlight.has(this.tickets[i]!)) return true;
    return false;
  }

  last(): number | undefined {
    return this.times.length > this.start ? this.times[this.times.length - 1] : undefined;
  }

  /**
   * How long after its last entry this log can still make a difference: the longest window it
   * could fill if it got up to the smallest limit more requests (e.g. 2 s for a conversation
   * that got one reminder: 7/1 s and 8/2 s; 30 s from 53 entries on; an hour from 1793). A
   * conversation can only fill a longer window by getting more than that within it, which the
   * reminder sender never does (one reminder a person a run, a few tries with back-off), so
   * forgetting it then keeps memory to the conversations of the last seconds, not the audience.
   * Never while a request of it is in flight.
   */
  relevantForMs(): number {
    if (this.inFlight.size > 0) return Number.POSITIVE_INFINITY;
    const n = this.times.length - this.start;
    const few = Math.min(...this.limits.map((l) => l.limit));
    return Math.max(0, ...this.limits.filter((l) => l.limit <= n + few).map((l) => l.ms)) + this.margin.ms;
  }
}

/** A reserved send time, and the ticket that settles it. */
export interface Slot {
  at: number;
  ticket: number;
}

/**
 * Which moment a request is counted from (README, reminders: "Counting like Teams counts"):
 * - "answer": when its answer came back, an upper bound of when the server counted it,
 *   whatever happened on the way: never over a limit, but each request's round trip sits in
 *   its window (about 0.93–0.95 of the ceiling with 50 ms round trips);
 * - "send": when it left, plus the margin: right when the server counts a request within
 *   `marginMs` of its send (on arrival, over a short, steady path), 429s when the path is
 *   slower than that before the count.
 */
export type CountFrom = "answer" | "send";

/** Default margins: clock rounding and timer slack (answer); that plus loopback and scheduling delay to the count (send). */
export const DEFAULT_MARGIN_MS: Record<CountFrom, number> = { answer: 3, send: 15 };
/** Counting from the send, the margin widens on 429s up to this… */
const MAX_SEND_MARGIN_MS = 240;
/** …and halves back towards its setting after this long without one. */
const CALM_MS = 10_000;

export interface RateLimiterOptions {
  global?: WindowLimit[];
  perKey?: WindowLimit[];
  /** Default "answer" (never over a limit); the campaign sender's comes from REMINDER_COUNT_FROM (send). */
  countFrom?: CountFrom;
  /**
   * Added to each window when computing the next slot (each ms on 1 s costs 0.1 % of
   * throughput). Counting from the answer (an upper bound of the server's count) it only has
   * to absorb millisecond rounding of the clock, a timer firing a millisecond early and clock
   * slew: 3 ms. Counting from the send it must also cover the way to where the server counts.
   */
  marginMs?: number;
}

export class RateLimiter {
  private readonly global: SlidingLog;
  private readonly keys = new Map<string, SlidingLog>();
  private readonly holds = new Map<string, number>();
  private globalHold = 0;
  private nextTicket = 1;
  private readonly perKey: WindowLimit[];
  private readonly countFrom: CountFrom;
  /** The margin as set; `margin` is the one in use (wider for a while after a 429, counting from the send). */
  private readonly marginMs: number;
  private readonly margin: Margin;
  /** When the margin last changed: a 429 for a request sent before says nothing about the margin now. */
  private marginSince = Number.NEGATIVE_INFINITY;
  /** The longest global window (see globalWindowMs). */
  private readonly longestGlobalWindow: number;

  constructor(options: RateLimiterOptions = {}) {
    this.countFrom = options.countFrom ?? "answer";
    this.marginMs = options.marginMs ?? DEFAULT_MARGIN_MS[this.countFrom];
    this.margin = { ms: this.marginMs };
    const global = options.global ?? TEAMS_GLOBAL_LIMITS;
    this.global = new SlidingLog(global, this.margin);
    this.longestGlobalWindow = Math.max(0, ...global.map((l) => l.ms));
    this.perKey = options.perKey ?? TEAMS_CONVERSATION_LIMITS;
  }

  /** When `key` (a conversation) could next be sent to, ignoring the global limit. */
  keyReadyAt(key: string, now: number): number {
    const log = this.keys.get(key);
    return Math.max(log ? log.earliest(now) : now, this.holds.get(key) ?? 0);
  }

  /**
   * Reserves the next slot for `key` (its time ≥ now): sleep until then, sent() and send, then settle() it.
   * Call it only when keyReadyAt(key, now) ≤ now (else wait for the key first), so that a
   * busy conversation never pushes the global sequence out and idles everyone else.
   */
  reserve(key: string, now: number): Slot {
    this.calmDown(now);
    let log = this.keys.get(key);
    if (!log) {
      log = new SlidingLog(this.perKey, this.margin);
      this.keys.set(key, log);
    }
    const at = Math.max(this.global.earliest(now), log.earliest(now), this.holds.get(key) ?? 0, this.globalHold);
    const ticket = this.nextTicket++;
    this.global.record(at, ticket);
    log.record(at, ticket);
    return { at, ticket };
  }

  /**
   * True while the next slot would count on a request that has not been answered yet (see
   * SlidingLog.waitsOnInFlight): wait a little and ask again before reserve().
   */
  waitsOnInFlight(key: string, now: number): boolean {
    return this.global.waitsOnInFlight(now) || (this.keys.get(key)?.waitsOnInFlight(now) ?? false);
  }

  /**
   * Call right before the request of `slot` leaves, at `sentAt` (≥ the slot: a timer may fire
   * late). Counting from the send, that is its entry for good (plus the margin, in every
   * window); counting from the answer, it stays in flight until settle().
   */
  sent(key: string, slot: Slot, sentAt: number): void {
    const stillInFlight = this.countFrom === "answer";
    this.global.settle(slot.ticket, sentAt, stillInFlight);
    this.keys.get(key)?.settle(slot.ticket, sentAt, stillInFlight);
  }

  /**
   * Call when the request of `slot` got its answer, or failed, or was never sent. Counting from
   * the answer, the server counted it somewhere between its send and `answeredAt`: it is counted
   * at the answer, the upper bound, safe whether Teams counts a request on arrival or when it
   * answers. Counting from the send (already settled by sent()) this changes nothing. (Counting
   * three quarters of the way from send to answer was measured: 0.2 % 429s against a stand-in
   * that counts after a random transit, and no faster, see README, reminders.)
   */
  settle(key: string, slot: Slot, answeredAt: number): void {
    this.global.settle(slot.ticket, answeredAt);
    this.keys.get(key)?.settle(slot.ticket, answeredAt);
  }

  /**
   * Teams answered 429 (at `now`) to the request that left at `sentAt`. Counting from the send,
   * it may have reached the count more than the margin after its send (a busy host, a slow
   * path): the margin doubles, up to MAX_SEND_MARGIN_MS, unless the request left before the
   * margin last changed (one late moment often refuses several requests: it widens the margin once). It
   * halves back towards its setting after each CALM_MS without such a 429 (calmDown), so one busy
   * moment does not slow a whole campaign. Counting from the answer there is nothing to learn
   * (the DeliveryRunner's holds honour Retry-After).
   */
  throttled(sentAt: number, now: number): void {
    if (this.countFrom !== "send" || sentAt < this.marginSince) return;
    this.margin.ms = Math.min(MAX_SEND_MARGIN_MS, Math.max(1, this.margin.ms * 2));
    this.marginSince = now;
  }

  private calmDown(now: number): void {
    if (this.margin.ms > this.marginMs && now - this.marginSince >= CALM_MS) {
      this.margin.ms = Math.max(this.marginMs, Math.floor(this.margin.ms / 2));
      this.marginSince = now;
    }
  }

  /** The margin in use (see throttled). */
  get currentMarginMs(): number {
    return this.margin.ms;
  }

  /** Retry-After from the server for one conversation: nothing goes to it before `until`. */
  holdKey(key: string, until: number): void {
    this.holds.set(key, Math.max(this.holds.get(key) ?? 0, until));
  }

  /** Retry-After that looks global (throttling on many conversations at once). */
  holdAll(until: number): void {
    this.globalHold = Math.max(this.globalHold, until);
  }

  /** Forgets conversations that can no longer make a difference (SlidingLog.relevantForMs): memory bounded on big campaigns. */
  prune(now: number): void {
    for (const [key, log] of this.keys) {
      const last = log.last();
      if (last === undefined || last < now - log.relevantForMs()) this.keys.delete(key);
    }
    for (const [key, until] of this.holds) if (until < now) this.holds.delete(key);
  }

  /**
   * How long requests someone else sent still count against the global limit: a sender
   * that takes over from another (sender lease) holds everything this long first.
   */
  get globalWindowMs(): number {
    return this.longestGlobalWindow + this.margin.ms;
  }

  get trackedKeys(): number {
    return this.keys.size;
  }
}
