import { beforeEach, describe, expect, it } from "vitest";
import { DemoDirectory } from "../../src/adapters/demo-directory.js";
import type { EnrollmentState } from "../../src/domain/enrollment-state.js";
import { ConcurrentUpdateError, DirectoryUnavailableError } from "../../src/domain/errors.js";
import { HelpdeskService, smsUserRateKey } from "../../src/domain/helpdesk/helpdesk-service.js";
import { cleanQuestion } from "../../src/domain/helpdesk/question.js";
import type { TicketView } from "../../src/domain/helpdesk/ticket-view.js";
import type { Caller } from "../../src/domain/step-view.js";
import type { DirectoryUser } from "../../src/ports/directory.js";
import type { EmployeeMessage, HelpdeskNotifier } from "../../src/ports/helpdesk-notifier.js";
import type { Versioned } from "../../src/ports/stores.js";
import type { MessageRef, Ticket, TicketListFilter, TicketStore } from "../../src/ports/tickets.js";
import { FakeClock, MemoryStores } from "./fakes.js";

class MemoryTickets implements TicketStore {
  rows = new Map<string, Versioned<Ticket>>();
  async create(ticket: Ticket) {
    const open = await this.findOpenForSubject(ticket.subject);
    if (this.rows.has(ticket.id) || open) throw new ConcurrentUpdateError("exists");
    this.rows.set(ticket.id, { value: structuredClone(ticket), version: 1 });
    return 1;
  }
  async get(id: string) {
    const row = this.rows.get(id);
    return row ? structuredClone(row) : null;
  }
  async findOpenForSubject(subject: string) {
    const row = [...this.rows.values()].find((r) => r.value.subject === subject && r.value.status !== "resolved");
    return row ? structuredClone(row) : null;
  }
  async save(ticket: Ticket, expected: number) {
    const row = this.rows.get(ticket.id);
    if (!row || row.version !== expected) throw new ConcurrentUpdateError("moved");
    this.rows.set(ticket.id, { value: structuredClone(ticket), version: expected + 1 });
    return expected + 1;
  }
  async list(_filter?: TicketListFilter) {
    return [...this.rows.values()].map((r) => structuredClone(r.value));
  }
}

class FakeNotifier implements HelpdeskNotifier {
  posted: TicketView[] = [];
  updates: { ref: MessageRef; view: TicketView }[] = [];
  told: { userKey: string; message: EmployeeMessage }[] = [];
  reachable = new Set<string>();
  failPost = false;
  async postTicketCard(view: TicketView): Promise<MessageRef> {
    if (this.failPost) throw new Error("channel unreachable");
    this.posted.push(structuredClone(view));
    return { conversationId: "19:helpdesk@thread.tacv2", activityId: `activity-${this.posted.length}`, serviceUrl: "https://smba.example/" };
  }
  async updateTicketCard(ref: MessageRef, view: TicketView): Promise<void> {
    this.updates.push({ ref, view: structuredClone(view) });
  }
  async notifyEmployee(userKey: string, message: EmployeeMessage): Promise<boolean> {
    if (!this.reachable.has(userKey)) return false;
    this.told.push({ userKey, message });
    return true;
  }
}

/** The demo directory, which can be made to stop answering. */
class SwitchableDirectory extends DemoDirectory {
  down = false;
  override async findByUpn(upn: string): Promise<DirectoryUser | null> {
    if (this.down) throw new DirectoryUnavailableError("down");
    return super.findByUpn(upn);
  }
}

const alex: Caller = { userKey: "aad-alex", upn: "alexw@example.com", locale: "sv" };
const megan = { upn: "meganb@example.com" }; // in group "helpdesk"
const lynne = { upn: "lynner@example.com" }; // not

function enrollment(overrides: Partial<EnrollmentState> = {}): EnrollmentState {
  return {
    flowId: "flow-1",
    step: "sms",
    locale: "sv",
    startedAt: "2026-11-25T08:50:00.000Z",
    updatedAt: "2026-11-25T08:55:00.000Z",
    callerUpn: alex.upn,
    account: { id: "demo:alexw", loginName: "alexw", displayName: "Alex Wilber", mobile: "+46701740605" },
    passwordFailures: 0,
    confirmFailures: 0,
    lastError: "error.smsWrong",
    ...overrides,
  };
}

