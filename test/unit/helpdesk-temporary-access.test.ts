/**
 * The helpdesk's temporary access button (HelpdeskService.temporaryAccess on fakes), its
 * cards in both languages, and the notice delivery of the employee notice outbox.
 */
import { describe, expect, it } from "vitest";
import { renderTicketCard } from "../../src/features/helpdesk/ticket-card.js";
import { renderNoticeCard } from "../../src/features/notices/notice-card.js";
import { NoticeDelivery } from "../../src/features/notices/notice-delivery.js";
import { LostPhoneActions } from "../../src/features/lost-phone/lost-phone-route.js";
import type { TicketView } from "../../src/ports/ticket-view.js";
import { cardActions, cardProblems } from "../support/card-validation.js";
import { alexTicketFacts } from "../support/helpdesk-ticket.js";
import { FakeClock, MemoryNoticeOutbox } from "./fakes.js";
import { alex, helpdeskHarnessPerTest, lynne, megan } from "./helpdesk-harness.js";

describe("HelpdeskService: temporary access", () => {
  const h = helpdeskHarnessPerTest();

  it("asks to confirm first (nothing created, nothing audited), then issues once: the code in the member's answer only", async () => {
    await h.service.escalate(alex, "Glömt telefonen hemma");
    const asked = await h.service.temporaryAccess(megan, "ticket-1", false);
    expect(asked.confirmTemporaryAccess).toBe(true);
    expect(asked.temporaryCode).toBeUndefined();
    expect(h.grants.grants).toEqual([]);
    expect(h.stores.audit.filter((e) => e.action === "helpdesk.temporaryAccess")).toEqual([]);

    const issued = await h.service.temporaryAccess(megan, "ticket-1", true);
    const code = issued.temporaryCode!.code;
    expect(code).toMatch(/^[A-Z2-9]{10}$/);
    expect(h.grants.grants).toHaveLength(1);
    expect(h.grants.grants[0]).toMatchObject({ loginName: "alexw", issuedBy: megan.upn, reusable: false });
    expect(JSON.stringify(h.grants.grants)).not.toContain(code);
    expect(issued.view!.temporaryAccess).toEqual({ expiresAt: h.grants.grants[0]!.expiresAt.toISOString(), reusable: false });
    const audit = h.stores.audit.filter((e) => e.action === "helpdesk.temporaryAccess");
    expect(audit.map((e) => [e.actor, e.outcome])).toEqual([[megan.upn, "ok"]]);
    expect(audit[0]!.detail).toMatchObject({
      expiresAt: h.grants.grants[0]!.expiresAt.toISOString(),
      reusable: false,
      employeeNotified: true,
    });
    expect(h.notifier.told.at(-1)!.message).toMatchObject({ key: "helpdesk.employee.temporaryAccess", params: { name: "Megan Bowen" } });
    // Nowhere else: not in the audit, the channel card, nor the employee's message.
    expect(JSON.stringify([h.stores.audit, h.notifier.updates, h.notifier.told, h.tickets.rows.get("ticket-1")])).not.toContain(code);
    expect(JSON.stringify(h.notifier.updates.at(-1)!.view)).toContain("temporaryAccess");

    // A second one replaces the first; "Clear blocks" ends it.
    await h.service.temporaryAccess(megan, "ticket-1", true);
    expect(h.grants.grants.map((g) => Boolean(g.endedAt))).toEqual([true, false]);
    await h.service.clearLimits(megan, "ticket-1");
    expect(h.grants.grants.every((g) => g.endedAt)).toBe(true);
    expect((await h.service.take(megan, "ticket-1")).view!.temporaryAccess).toBeUndefined();
  });

  it("refuses someone outside the helpdesk group: nothing created, the refusal audited", async () => {
    await h.service.escalate(alex, "Glömt telefonen hemma");
    const refused = await h.service.temporaryAccess(lynne, "ticket-1", true);
    expect(refused).toEqual({ view: null, changed: false, refusal: { key: "helpdesk.notice.notMember", kind: "refusal" } });
    expect(h.grants.grants).toEqual([]);
    expect(
      h.stores.audit.filter((e) => e.action === "helpdesk.temporaryAccess").map((e) => [e.actor, e.outcome, e.detail?.reason]),
    ).toEqual([[lynne.upn, "refused", "notHelpdesk"]]);
  });
});

