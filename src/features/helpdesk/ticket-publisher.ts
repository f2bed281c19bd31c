import type { HelpdeskNotifier } from "../../ports/helpdesk-notifier.js";
import type { Versioned } from "../../ports/stores.js";
import type { MessageRef, Ticket, TicketStore } from "../../ports/tickets.js";
import { ConcurrentUpdateError } from "../shared/errors.js";
import type { ChannelPacer } from "./channel-pacer.js";
import type { TicketViews } from "./ticket-views.js";

const CAS_ATTEMPTS = 5;

/** The callers waiting for the next write of one ticket's card. */
interface Pending {
  promise: Promise<boolean>;
  resolve: (published: boolean) => void;
}

function pending(): Pending {
  let resolve!: (published: boolean) => void;
  const promise = new Promise<boolean>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * Keeps one card per ticket in the helpdesk channel: posts it once (remembering where, on
 * the ticket) and afterwards replaces it in place.
 *
 * Writes go out one at a time through the ChannelPacer (Teams' per-conversation limits,
 * retries of 429/5xx). A write shows the ticket as stored when it is sent, not as the caller
 * saw it, so changes are coalesced: everything asked for a ticket while its card waits in
 * the queue is one write, and a change made while a write is in flight is one more write
 * after it. The last state wins, and a burst of changes to one ticket costs at most two
 * channel writes. Tickets are written in the order first asked (no ticket waits behind
 * another ticket's later changes).
 */
export class TicketPublisher {
  /** Tickets whose card must be written, in the order asked, with the callers waiting for it. */
  private readonly queue = new Map<string, Pending>();
  private pumping = false;

  constructor(
    private readonly tickets: TicketStore,
    private readonly notifier: HelpdeskNotifier,
    private readonly views: TicketViews,
    private readonly pacer: ChannelPacer,
  ) {}

  /**
   * Brings the ticket's card in the channel up to date with the ticket as stored now (posting
   * it the first time). True once a write that started after this call has succeeded; false
   * when the channel could not be reached (the ticket stays as saved; the next change posts it).
   */
  publish(ticketId: string): Promise<boolean> {
    let waiting = this.queue.get(ticketId);
    if (!waiting) this.queue.set(ticketId, (waiting = pending()));
    void this.pump();
    return waiting.promise;
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (let next = this.queue.entries().next(); !next.done; next = this.queue.entries().next()) {
        const [ticketId, waiting] = next.value;
        this.queue.delete(ticketId); // changes from now on need another write
        waiting.resolve(await this.write(ticketId).catch(() => false));
      }
    } finally {
      this.pumping = false;
    }
  }

  /** One write of the ticket's card, from the ticket as stored now. */
  private async write(ticketId: string): Promise<boolean> {
    const record = await this.tickets.get(ticketId);
    if (!record) return false;
    const view = await this.views.build(record.value);
    const placed = record.value.channelMessage;
    if (placed) {
      await this.pacer.send(() => this.notifier.updateTicketCard(placed, view));
      return true;
    }
    const ref = await this.pacer.send(() => this.notifier.postTicketCard(view));
    await this.remember(record, ref);
    return true;
  }

  /**
   * Saves where the card was posted. A change saved meanwhile asked for its own write, which
   * comes after this one and finds the card. When another instance posted a card for the
   * ticket too, theirs is kept (this one stays in the channel, unreferenced) and brought up to date.
   */
  private async remember(posted: Versioned<Ticket>, ref: MessageRef): Promise<void> {
    let current = posted;
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      try {
        await this.tickets.save({ ...current.value, channelMessage: ref }, current.version);
        return;
      } catch (error) {
        if (!(error instanceof ConcurrentUpdateError)) throw error;
        const fresh = await this.tickets.get(posted.value.id);
        if (!fresh) return;
        if (fresh.value.channelMessage) {
          void this.publish(posted.value.id);
          return;
        }
        current = fresh;
      }
    }
  }
}
