/**
 * HelpdeskService, the employee's side: escalating opens one ticket per person with the
 * step, last error and directory facts, posts its card (and retries a failed post), adds
 * later questions to it, and never carries secrets, codes or phone numbers.
 */
import { describe, expect, it } from "vitest";
import { cleanQuestion } from "../../src/features/helpdesk/question.js";
import { alexTicketFacts } from "../support/helpdesk-ticket.js";
import { alex, enrollment, helpdeskHarnessPerTest, megan } from "./helpdesk-harness.js";

describe("HelpdeskService: escalation", () => {
  const h = helpdeskHarnessPerTest();

  it("opens one ticket with the step, last error and directory facts, and posts its card", async () => {
    h.activateToken();
    const result = await h.service.escalate(alex, "  Jag får inget sms\u0007  ");
    expect(result).toMatchObject({ outcome: "created", ticketId: "ticket-1", notice: { key: "helpdesk.employee.escalated" } });
    expect(h.notifier.posted).toHaveLength(1);
    const view = h.notifier.posted[0]!;
    expect(view).toMatchObject({
      ticketId: "ticket-1",
      ...alexTicketFacts,
      token: { status: "active", deviceName: "Jobbmobil" },
      questions: [{ text: "Jag får inget sms", at: "2026-11-25T09:00:00.000Z" }],
      createdAt: "2026-11-25T09:00:00.000Z",
    });
    const stored = (await h.tickets.get("ticket-1"))!.value;
    expect(stored.channelMessage).toEqual({
      conversationId: "19:helpdesk@thread.tacv2",
      activityId: "activity-1",
      serviceUrl: "https://smba.example/",
    });
    expect(h.stores.audit).toContainEqual(
      expect.objectContaining({ action: "helpdesk.escalate", actor: alex.upn, subject: alex.upn, outcome: "ok" }),
    );
  });

  it("keeps one open ticket per user: asking again adds the question and updates the card in place", async () => {
    await h.service.escalate(alex, "Första frågan");
    h.clock.advance(60);
    const again = await h.service.escalate(alex, "Andra frågan");
    expect(again).toMatchObject({ outcome: "updated", ticketId: "ticket-1", notice: { key: "helpdesk.employee.escalationUpdated" } });
    expect(h.tickets.rows.size).toBe(1);
    expect(h.notifier.posted).toHaveLength(1);
    expect(h.notifier.updates).toHaveLength(1);
    expect(h.notifier.updates[0]!.ref.activityId).toBe("activity-1");
    expect(h.notifier.updates[0]!.view.questions.map((q) => q.text)).toEqual(["Första frågan", "Andra frågan"]);
    // Without a question: no empty entry.
    await h.service.escalate(alex);
    expect((await h.tickets.get("ticket-1"))!.value.questions).toHaveLength(2);
  });

  it("opens a new ticket once the previous one is resolved", async () => {
    await h.service.escalate(alex, "Första");
    await h.service.resolve(megan, "ticket-1");
    const next = await h.service.escalate(alex, "Igen");
    expect(next).toMatchObject({ outcome: "created", ticketId: "ticket-2" });
    expect(h.notifier.posted).toHaveLength(2);
  });

  it("keeps the ticket when the channel cannot be reached, and posts it on the next try", async () => {
    h.notifier.failPost = true;
    const failed = await h.service.escalate(alex, "Hjälp");
    expect(failed).toMatchObject({ outcome: "failed", notice: { key: "helpdesk.employee.escalationFailed", kind: "refusal" } });
    h.notifier.failPost = false;
    const retried = await h.service.escalate(alex);
    expect(retried.outcome).toBe("updated");
    expect(h.notifier.posted).toHaveLength(1);
    expect((await h.tickets.get("ticket-1"))!.value.channelMessage).toBeDefined();
  });

  it("cleans the question: control characters stripped, trimmed, at most 1000 characters", () => {
    expect(cleanQuestion("\u0000 hej\u202E\r\nda\u0085 ")).toBe("hej\nda");
    expect(cleanQuestion("   ")).toBeUndefined();
    expect(cleanQuestion(42)).toBeUndefined();
    expect(Array.from(cleanQuestion("å".repeat(5000))!)).toHaveLength(1000);
  });

  it("escalates even when the directory is down; the card says the facts are unknown", async () => {
    h.directory.down = true;
    const result = await h.service.escalate(alex, "AD nere?");
    expect(result.outcome).toBe("created");
    expect(h.notifier.posted[0]).toMatchObject({ displayName: alex.upn, loginName: "alexw", directory: { found: "unavailable" } });
  });

  it("tells the helpdesk nothing of another UPN's flow stored under the caller's key", async () => {
    h.directory.down = true; // so the login name could only come from the stored flow
    await h.service.escalate({ ...alex, upn: "isaiah@example.com" }, "Hjälp");
    const ticket = (await h.tickets.get("ticket-1"))!.value;
    expect(ticket).toMatchObject({ subject: "isaiah@example.com", userKey: alex.userKey });
    expect([ticket.step, ticket.lastError, ticket.loginName]).toEqual([undefined, undefined, undefined]);
  });

  it("never puts secrets, codes or phone numbers in the ticket view", async () => {
    h.activateToken();
    const record = await h.stores.load(alex.userKey);
    await h.stores.save(
      alex.userKey,
      enrollment({
        step: "qr",
        sms: { codeHash: "SMSHASH123", sentAt: "x", expiresAt: "y", attempts: 1 },
        verifiedSmsCodeHash: "VERIFIEDHASH",
        pendingSecret: "PENDINGSEALED",
      }),
      record!.version,
    );
    await h.service.escalate(alex, "QR-koden går inte att skanna");
    await h.service.take(megan, "ticket-1");
    const views = [...h.notifier.posted, ...h.notifier.updates.map((u) => u.view)];
    for (const view of views) {
      const text = JSON.stringify(view);
      for (const secret of [
        "+46701740605",
        "701740605",
        "1740605",
        "SMSHASH123",
        "VERIFIEDHASH",
        "PENDINGSEALED",
        "sealed-SECRET",
        "flow-1",
      ]) {
        expect(text).not.toContain(secret);
      }
    }
    // The audit trail neither.
    expect(JSON.stringify(h.stores.audit)).not.toMatch(/1740605|SMSHASH|sealed-|skanna/);
  });
});
