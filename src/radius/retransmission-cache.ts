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
    this.evictExpired(now);
    while (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    const entry: Entry<T> = { answer: evaluate(), expiresAt: now + this.windowMs };
    this.entries.set(key, entry);
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

  /** Map order is insertion order, so expired entries sit at the front (bar a few refreshed by a slow answer). */
  private evictExpired(now: number): void {
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt > now) break;
      this.entries.delete(key);
    }
  }
}