const view: TicketView = {
  ticketId: "3f1c2a9e-0000-4000-8000-000000000001",
  ...alexTicketFacts,
  token: { status: "none" },
  logins: {},
  temporaryAccess: { expiresAt: "2026-11-25T17:00:00.000Z", reusable: false },
  questions: [],
  createdAt: "2026-11-25T09:00:00.000Z",
  updatedAt: "2026-11-25T09:01:00.000Z",
};

describe.each(["sv", "en"] as const)("temporary access and lost-phone cards in %s", (locale) => {
  it("the ticket card: the confirmation button, then the code once, grouped; the channel's card only 'active until'", () => {
    const confirming = renderTicketCard(
      view,
      locale,
      { key: "helpdesk.notice.temporaryAccessConfirm", params: { hours: 8 }, kind: "info" },
      { confirmTemporaryAccess: true },
    );
    expect(cardProblems(confirming)).toEqual([]);
    expect(cardActions(confirming).find((a) => a.data?.confirm === true)).toMatchObject({
      verb: "helpdesk.temporaryAccess",
      data: { ticketId: view.ticketId, confirm: true },
    });
    const shown = renderTicketCard(view, locale, undefined, { temporaryCode: { code: "ABCDE23456", reusable: false } });
    expect(cardProblems(shown)).toEqual([]);
    expect(JSON.stringify(shown)).toContain("ABCDE 23456");
    const channel = JSON.stringify(renderTicketCard(view, locale));
    expect(channel).not.toContain("ABCDE");
    expect(channel).toContain(
      locale === "sv" ? "Tillfällig kod gäller till 25 nov. 2026 18:00" : "Temporary code valid until 25 Nov 2026 18:00",
    );
  });

  it("the lost-phone card asks for the password (masked), and afterwards offers a new phone", () => {
    const actions = new LostPhoneActions({ block: async () => ({ blocked: true, device: "Jobbmobil" }) });
    const caller = { ...alex, locale };
    const ask = actions.card(caller);
    expect(cardProblems(ask)).toEqual([]);
    expect(JSON.stringify(ask)).toContain('"style":"Password"');
    expect(cardActions(ask).map((a) => a.verb)).toEqual(["lostPhone.block"]);
    const done = actions.card(caller, { key: "lostPhone.blocked", params: { device: "Jobbmobil" }, kind: "info" }, true);
    expect(cardProblems(done)).toEqual([]);
    expect(cardActions(done).map((a) => a.verb)).toEqual(["enroll.start"]);
    expect(JSON.stringify(done)).not.toContain("Input.Text");
  });

  it("the notice card has the 'contact the helpdesk' button", () => {
    const card = renderNoticeCard(locale, "notice.tokenLocked", { time: "14:05" });
    expect(cardProblems(card)).toEqual([]);
    expect(JSON.stringify(card)).toContain("14:05");
    expect(cardActions(card).map((a) => a.verb)).toEqual(["help.escalate"]);
  });
});

describe("NoticeDelivery", () => {
  it("sends each claimed notice once, drops those without a chat or with an unknown text, retries a failed send", async () => {
    const clock = new FakeClock();
    const outbox = new MemoryNoticeOutbox();
    const sent: string[] = [];
    let failOnce = true;
    const chat = {
      send: async (upn: string, notice: { key: string; helpdeskButton: boolean }) => {
        if (upn === "nochat@example.com") return false;
        if (upn === "flaky@example.com" && failOnce) {
          failOnce = false;
          throw new Error("connector down");
        }
        sent.push(`${upn} ${notice.key} ${notice.helpdeskButton}`);
        return true;
      },
    };
    const delivery = new NoticeDelivery(outbox, chat, clock);
    const at = clock.now();
    for (const [id, upn, key] of [
      ["1", "alexw@example.com", "notice.tokenLocked"],
      ["2", "nochat@example.com", "notice.tokenLocked"],
      ["3", "alexw@example.com", "notice.nonsense"],
      ["4", "flaky@example.com", "notice.tokenRevoked"],
    ]) {
      await outbox.enqueue({ id: id!, upn: upn!, key: key!, params: { time: "10:00", device: "X" }, createdAt: at });
    }
    expect(await delivery.deliverDue()).toEqual({ sent: 1, dropped: 2, failed: 1 });
    expect(await delivery.deliverDue()).toEqual({ sent: 0, dropped: 0, failed: 0 });
    clock.advance(61);
    expect(await delivery.deliverDue()).toEqual({ sent: 1, dropped: 0, failed: 0 });
    expect(sent).toEqual(["alexw@example.com notice.tokenLocked true", "flaky@example.com notice.tokenRevoked false"]);
  });
});
