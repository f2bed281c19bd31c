import type { HelpdeskNotifier } from "../../ports/helpdesk-notifier.js";
import type { Ticket, TicketStore } from "../../ports/tickets.js";
import { ConcurrentUpdateError } from "../errors.js";
import type { TicketViews } from "./ticket-views.js";

const CAS_ATTEMPTS = 5;

/**
 * Keeps one card per ticket in the helpdesk channel: posts it once (remembering where, on
 * the ticket) and afterwards replaces it in place.
 */
export class TicketPublisher {
  /** Ticket cards being posted by this process, by ticket id. */
  private readonly posting = new Map<string, Promise<void>>();

  constructor(
    private readonly tickets: TicketStore,
    private readonly notifier: HelpdeskNotifier,
    private readonly views: TicketViews,
  ) {}

  /** Puts the ticket's card in the channel: updated in place, or posted (and its place saved). */
  async publish(ticket: Ticket, version: number): Promise<boolean> {
    try {
      if (ticket.channelMessage) {
        await this.notifier.updateTicketCard(ticket.channelMessage, await this.views.build(ticket));
        return true;
      }
      // Another escalation of this ticket is posting its card right now (a double click): it
      // shows this one's question too (see postCard), so do not post a second card.
      const inFlight = this.posting.get(ticket.id);
      if (inFlight) {
        await inFlight;
        return true;
      }
      const post = this.postCard(ticket, version);
      this.posting.set(ticket.id, post);
      try {
        await post;
      } finally {
        this.posting.delete(ticket.id);
      }
      return true;
    } catch (error) {
      if (error instanceof ConcurrentUpdateError) throw error;
      return false; // the channel could not be reached: the ticket stays, the next escalation retries
    }
  }

  /** Posts the ticket's card and saves where it is; a change saved meanwhile is shown on the card. */
  private async postCard(ticket: Ticket, version: number): Promise<void> {
    // A post that finished after this escalation read the ticket: update that card instead.
    const latest = await this.tickets.get(ticket.id);
    if (latest?.value.channelMessage) return this.notifier.updateTicketCard(latest.value.channelMessage, await this.views.build(latest.value));
    const posted = latest ?? { value: ticket, version };
    const ref = await this.notifier.postTicketCard(await this.views.build(posted.value));
    let current = posted;
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      try {
        await this.tickets.save({ ...current.value, channelMessage: ref }, current.version);
        if (current !== posted) await this.notifier.updateTicketCard(ref, await this.views.build(current.value)).catch(() => undefined);
        return;
      } catch (error) {
        if (!(error instanceof ConcurrentUpdateError)) throw error;
        const fresh = await this.tickets.get(ticket.id);
        if (!fresh) return;
        if (fresh.value.channelMessage) {
          // Another instance posted too: keep theirs, with what this escalation added.
          await this.notifier.updateTicketCard(fresh.value.channelMessage, await this.views.build(fresh.value)).catch(() => undefined);
          return;
        }
        current = fresh;
      }
    }
  }
}
