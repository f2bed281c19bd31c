/**
 * HelpdeskService, the helpdesk's side: take, resolve, revoke, clear limits and invite, each
 * updating the card in place, telling the employee and audited; refused (and audited) for
 * anyone outside the helpdesk group, on a resolved ticket, or while the directory is down.
 */
import { describe, expect, it } from "vitest";
import { smsUserRateKey } from "../../src/features/helpdesk/helpdesk-service.js";
import { alex, enrollment, helpdeskHarnessPerTest, lynne, megan } from "./helpdesk-harness.js";
import { TokenLockout } from "../../src/features/validation/token-lockout.js";
import { defaultValidationPolicy } from "../../src/features/validation/validation-policy.js";

describe("HelpdeskService: helpdesk actions", () => {
  const h = helpdeskHarnessPerTest();

  it("refuses every action from someone outside the helpdesk group with the reason alone (no ticket), changes nothing, and audits the refusal", async () => {
    h.activateToken();
    await h.service.escalate(alex, "Tappat telefonen");
    const before = structuredClone(h.tickets.rows.get("ticket-1"));
    const stateBefore = await h.stores.load(alex.userKey);
    const notMember = { view: null, changed: false, refusal: { key: "helpdesk.notice.notMember", kind: "refusal" } };
    for (const act of ["take", "resolve", "clearLimits", "revokeToken", "invite"] as const) {
      expect(await h.service[act](lynne, "ticket-1")).toEqual(notMember);
    }
    // An unknown UPN too.
    expect(await h.service.take({ upn: "mallory@evil.example" }, "ticket-1")).toEqual(notMember);
    // Whether a ticket exists is not told either.
    expect(await h.service.take(lynne, "ticket-999")).toEqual(notMember);
    expect(h.tickets.rows.get("ticket-1")).toEqual(before);
    expect(await h.stores.load(alex.userKey)).toEqual(stateBefore);
    expect(h.stores.tokens[0]!.status).toBe("active");
    expect(h.notifier.updates).toHaveLength(0);
    expect(h.notifier.told).toHaveLength(0);
    const refusals = h.stores.audit.filter((e) => e.outcome === "refused");
    expect(refusals).toHaveLength(6);
    expect(refusals[0]).toMatchObject({
      actor: lynne.upn,
      subject: alex.upn,
      action: "helpdesk.take",
      detail: { ticketId: "ticket-1", reason: "notHelpdesk" },
    });
  });

  it("take → resolve: the card updated in place, the employee told each time, audited with the helpdesk as actor", async () => {
    await h.service.escalate(alex, "Hjälp");
    const taken = await h.service.take(megan, "ticket-1");
    expect(taken).toMatchObject({
      changed: true,
      view: { status: "taken", takenBy: "meganb@example.com", notice: { key: "helpdesk.notice.taken" } },
    });
    expect(h.notifier.updates.at(-1)).toMatchObject({
      ref: { activityId: "activity-1" },
      view: { status: "taken", takenBy: "meganb@example.com" },
    });
    expect(h.notifier.told.at(-1)).toEqual({
      userKey: alex.userKey,
      message: { kind: "text", key: "helpdesk.employee.taken", params: { name: "Megan Bowen" } },
    });

    expect((await h.service.take(megan, "ticket-1")).view?.notice?.key).toBe("helpdesk.notice.alreadyYours");

    h.clock.advance(600);
    const resolved = await h.service.resolve({ upn: "MeganB@Example.com" }, "ticket-1");
    expect(resolved.view).toMatchObject({ status: "resolved", resolvedBy: "meganb@example.com", resolvedAt: "2026-11-25T09:10:00.000Z" });
    expect(h.notifier.updates.at(-1)!.view.status).toBe("resolved");
    expect(h.notifier.told.at(-1)!.message).toEqual({ kind: "text", key: "helpdesk.employee.resolved" });
    expect(h.stores.audit.filter((e) => e.actor === megan.upn).map((e) => [e.action, e.outcome, e.subject])).toEqual([
      ["helpdesk.take", "ok", alex.upn],
      ["helpdesk.take", "ok", alex.upn],
      ["helpdesk.resolve", "ok", alex.upn],
    ]);

    // A resolved ticket refuses further actions and nothing changes.
    const late = await h.service.revokeToken(megan, "ticket-1");
    expect(late).toMatchObject({ changed: false, view: { status: "resolved", notice: { key: "helpdesk.notice.closed" } } });
  });

  it("revoke deactivates the token and tells the employee which device", async () => {
    h.activateToken();
    await h.service.escalate(alex, "Tappat telefonen");
    const result = await h.service.revokeToken(megan, "ticket-1");
    expect(result).toMatchObject({
      changed: true,
      view: { token: { status: "none" }, notice: { key: "helpdesk.notice.tokenRevoked", params: { device: "Jobbmobil" } } },
    });
    expect(await h.stores.findActive("alexw")).toBeNull();
    expect(h.stores.tokens[0]!.status).toBe("revoked");
    expect(h.notifier.told.at(-1)!.message).toEqual({
      kind: "text",
      key: "helpdesk.employee.tokenRevoked",
      params: { device: "Jobbmobil" },
    });
    expect(h.stores.audit.at(-1)).toMatchObject({
      action: "helpdesk.revokeToken",
      actor: megan.upn,
      subject: alex.upn,
      outcome: "ok",
      detail: { tokenId: "tok-1" },
    });

    const again = await h.service.revokeToken(megan, "ticket-1");
    expect(again).toMatchObject({ changed: false, view: { notice: { key: "helpdesk.notice.noToken" } } });
  });

  it("clearLimits also lifts the Citrix login's lock after wrong codes and its request throttle", async () => {
    const now = h.clock.now();
    h.stores.tokens.push({
      id: "tok-alex",
      loginName: "alexw",
      upn: alex.upn,
      deviceName: "Jobbmobil",
      secretSealed: "s",
      activatedAt: now,
      lastTimeStep: 1,
      status: "active",
    });
    const lockout = new TokenLockout(h.stores, defaultValidationPolicy);
    for (let i = 0; i < 10; i++) await lockout.admit("alexw", now);
    await lockout.lock("tok-alex", now);
    for (let i = 0; i < 25; i++) await h.stores.hit("valuser:alexw", now, 60_000);
    expect((await h.stores.findActive("alexw"))?.lockedUntil?.getTime()).toBeGreaterThan(now.getTime());
    await h.service.escalate(alex, "Koderna funkar inte i Citrix");
    expect((await h.service.clearLimits(megan, "ticket-1")).changed).toBe(true);
    expect((await h.stores.findActive("alexw"))?.lockedUntil).toBeUndefined();
    expect(await lockout.admit("alexw", now)).toMatchObject({ admitted: true, remaining: 9 });
    expect(await h.stores.hit("valuser:alexw", now, 60_000)).toBe(1);
  });

  it("clearLimits lets a blocked user retry: password block and throttle, SMS attempts, cooldown, hourly and daily caps, app-code failures", async () => {
    const now = h.clock.now();
    for (let i = 0; i < 3; i++) await h.stores.record(smsUserRateKey(alex.upn), now);
    for (let i = 0; i < 15; i++) await h.stores.record(`smsfail:${alex.upn}`, now);
    for (let i = 0; i < 11; i++) await h.stores.record(`pw:${alex.upn}`, now);
    await h.stores.record(`smsfail:${megan.upn}`, now);
    await h.stores.record("sms:global", now);
    const record = await h.stores.load(alex.userKey);
    await h.stores.save(
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
    await h.service.escalate(alex, "Spärrad");
    const result = await h.service.clearLimits(megan, "ticket-1");
    expect(result).toMatchObject({ changed: true, view: { notice: { key: "helpdesk.notice.limitsCleared" } } });
    const state = (await h.stores.load(alex.userKey))!.value;
    expect(state).toMatchObject({ passwordFailures: 0, confirmFailures: 0, step: "sms", flowId: "flow-1" });
    expect(state.passwordBlockedUntil).toBeUndefined();
    expect(state.sms).toBeUndefined();
    expect(state.lastSmsSentAt).toBeUndefined();
    expect(await h.stores.countSince(smsUserRateKey(alex.upn), new Date(0))).toBe(0);
    expect(await h.stores.countSince(`smsfail:${alex.upn}`, new Date(0))).toBe(0);
    expect(await h.stores.countSince(`pw:${alex.upn}`, new Date(0))).toBe(0);
    expect(await h.stores.countSince(`smsfail:${megan.upn}`, new Date(0))).toBe(1); // only the employee's
    expect(await h.stores.countSince("sms:global", new Date(0))).toBe(1); // the global cap is not the helpdesk's to lift
    expect(h.notifier.told.at(-1)!.message.key).toBe("helpdesk.employee.limitsCleared");
    expect(h.stores.audit.at(-1)).toMatchObject({ action: "helpdesk.clearLimits", actor: megan.upn, subject: alex.upn, outcome: "ok" });
  });

  it("invite sends a fresh welcome card, or says the employee cannot be reached", async () => {
    await h.service.escalate(alex);
    const sent = await h.service.invite(megan, "ticket-1");
    expect(sent.view?.notice?.key).toBe("helpdesk.notice.invited");
    expect(h.notifier.told.at(-1)).toEqual({ userKey: alex.userKey, message: { kind: "invitation", key: "helpdesk.employee.invitation" } });
    h.notifier.reachable.clear();
    const unreachable = await h.service.invite(megan, "ticket-1");
    expect(unreachable.view?.notice).toEqual({ key: "helpdesk.notice.notDelivered", kind: "refusal" });
    expect(h.stores.audit.at(-1)).toMatchObject({ action: "helpdesk.invite", outcome: "error", detail: { delivered: false } });
  });

  it("answers unknown or malformed ticket ids with no view and no change", async () => {
    for (const id of ["nope", "", "x".repeat(65), "../etc", 7, null]) {
      expect(await h.service.take(megan, id)).toEqual({ view: null, changed: false });
    }
  });

  it("refuses helpdesk actions while the directory is down (membership unknown) with the reason alone, without changing anything", async () => {
    await h.service.escalate(alex, "Tappat telefonen");
    const before = structuredClone(h.tickets.rows.get("ticket-1"));
    h.directory.down = true;
    const result = await h.service.take(megan, "ticket-1");
    expect(result).toEqual({ view: null, changed: false, refusal: { key: "helpdesk.notice.directoryUnavailable", kind: "refusal" } });
    expect(h.tickets.rows.get("ticket-1")).toEqual(before);
    expect(h.stores.audit.at(-1)).toMatchObject({
      action: "helpdesk.take",
      actor: megan.upn,
      subject: alex.upn,
      outcome: "error",
      detail: { reason: "directoryUnavailable" },
    });
  });
});
