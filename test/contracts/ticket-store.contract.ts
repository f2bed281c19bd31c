import { describe, expect, it } from "vitest";
import { ConcurrentUpdateError } from "../../src/features/shared/errors.js";
import type { Ticket, TicketStore } from "../../src/ports/tickets.js";

const T0 = new Date("2026-11-25T09:00:00.000Z");
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000).toISOString();

export function ticket(id: string, overrides: Partial<Ticket> = {}): Ticket {
  return {
    id,
    subject: "alexw@example.com",
    userKey: "aad-alex",
    loginName: "alexw",
    status: "open",
    questions: [{ text: "Jag får inget sms – vad gör jag? \"citat\" 'och' emoji 📱", at: at(0) }],
    step: "sms",
    lastError: "error.smsWrong",
    locale: "sv",
    createdAt: at(0),
    updatedAt: at(0),
    ...overrides,
  };
}

/**
 * TicketStore: subjects (UPNs) compared case-insensitively, one open (open or taken) ticket per
 * subject, compare-and-set saves, newest-first lists with filters.
 */
export function ticketStoreContract(name: string, fresh: () => Promise<TicketStore>): void {
  describe(`TicketStore contract: ${name}`, () => {
    it("creates, reads back every field, and finds the subject's open ticket", async () => {
      const tickets = await fresh();
      const channelMessage = {
        conversationId: "19:abc@thread.tacv2",
        activityId: "1700000000000",
        serviceUrl: "https://smba.trafficmanager.net/emea/",
      };
      expect(await tickets.create(ticket("t1", { channelMessage }))).toBe(1);
      expect(await tickets.get("t1")).toEqual({ value: ticket("t1", { channelMessage }), version: 1 });
      expect((await tickets.findOpenForSubject("AlexW@Example.com"))?.value.id).toBe("t1");
      expect(await tickets.findOpenForSubject("meganb@example.com")).toBeNull();
      expect(await tickets.get("nope")).toBeNull();
    });

    it("keeps one open (open or taken) ticket per subject, in the database", async () => {
      const tickets = await fresh();
      await tickets.create(ticket("t1"));
      await expect(tickets.create(ticket("t2"))).rejects.toBeInstanceOf(ConcurrentUpdateError);
      await tickets.save({ ...ticket("t1"), status: "taken", takenBy: "meganb@example.com" }, 1);
      await expect(tickets.create(ticket("t2"))).rejects.toBeInstanceOf(ConcurrentUpdateError);
      await expect(tickets.create(ticket("t1", { subject: "other@example.com" }))).rejects.toBeInstanceOf(ConcurrentUpdateError); // same id
      // Once resolved, a new one may open; resolved ones stay.
      await tickets.save(
        {
          ...ticket("t1"),
          status: "resolved",
          takenBy: "meganb@example.com",
          resolvedBy: "meganb@example.com",
          resolvedAt: at(60),
          updatedAt: at(60),
        },
        2,
      );
      expect(await tickets.create(ticket("t2", { createdAt: at(120), updatedAt: at(120) }))).toBe(1);
      expect((await tickets.findOpenForSubject("alexw@example.com"))?.value.id).toBe("t2");
      const [a, b] = await Promise.allSettled([
        tickets.create(ticket("t3", { subject: "lynner@example.com" })),
        tickets.create(ticket("t4", { subject: "lynner@example.com" })),
      ]);
      expect([a.status, b.status].sort()).toEqual(["fulfilled", "rejected"]);
    });

    it("saves with compare-and-set: a stale version changes nothing", async () => {
      const tickets = await fresh();
      await tickets.create(ticket("t1"));
      const taken = { ...ticket("t1"), status: "taken" as const, takenBy: "meganb@example.com", updatedAt: at(10) };
      expect(await tickets.save(taken, 1)).toBe(2);
      await expect(tickets.save({ ...ticket("t1"), status: "resolved" }, 1)).rejects.toBeInstanceOf(ConcurrentUpdateError);
      expect(await tickets.get("t1")).toEqual({ value: taken, version: 2 });
      const outcomes = await Promise.allSettled([
        tickets.save({ ...taken, takenBy: "a@example.com" }, 2),
        tickets.save({ ...taken, takenBy: "b@example.com" }, 2),
      ]);
      expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
      await expect(tickets.save(ticket("missing"), 1)).rejects.toBeInstanceOf(ConcurrentUpdateError);
    });

    it("lists newest first, filtered by status and subject, with a limit", async () => {
      const tickets = await fresh();
      await tickets.create(ticket("t1", { createdAt: at(0) }));
      await tickets.save({ ...ticket("t1"), status: "resolved" }, 1);
      await tickets.create(ticket("t2", { createdAt: at(10) }));
      await tickets.create(ticket("t3", { subject: "lynner@example.com", createdAt: at(20) }));
      expect((await tickets.list()).map((t) => t.id)).toEqual(["t3", "t2", "t1"]);
      expect((await tickets.list({ status: ["open", "taken"] })).map((t) => t.id)).toEqual(["t3", "t2"]);
      expect((await tickets.list({ subject: "ALEXW@example.com" })).map((t) => t.id)).toEqual(["t2", "t1"]);
      expect((await tickets.list({ limit: 1 })).map((t) => t.id)).toEqual(["t3"]);
      expect(await tickets.list({ status: [] })).toEqual([]);
    });
  });
}
