/**
 * A token bucket per RADIUS client: flood protection only, so a misbehaving or compromised
 * NAS cannot make us run thousands of token checks a second. Refused requests are answered
 * cheaply (Access-Reject, reason throttled) without touching the validator; the per-user
 * throttles are the validator's.
 */
import type { Clock } from "../ports/clock.js";

class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly perSecond: number,
    now: number,
  ) {
    this.tokens = perSecond;
    this.last = now;
  }

  take(now: number): boolean {
    // Capacity is one second's worth: a burst as big as the rate, then the rate.
    this.tokens = Math.min(this.perSecond, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

export class ClientRateLimit {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly perSecond: number,
    private readonly clock: Clock,
  ) {
    if (!(perSecond >= 1)) throw new RangeError("maxRequestsPerClientPerSecond must be at least 1");
  }

  /** True when the client may have one more request now. Keyed by configured client, so the map stays small. */
  allow(client: string): boolean {
    const now = this.clock.now().getTime();
    let bucket = this.buckets.get(client);
    if (!bucket) {
      bucket = new TokenBucket(this.perSecond, now);
      this.buckets.set(client, bucket);
    }
    return bucket.take(now);
  }
}
