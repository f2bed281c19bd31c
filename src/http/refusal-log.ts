import type { Logger } from "pino";

/**
 * Logs refused (unauthenticated) requests as one short line each, without the request's
 * content, and at most one line per reason per window: anyone can send forged tokens, and
 * each must not cost a log line. The next line for a reason says how many were not logged
 * since the last one.
 */
export class RefusalLog {
  private readonly seen = new Map<string, { loggedAt: number; suppressed: number }>();

  constructor(
    private readonly logger: Logger,
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** `reason` must be one of a fixed set of words (the map holds one entry per reason). */
  note(reason: string): void {
    const at = this.now();
    const last = this.seen.get(reason);
    if (last && at - last.loggedAt < this.windowMs) {
      last.suppressed++;
      return;
    }
    const fields = { reason, suppressed: last?.suppressed ?? 0 };
    // Unreadable signing keys refuse every request, real ones too: that is the bot's problem.
    if (reason === "keys-unavailable") this.logger.error(fields, "request refused: not authenticated");
    else this.logger.warn(fields, "request refused: not authenticated");
    this.seen.set(reason, { loggedAt: at, suppressed: 0 });
  }
}
