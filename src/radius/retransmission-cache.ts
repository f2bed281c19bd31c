/**
 * Duplicate detection (RFC 5080 §2.2.2). NetScaler resends an Access-Request it got no
 * answer to, with the same Identifier and Request Authenticator. Evaluating it again would
 * count the same guess twice, answer "replay" to a code that was just accepted, or start a
 * second challenge, so a retransmission gets the first answer's bytes. One still being
 * evaluated shares the pending promise. Bounded: the oldest entries go first.
 */
import type { Clock } from "../ports/clock.js";

export const RETRANSMISSION_WINDOW_MS = 10_000;
export const RETRANSMISSION_CACHE_ENTRIES = 10_000;

/**
 * A cached answer. Every entry lives the whole window, so it outlives V8's young generation
 * and is copied into the old one: it is kept small (the answer's value once it is known, not
 * its promise) so that thousands of logins a second do not fill the old generation.
 */
interface Entry<T> {
  key: string;
  expiresAt: number;
  /** Until the answer is known. */
  pending?: Promise<T>;
  value?: T;
}

/**
 * Same client, same source address and port, same Identifier, same Request Authenticator.
 * One flat string: a template literal would leave a rope of pieces behind every cached entry.
 */
export function retransmissionKey(client: string, address: string, port: number, identifier: number, authenticator: Buffer): string {
  // The authenticator, identifier and port have fixed lengths, and the address contains no "|": no two requests share a key.
  const header = Buffer.from([identifier, port >> 8, port & 0xff]);
  return Buffer.concat([authenticator, header, Buffer.from(`${address}|${client}`, "utf8")]).toString("latin1");
}

export class RetransmissionCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  /**
   * The entries in the order they came, for eviction. Not the Map's own order: V8 leaves a
   * deleted Map entry as a hole until the table is rebuilt, so walking the Map from its
   * front to find the oldest skips every entry evicted before (thousands at a few thousand
   * logins a second).
   */
  private readonly order: Entry<T>[] = [];
  private head = 0;

  constructor(
    private readonly clock: Clock,
    private readonly windowMs = RETRANSMISSION_WINDOW_MS,
    private readonly maxEntries = RETRANSMISSION_CACHE_ENTRIES,
  ) {}

  /**
   * The cached answer for `key`, or `evaluate()`'s, cached. `evaluate` must not reject:
   * a rejected promise would be handed to every retransmission too.
   */
  answer(key: string, evaluate: () => Promise<T>): { answer: Promise<T>; retransmission: boolean } {
    const now = this.clock.now().getTime();
    const cached = this.entries.get(key);
    if (cached && cached.expiresAt > now) {
      return { answer: cached.pending ?? Promise.resolve(cached.value as T), retransmission: true };
    }
    if (cached) this.entries.delete(key);
    this.evict(now);
    const pending = evaluate();
    const entry: Entry<T> = { key, expiresAt: now + this.windowMs, pending, value: undefined };
    this.entries.set(key, entry);
    this.order.push(entry);
    void pending.then(
      (value) => {
        entry.value = value;
        entry.pending = undefined;
        // The window also runs from the answer: a slow evaluation's retransmissions still hit.
        entry.expiresAt = Math.max(entry.expiresAt, this.clock.now().getTime() + this.windowMs);
      },
      () => undefined,
    );
    return { answer: pending, retransmission: false };
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * Drops the oldest entries while they have expired or the cache is full. An entry whose
   * window a slow answer extended may outlive a few younger ones: it goes when it reaches
   * the front, expired, or when the cache is full.
   */
  private evict(now: number): void {
    while (this.head < this.order.length) {
      const oldest = this.order[this.head]!;
      const current = this.entries.get(oldest.key) === oldest;
      if (current && oldest.expiresAt > now && this.entries.size < this.maxEntries) break;
      if (current) this.entries.delete(oldest.key);
      this.head++;
    }
    // Compacted now and then, so the queue's dead front does not grow without end.
    if (this.head > 1024 && this.head * 2 > this.order.length) {
      this.order.splice(0, this.head);
      this.head = 0;
    }
  }
}