describe("HelpdeskService", () => {
  let clock: FakeClock;
  let stores: MemoryStores;
  let tickets: MemoryTickets;
  let notifier: FakeNotifier;
  let directory: SwitchableDirectory;
  let service: HelpdeskService;
  let ids: number;

  beforeEach(async () => {
    clock = new FakeClock();
    stores = new MemoryStores();
    tickets = new MemoryTickets();
    notifier = new FakeNotifier();
    notifier.reachable.add(alex.userKey);
    directory = new SwitchableDirectory();
    ids = 0;
    service = new HelpdeskService({
      tickets,
      notifier,
      directory,
      enrollments: stores,
      tokens: stores,
      rates: stores,
      audit: stores,
      clock,
      helpdeskGroupId: "helpdesk",
      newId: () => `ticket-${++ids}`,
    });
    await stores.save(alex.userKey, enrollment(), null);
  });

  const activateToken = () =>
    stores.tokens.push({ id: "tok-1", loginName: "alexw", upn: alex.upn, deviceName: "Jobbmobil", secretSealed: "sealed-SECRET", activatedAt: new Date("2026-11-01T10:00:00Z"), lastTimeStep: 1, status: "active" });

  it("opens one ticket with the step, last error and directory facts, and posts its card", async () => {
    activateToken();
    const result = await service.escalate(alex, "  Jag får inget sms\u0007  ");
    expect(result).toMatchObject({ outcome: "created", ticketId: "ticket-1", notice: { key: "helpdesk.employee.escalated" } });
    expect(notifier.posted).toHaveLength(1);
    const view = notifier.posted[0]!;
    expect(view).toMatchObject({
      ticketId: "ticket-1",
      status: "open",
      upn: "alexw@example.com",
      displayName: "Alex Wilber",
      loginName: "alexw",
      department: "Akutmottagningen",
      step: "sms",
      lastError: "error.smsWrong",
      directory: { found: "yes", account: "enabled", hasMobile: true },
      token: { status: "active", deviceName: "Jobbmobil" },
      questions: [{ text: "Jag får inget sms", at: "2026-11-25T09:00:00.000Z" }],
      createdAt: "2026-11-25T09:00:00.000Z",
    });
    const stored = (await tickets.get("ticket-1"))!.value;
    expect(stored.channelMessage).toEqual({ conversationId: "19:helpdesk@thread.tacv2", activityId: "activity-1", serviceUrl: "https://smba.example/" });
    expect(stores.audit).toContainEqual(expect.objectContaining({ action: "helpdesk.escalate", actor: alex.upn, subject: alex.upn, outcome: "ok" }));
  });

  it("keeps one open ticket per user: asking again adds the question and updates the card in place", async () => {
    await service.escalate(alex, "Första frågan");
    clock.advance(60);
    const again = await service.escalate(alex, "Andra frågan");
    expect(again).toMatchObject({ outcome: "updated", ticketId: "ticket-1", notice: { key: "helpdesk.employee.escalationUpdated" } });
    expect(tickets.rows.size).toBe(1);
    expect(notifier.posted).toHaveLength(1);
    expect(notifier.updates).toHaveLength(1);
    expect(notifier.updates[0]!.ref.activityId).toBe("activity-1");
    expect(notifier.updates[0]!.view.questions.map((q) => q.text)).toEqual(["Första frågan", "Andra frågan"]);
    // Without a question: no empty entry.
    await service.escalate(alex);
    expect((await tickets.get("ticket-1"))!.value.questions).toHaveLength(2);
  });

  it("opens a new ticket once the previous one is resolved", async () => {
    await service.escalate(alex, "Första");
    await service.resolve(megan, "ticket-1");
    const next = await service.escalate(alex, "Igen");
    expect(next).toMatchObject({ outcome: "created", ticketId: "ticket-2" });
    expect(notifier.posted).toHaveLength(2);
  });

  it("keeps the ticket when the channel cannot be reached, and posts it on the next try", async () => {
    notifier.failPost = true;
    const failed = await service.escalate(alex, "Hjälp");
    expect(failed).toMatchObject({ outcome: "failed", notice: { key: "helpdesk.employee.escalationFailed", kind: "refusal" } });
    notifier.failPost = false;
    const retried = await service.escalate(alex);
    expect(retried.outcome).toBe("updated");
    expect(notifier.posted).toHaveLength(1);
    expect((await tickets.get("ticket-1"))!.value.channelMessage).toBeDefined();
  });

  it("cleans the question: control characters stripped, trimmed, at most 1000 characters", () => {
    expect(cleanQuestion("\u0000 hej\u202E\r\nda\u0085 ")).toBe("hej\nda");
    expect(cleanQuestion("   ")).toBeUndefined();
    expect(cleanQuestion(42)).toBeUndefined();
    expect(Array.from(cleanQuestion("å".repeat(5000))!)).toHaveLength(1000);
  });

  it("refuses every action from someone outside the helpdesk group, changes nothing, and audits the refusal", async () => {
    activateToken();
    await service.escalate(alex, "Tappat telefonen");
    const before = structuredClone(tickets.rows.get("ticket-1"));
    const stateBefore = await stores.load(alex.userKey);
    for (const act of ["take", "resolve", "clearLimits", "revokeToken", "invite"] as const) {
      const result = await service[act](lynne, "ticket-1");
      expect(result.changed).toBe(false);
      expect(result.view?.notice).toEqual({ key: "helpdesk.notice.notMember", kind: "refusal" });
      expect(result.view?.status).toBe("open");
    }
    // An unknown UPN too.
    expect((await service.take({ upn: "mallory@evil.example" }, "ticket-1")).changed).toBe(false);
    expect(tickets.rows.get("ticket-1")).toEqual(before);
    expect(await stores.load(alex.userKey)).toEqual(stateBefore);
    expect(stores.tokens[0]!.status).toBe("active");
    expect(notifier.updates).toHaveLength(0);
    expect(notifier.told).toHaveLength(0);
    const refusals = stores.audit.filter((e) => e.outcome === "refused");
    expect(refusals).toHaveLength(6);
    expect(refusals[0]).toMatchObject({ actor: lynne.upn, subject: alex.upn, action: "helpdesk.take", detail: { ticketId: "ticket-1", reason: "notHelpdesk" } });
  });

  it("take → resolve: the card updated in place, the employee told each time, audited with the helpdesk as actor", async () => {
    await service.escalate(alex, "Hjälp");
    const taken = await service.take(megan, "ticket-1");
    expect(taken).toMatchObject({ changed: true, view: { status: "taken", takenBy: "meganb@example.com", notice: { key: "helpdesk.notice.taken" } } });
    expect(notifier.updates.at(-1)).toMatchObject({ ref: { activityId: "activity-1" }, view: { status: "taken", takenBy: "meganb@example.com" } });
    expect(notifier.told.at(-1)).toEqual({ userKey: alex.userKey, message: { kind: "text", key: "helpdesk.employee.taken", params: { name: "Megan Bowen" } } });

    expect((await service.take(megan, "ticket-1")).view?.notice?.key).toBe("helpdesk.notice.alreadyYours");

    clock.advance(600);
    const resolved = await service.resolve({ upn: "MeganB@Example.com" }, "ticket-1");
    expect(resolved.view).toMatchObject({ status: "resolved", resolvedBy: "meganb@example.com", resolvedAt: "2026-11-25T09:10:00.000Z" });
    expect(notifier.updates.at(-1)!.view.status).toBe("resolved");
    expect(notifier.told.at(-1)!.message).toEqual({ kind: "text", key: "helpdesk.employee.resolved" });
    expect(stores.audit.filter((e) => e.actor === megan.upn).map((e) => [e.action, e.outcome, e.subject])).toEqual([
      ["helpdesk.take", "ok", alex.upn],
      ["helpdesk.take", "ok", alex.upn],
      ["helpdesk.resolve", "ok", alex.upn],
    ]);

    // A resolved ticket refuses further actions and nothing changes.
    const late = await service.revokeToken(megan, "ticket-1");
    expect(late).toMatchObject({ changed: false, view: { status: "resolved", notice: { key: "helpdesk.notice.closed" } } });
  });

  it("revoke deactivates the token and tells the employee which device", async () => {
    activateToken();
    await service.escalate(alex, "Tappat telefonen");
    const result = await service.revokeToken(megan, "ticket-1");
    expect(result).toMatchObject({ changed: true, view: { token: { status: "none" }, notice: { key: "helpdesk.notice.tokenRevoked", params: { device: "Jobbmobil" } } } });
    expect(await stores.findActive("alexw")).toBeNull();
    expect(stores.tokens[0]!.status).toBe("revoked");
    expect(notifier.told.at(-1)!.message).toEqual({ kind: "text", key: "helpdesk.employee.tokenRevoked", params: { device: "Jobbmobil" } });
    expect(stores.audit.at(-1)).toMatchObject({ action: "helpdesk.revokeToken", actor: megan.upn, subject: alex.upn, outcome: "ok", detail: { tokenId: "tok-1" } });

    const again = await service.revokeToken(megan, "ticket-1");
    expect(again).toMatchObject({ changed: false, view: { notice: { key: "helpdesk.notice.noToken" } } });
  });

  it("clearLimits lets a blocked user retry: password block, SMS attempts, cooldown, hourly cap, app-code failures", async () => {
    const now = clock.now();
    for (let i = 0; i < 3; i++) await stores.record(smsUserRateKey(alex.upn), now);
    await stores.record("sms:global", now);
    const record = await stores.load(alex.userKey);
    await stores.save(
      alex.userKey,
      enrollment({
        passwordFailures: 2,
        passwordBlockedUntil: "2026-11-25T09:30:00.000Z",
        sms: { codeHash: "h", sentAt: now.toISOString(), expiresAt: "2026-11-25T09:05:00.000Z", attempts: 5 },
        lastSmsSentAt: now.toISOString(),
        confirmFailures: 4,
      }),
      record!.version,
    );
    await service.escalate(alex, "Spärrad");
    const result = await service.clearLimits(megan, "ticket-1");
    expect(result).toMatchObject({ changed: true, view: { notice: { key: "helpdesk.notice.limitsCleared" } } });
    const state = (await stores.load(alex.userKey))!.value;
    expect(state).toMatchObject({ passwordFailures: 0, confirmFailures: 0, step: "sms", flowId: "flow-1" });
    expect(state.passwordBlockedUntil).toBeUndefined();
    expect(state.sms).toBeUndefined();
    expect(state.lastSmsSentAt).toBeUndefined();
    expect(await stores.countSince(smsUserRateKey(alex.upn), new Date(0))).toBe(0);
    expect(await stores.countSince("sms:global", new Date(0))).toBe(1); // the global cap is not the helpdesk's to lift
    expect(notifier.told.at(-1)!.message.key).toBe("helpdesk.employee.limitsCleared");
    expect(stores.audit.at(-1)).toMatchObject({ action: "helpdesk.clearLimits", actor: megan.upn, subject: alex.upn, outcome: "ok" });
  });

  it("invite sends a fresh welcome card, or says the employee cannot be reached", async () => {
    await service.escalate(alex);
    const sent = await service.invite(megan, "ticket-1");
    expect(sent.view?.notice?.key).toBe("helpdesk.notice.invited");
    expect(notifier.told.at(-1)).toEqual({ userKey: alex.userKey, message: { kind: "invitation", key: "helpdesk.employee.invitation" } });
    notifier.reachable.clear();
    const unreachable = await service.invite(megan, "ticket-1");
    expect(unreachable.view?.notice).toEqual({ key: "helpdesk.notice.notDelivered", kind: "refusal" });
    expect(stores.audit.at(-1)).toMatchObject({ action: "helpdesk.invite", outcome: "error", detail: { delivered: false } });
  });

  it("answers unknown or malformed ticket ids with no view and no change", async () => {
    for (const id of ["nope", "", "x".repeat(65), "../etc", 7, null]) {
      expect(await service.take(megan, id)).toEqual({ view: null, changed: false });
    }
  });

  it("refuses helpdesk actions while the directory is down, without changing anything", async () => {
    await service.escalate(alex);
    directory.down = true;
    const result = await service.take(megan, "ticket-1");
    expect(result).toMatchObject({ changed: false, view: { status: "open", directory: { found: "unavailable" }, notice: { key: "helpdesk.notice.directoryUnavailable" } } });
  });

  it("escalates even when the directory is down; the card says the facts are unknown", async () => {
    directory.down = true;
    const result = await service.escalate(alex, "AD nere?");
    expect(result.outcome).toBe("created");
    expect(notifier.posted[0]).toMatchObject({ displayName: alex.upn, loginName: "alexw", directory: { found: "unavailable" } });
  });

  it("never puts secrets, codes or phone numbers in the ticket view", async () => {
    activateToken();
    const record = await stores.load(alex.userKey);
    await stores.save(
      alex.userKey,
      enrollment({
        step: "qr",
        sms: { codeHash: "SMSHASH123", sentAt: "x", expiresAt: "y", attempts: 1 },
        verifiedSmsCodeHash: "VERIFIEDHASH",
        pendingSecret: "PENDINGSEALED",
      }),
      record!.version,
    );
    await service.escalate(alex, "QR-koden går inte att skanna");
    await service.take(megan, "ticket-1");
    const views = [...notifier.posted, ...notifier.updates.map((u) => u.view)];
    for (const view of views) {
      const text = JSON.stringify(view);
      for (const secret of ["+46701740605", "701740605", "1740605", "SMSHASH123", "VERIFIEDHASH", "PENDINGSEALED", "sealed-SECRET", "flow-1"]) {
        expect(text).not.toContain(secret);
      }
    }
    // The audit trail neither.
    expect(JSON.stringify(stores.audit)).not.toMatch(/1740605|SMSHASH|sealed-|skanna/);
  });
});
