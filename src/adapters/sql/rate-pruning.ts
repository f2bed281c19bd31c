import type { RateCounter } from "../../ports/stores.js";
import { errorFields, type Logger } from "../logger.js";

/** Every window is shorter than this (the longest, SMS code tries and token failures, is 24 h). */
const KEEP_MS = 25 * 3_600_000;
const EVERY_MS = 3_600_000;

/**
 * Drops rate events older than 25 hours at start-up and then hourly (an unref'd timer, so it
 * never keeps a process alive). Each process that writes rate events runs it; running it in
 * several at once is harmless.
 */
export function scheduleRatePruning(rates: RateCounter, logger: Logger, now: () => Date = () => new Date()): void {
  const prune = () =>
    rates
      .prune(new Date(now().getTime() - KEEP_MS))
      .catch((error: unknown) => logger.warn({ err: errorFields(error) }, "pruning rate events failed"));
  void prune();
  setInterval(() => void prune(), EVERY_MS).unref();
}
