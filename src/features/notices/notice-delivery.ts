import type { Clock } from "../../ports/clock.js";
import type { EmployeeChat, EmployeeNoticeOutbox } from "../../ports/employee-notices.js";
import { catalog, type MessageKey } from "../../i18n/messages.js";

/** Notices a look claims at most; the rest wait for the next look. */
const BATCH = 20;
/** Claimed by one deliverer for this long: one that died is replaced after it. */
const LEASE_MS = 60_000;
/** A notice this old that still could not be sent is given up (it would only confuse). */
const GIVE_UP_MS = 24 * 3_600_000;
/** Notices whose reader should be able to reach the helpdesk from the message itself. */
const WITH_HELPDESK_BUTTON = new Set(["notice.tokenLocked"]);

export interface DeliveryRound {
  sent: number;
  /** No chat with the employee, an unknown text, or given up after GIVE_UP_MS. */
  dropped: number;
  /** Left for a later round (the lease runs out, then it is claimed again). */
  failed: number;
}

/**
 * Delivers the employee notice outbox (written by the validation service and the bot) to the
 * employees' own Teams chats: claims a batch with a lease (several bot instances deliver each
 * once), sends each in the employee's language, marks it done.
 */
export class NoticeDelivery {
  constructor(
    private readonly outbox: EmployeeNoticeOutbox,
    private readonly chat: EmployeeChat,
    private readonly clock: Clock,
  ) {}

  async deliverDue(): Promise<DeliveryRound> {
    const round: DeliveryRound = { sent: 0, dropped: 0, failed: 0 };
    const now = this.clock.now();
    for (const notice of await this.outbox.claim(BATCH, now, LEASE_MS)) {
      if (!Object.hasOwn(catalog("sv"), notice.key) || now.getTime() - notice.createdAt.getTime() > GIVE_UP_MS) {
        await this.outbox.done(notice.id, now);
        round.dropped++;
        continue;
      }
      try {
        const key = notice.key as MessageKey;
        const sent = await this.chat.send(notice.upn, { key, params: notice.params, helpdeskButton: WITH_HELPDESK_BUTTON.has(key) });
        await this.outbox.done(notice.id, this.clock.now());
        round[sent ? "sent" : "dropped"]++;
      } catch {
        round.failed++;
      }
    }
    return round;
  }
}

/** Looks for due notices every `intervalMs` until stopped (one round at a time). */
export function scheduleNoticeDelivery(
  delivery: NoticeDelivery,
  intervalMs: number,
  report: (round: DeliveryRound | Error) => void,
): () => void {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const round = async () => {
    try {
      const result = await delivery.deliverDue();
      if (result.sent + result.dropped + result.failed > 0) report(result);
    } catch (error) {
      report(error as Error);
    }
    if (!stopped) timer = setTimeout(round, intervalMs).unref();
  };
  timer = setTimeout(round, intervalMs).unref();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
