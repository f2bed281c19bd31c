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

interface Entry<T> {
  answer: Promise<T>;
  expiresAt: number;
}

/** Same client, same source address and port, same Identifier, same Request Authenticator. */
export function retransmissionKey(client: string, address: string, port: number, identifier: number, authenticator: Buffer): string {
  return `${client}|${address}|${port}|${identifier}|${authenticator.toString("base64")}`;
}

export class RetransmissionCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  /**
   * The keys in the order they came, for eviction. Not the Map's own order: V8 leaves a
   * deleted Map entry as a hole until the table is rebuilt, so walking the Map from its
   * front to find the oldest skips every entry evicted before (thousands at a few thousand
   * logins a second).
   */
  private readonly order: { key: string; entry: Entry<T> }[] = [];
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
    if (cached && cached.expiresAt > now) return { answer: cached.answer, retransmission: true };
    if (cached) this.entries.delete(key);
    this.evict(now);
    const entry: Entry<T> = { answer: evaluate(), expiresAt: now + this.windowMs };
    this.entries.set(key, entry);
    this.order.push({ key, entry });
    // The window also runs from the answer: a slow evaluation's retransmissions still hit.
    void entry.answer.then(
      () => {
        entry.expiresAt = Math.max(entry.expiresAt, this.clock.now().getTime() + this.windowMs);
      },
      () => undefined,
    );
    return { answer: entry.answer, retransmission: false };
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
      const current = this.entries.get(oldest.key) === oldest.entry;
      if (current && oldest.entry.expiresAt > now && this.entries.size < this.maxEntries) break;
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
