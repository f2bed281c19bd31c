/**
 * Warnings about dropped datagrams, at most one per kind per interval. Anyone can send
 * UDP to the port (and spoof the source), so logging every bad datagram would let a flood
 * fill the disk; the next line after a quiet spell says how many were not logged.
 */
import type { Logger } from "pino";
import type { Clock } from "../ports/clock.js";

export const DROP_LOG_INTERVAL_MS = 10_000;

export class RateLimitedLog {
  private readonly kinds = new Map<string, { loggedAt: number; suppressed: number }>();

  constructor(
    private readonly logger: Logger,
    private readonly clock: Clock,
    private readonly intervalMs = DROP_LOG_INTERVAL_MS,
  ) {}

  /** `kind` is a fixed string from our code, never from the datagram, so the map stays small. */
  warn(kind: string, fields: Record<string, unknown>, message: string): void {
    const now = this.clock.now().getTime();
    const seen = this.kinds.get(kind);
    if (seen && now - seen.loggedAt < this.intervalMs) {
      seen.suppressed++;
      return;
    }
    const suppressed = seen?.suppressed ?? 0;
    this.kinds.set(kind, { loggedAt: now, suppressed: 0 });
    this.logger.warn({ ...fields, drop: kind, ...(suppressed > 0 ? { notLogged: suppressed } : {}) }, message);
  }
}
