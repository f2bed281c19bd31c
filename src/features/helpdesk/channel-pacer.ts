import type { Clock } from "../../ports/clock.js";
import { ChannelBusyError } from "../shared/errors.js";
import type { Wait } from "../../ports/reminders.js";
import { RateLimiter, TEAMS_CONVERSATION_LIMITS } from "../reminders/rate-limiter.js";

export interface ChannelPacerOptions {
  /** Requests per message, the first included, while the channel answers 429 or 5xx. */
  maxAttempts: number;
  /** Back-off before the second try when the channel gave no Retry-After; doubled per try (half of it random). */
  baseBackoffMs: number;
  /**
   * Longest the pacer waits for one slot or one Retry-After. Someone is waiting for the answer
   * (the employee's "contact the helpdesk", a helpdesk button): beyond this the write gives up
   * at once, without sending early, and the caller says the helpdesk could not be reached.
   */
  maxWaitMs: number;
}

export const defaultChannelPacerOptions: ChannelPacerOptions = { maxAttempts: 4, baseBackoffMs: 1_000, maxWaitMs: 15_000 };

/** Every write goes to the one helpdesk channel: one key in the limiter (conservative if old cards sit elsewhere). */
const CHANNEL_KEY = "helpdesk-channel";

/**
 * Paces the helpdesk channel's card posts and updates with the reminder sender's sliding-
 * window limiter (Teams per conversation: 7/1 s, 8/2 s, 60/30 s, 1800/3600 s), one request at
 * a time, in the order asked. Each request counts from its answer (an upper bound of when
 * Teams counted it), refused ones too. ChannelBusyError (429, 5xx) is retried, never before
 * its Retry-After, at most `maxAttempts` times; any other failure is not retried.
 *
 * The limiter is this process's: instances behind a load balancer each pace their own writes,
 * and a 429 caused by another instance is honoured through its Retry-After.
 */
export class ChannelPacer {
  private readonly options: ChannelPacerOptions;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly clock: Clock,
    private readonly wait: Wait,
    options: Partial<ChannelPacerOptions> = {},
    private readonly limiter = new RateLimiter({ perKey: TEAMS_CONVERSATION_LIMITS }),
  ) {
    this.options = { ...defaultChannelPacerOptions, ...options };
  }

  /** Sends `request` at the channel's next slot, after the writes asked for before it. */
  send<T>(request: () => Promise<T>): Promise<T> {
    const turn = this.tail.then(() => this.paced(request));
    this.tail = turn.catch(() => undefined);
    return turn;
  }

  private now(): number {
    return this.clock.now().getTime();
  }

  private async paced<T>(request: () => Promise<T>): Promise<T> {
    let lastError: ChannelBusyError | undefined;
    for (let attempt = 1; ; attempt++) {
      await this.waitFor(this.limiter.keyReadyAt(CHANNEL_KEY, this.now()), lastError);
      const slot = this.limiter.reserve(CHANNEL_KEY, this.now());
      await this.waitFor(slot.at, lastError); // the limiter's global window (one per process)
      try {
        const result = await request();
        this.limiter.settle(CHANNEL_KEY, slot, this.now());
        return result;
      } catch (error) {
        this.limiter.settle(CHANNEL_KEY, slot, this.now());
        if (!(error instanceof ChannelBusyError) || attempt >= this.options.maxAttempts) throw error;
        lastError = error;
        const backoff = this.options.baseBackoffMs * 2 ** (attempt - 1);
        // Whole milliseconds: the clock has no finer grain, so a fractional wait would never end.
        const delay = Math.ceil(Math.max(error.retryAfterMs ?? 0, backoff / 2 + Math.random() * (backoff / 2)));
        this.limiter.holdKey(CHANNEL_KEY, this.now() + delay);
      }
    }
  }

  /** Waits until the clock reads `at`; gives up (nothing sent) when that is further away than maxWaitMs. */
  private async waitFor(until: number, lastError: ChannelBusyError | undefined): Promise<void> {
    const at = Math.ceil(until);
    if (at - this.now() > this.options.maxWaitMs) {
      throw lastError ?? new ChannelBusyError(`the helpdesk channel is paced: next write in ${Math.ceil((at - this.now()) / 1000)} s`);
    }
    while (this.now() < at) await this.wait(at - this.now());
  }
}
