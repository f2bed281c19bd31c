/**
 * The ticket card in the helpdesk channel: written one request at a time, each showing the
 * ticket as stored when it is sent. Changes made while a write is queued or in flight are
 * coalesced into one later update (the last state wins), so a burst of changes to one
 * ticket costs at most two channel writes, however long the burst.
 */
import { describe, expect, it } from "vitest";
import { DemoDirectory } from "../../src/adapters/demo-directory.js";
import { ChannelPacer } from "../../src/features/helpdesk/channel-pacer.js";
import { TicketPublisher } from "../../src/features/helpdesk/ticket-publisher.js";
import type { TicketView } from "../../src/ports/ticket-view.js";
import { TicketViews } from "../../src/features/helpdesk/ticket-views.js";
import type { EmployeeMessage, HelpdeskNotifier } from "../../src/ports/helpdesk-notifier.js";
import type { MessageRef, Ticket } from "../../src/ports/tickets.js";
import { MemoryTickets } from "./helpdesk-harness.js";
import { FakeClock, MemoryStores, MemoryTemporaryAccess } from "./fakes.js";

/** A channel whose writes wait until the test opens the gate. */
class GatedChannel implements HelpdeskNotifier {
  writes: { kind: "post" | "update"; ticketId: string; questions: string[]; activityId: string }[] = [];
  inFlight = 0;
  mostInFlight = 0;
  failPosts = 0;
  private gate: Promise<void> = Promise.resolve();
  private open: () => void = () => undefined;

  close(): void {
    this.gate = new Promise((resolve) => (this.open = resolve));
  }
  release(): void {
    this.open();
  }

  async postTicketCard(view: TicketView): Promise<MessageRef> {
    const ref = { conversationId: "19:helpdesk@thread.tacv2", activityId: `card-${view.ticketId}`, serviceUrl: "https://smba.example/" };
    await this.write("post", view, ref.activityId);
    return ref;
  }
  async updateTicketCard(ref: MessageRef, view: TicketView): Promise<void> {
    await this.write("update", view, ref.activityId);
  }
  async notifyEmployee(_userKey: string, _message: EmployeeMessage): Promise<boolean> {
    return true;
  }

  private async write(kind: "post" | "update", view: TicketView, activityId: string): Promise<void> {
    this.inFlight++;
    this.mostInFlight = Math.max(this.mostInFlight, this.inFlight);
    try {
      await this.gate;
      if (kind === "post" && this.failPosts > 0) {
        this.failPosts--;
        throw new Error("channel unreachable");
      }
      this.writes.push({ kind, ticketId: view.ticketId, questions: view.questions.map((q) => q.text), activityId });
    } finally {
      this.inFlight--;
    }
  }
}

function setup() {
  const clock = new FakeClock();
  const wait = async (ms: number) => clock.advance(ms / 1000);
  const tickets = new MemoryTickets();
  const channel = new GatedChannel();
  const publisher = new TicketPublisher(
    tickets,
    channel,
    new TicketViews(new DemoDirectory(), new MemoryStores(), new MemoryStores(), new MemoryTemporaryAccess(), clock),
    new ChannelPacer(clock, wait),
  );
  const ticket = (id: string, subject: string): Ticket => ({
    id,
    subject,
    userKey: `key-${id}`,
    status: "open",
    questions: [],
    locale: "sv",
    createdAt: "2026-11-25T09:00:00.000Z",
    updatedAt: "2026-11-25T09:00:00.000Z",
  });
  /**
   * Adds a question the way an escalation does (compare-and-set save), then asks for the card
   * to follow; resolves once saved, with the publication still pending.
   */
  const ask = async (id: string, text: string): Promise<{ published: Promise<boolean> }> => {
    const row = (await tickets.get(id))!;
    await tickets.save({ ...row.value, questions: [...row.value.questions, { text, at: "2026-11-25T09:00:00.000Z" }] }, row.version);
    return { published: publisher.publish(id) };
  };
  return { tickets, channel, publisher, ticket, ask };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe("TicketPublisher: one write at a time, the last state wins", () => {
  it("coalesces ten changes made while the card is being posted into one update showing all of them", async () => {
    const { tickets, channel, publisher, ticket, ask } = setup();
    await tickets.create(ticket("t-1", "alexw@example.com"));
    channel.close();
    const first = publisher.publish("t-1");
    await flush();
    const later: Promise<boolean>[] = [];
    for (let i = 1; i <= 10; i++) later.push((await ask("t-1", `fråga ${i}`)).published);
    channel.release();
    expect(await first).toBe(true);
    expect(await Promise.all(later)).toEqual(Array(10).fill(true));
    expect(channel.writes.map((w) => w.kind)).toEqual(["post", "update"]);
    expect(channel.writes[1]!.questions).toEqual(Array.from({ length: 10 }, (_, i) => `fråga ${i + 1}`));
    expect(channel.writes[1]!.activityId).toBe("card-t-1");
    expect((await tickets.get("t-1"))!.value.channelMessage?.activityId).toBe("card-t-1");
    expect(channel.mostInFlight).toBe(1);
  });

  it("keeps the cards of different tickets apart, each with its own last state, one request at a time", async () => {
    const { tickets, channel, publisher, ticket, ask } = setup();
    await tickets.create(ticket("t-1", "alexw@example.com"));
    await tickets.create(ticket("t-2", "isaiah@example.com"));
    await Promise.all([publisher.publish("t-1"), publisher.publish("t-2")]);
    channel.close();
    const pending: Promise<boolean>[] = [];
    for (const [id, text] of [
      ["t-1", "a1"],
      ["t-2", "b1"],
      ["t-1", "a2"],
      ["t-2", "b2"],
      ["t-1", "a3"],
    ] as const)
      pending.push((await ask(id, text)).published);
    await flush();
    channel.release();
    expect(await Promise.all(pending)).toEqual(Array(5).fill(true));
    const updates = channel.writes.filter((w) => w.kind === "update");
    expect(updates.length).toBeLessThanOrEqual(4);
    const last = (id: string) => updates.filter((w) => w.ticketId === id).at(-1)!.questions;
    expect(last("t-1")).toEqual(["a1", "a2", "a3"]);
    expect(last("t-2")).toEqual(["b1", "b2"]);
    expect(channel.mostInFlight).toBe(1);
  });

  it("reports a failed post to every change waiting for it, keeps the ticket, and posts it on the next change", async () => {
    const { tickets, channel, publisher, ticket, ask } = setup();
    await tickets.create(ticket("t-1", "alexw@example.com"));
    channel.failPosts = 1;
    expect(await publisher.publish("t-1")).toBe(false);
    expect((await tickets.get("t-1"))!.value.channelMessage).toBeUndefined();
    expect(await (await ask("t-1", "igen")).published).toBe(true);
    expect(channel.writes.map((w) => [w.kind, w.questions])).toEqual([["post", ["igen"]]]);
  });
});
