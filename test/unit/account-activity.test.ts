import { describe, expect, it } from "vitest";
import { classifyText } from "../../src/bot/edge/text-commands.js";
import { AccountActivity } from "../../src/features/audit/account-activity.js";
import type { AuditEvent } from "../../src/ports/stores.js";

function auditOf(events: AuditEvent[]) {
  return {
    asked: [] as string[],
    async listForSubject(subject: string, limit?: number) {
      this.asked.push(subject);
      const own = events.filter((e) => e.subject === subject);
      return limit === undefined ? own : own.slice(-limit);
    },
  };
}

const at = (iso: string) => new Date(iso);
const me = "alexw@example.com";

describe("account activity (vad har hänt på mitt konto?)", () => {
  const events: AuditEvent[] = [
    {
      at: at("2025-03-29T08:00:00Z"),
      subject: me,
      actor: "system",
      action: "reminder.sent",
      outcome: "ok",
      detail: { campaign: "vpn-2025", round: "0.0", attempts: 1 },
    },
    { at: at("2025-03-30T00:30:00Z"), subject: me, actor: me, action: "enroll.started", outcome: "ok" },
    { at: at("2025-03-30T00:40:00Z"), subject: me, actor: me, action: "enroll.sms.sent", outcome: "ok" },
    {
      at: at("2025-03-30T00:45:00Z"),
      subject: me,
      actor: me,
      action: "enroll.token.activated",
      outcome: "ok",
      detail: { deviceName: "Alex iPhone" },
    },
    {
      at: at("2025-03-30T07:00:00Z"),
      subject: me,
      actor: "radius:ns1",
      action: "login.validate",
      outcome: "refused",
      detail: { reason: "replay" },
    },
    { at: at("2025-03-30T07:01:00Z"), subject: me, actor: "radius:ns1", action: "login.validate", outcome: "ok", detail: { reason: "ok" } },
    { at: at("2025-03-30T08:00:00Z"), subject: me, actor: "helper@example.com", action: "helpdesk.revokeToken", outcome: "ok" },
    {
      at: at("2025-03-30T09:00:00Z"),
      subject: me,
      actor: "radius:ns1",
      action: "login.validate",
      outcome: "refused",
      detail: { reason: "somethingNew" },
    },
    { at: at("2025-03-30T09:00:00Z"), subject: "someone@else", actor: "radius:ns1", action: "login.validate", outcome: "ok" },
  ];

  it("says the caller's own events, newest first, in plain Swedish and Swedish local time (summer time from 30 March)", async () => {
    const audit = auditOf(events);
    const lines = await new AccountActivity(audit).describe("AlexW@Example.com", "sv");
    expect(audit.asked).toEqual([me]);
    expect(lines).toEqual([
      "30 mars 2025 11:00: Inloggning nekad: okänt skäl",
      "30 mars 2025 10:00: IT-supporten (helper@example.com): tog bort din registrerade Microsoft Authenticator",
      "30 mars 2025 09:01: Inloggning godkänd",
      "30 mars 2025 09:00: Inloggning nekad: koden var redan använd",
      "30 mars 2025 01:45: Microsoft Authenticator registrerades (Alex iPhone)",
      "30 mars 2025 01:30: Du började registrera Microsoft Authenticator",
      "29 mars 2025 09:00: Du fick en påminnelse i Teams om att registrera Microsoft Authenticator",
    ]);
  });

  it("in English too, and at most ten", async () => {
    const many = Array.from(
      { length: 15 },
      (_, i): AuditEvent => ({
        at: at(`2025-01-0${1 + (i % 9)}T12:00:00Z`),
        subject: me,
        actor: "radius:ns1",
        action: "login.validate",
        outcome: "refused",
        detail: { reason: "wrongCode" },
      }),
    );
    const lines = await new AccountActivity(auditOf(many)).describe(me, "en");
    expect(lines).toHaveLength(10);
    expect(lines[0]).toMatch(/^\d+ Jan 2025 13:00: Login refused: wrong code$/);
    expect(await new AccountActivity(auditOf([])).describe(me, "en")).toEqual([]);
  });

  it("recognises the question in both languages", () => {
    expect(classifyText("Vad har hänt på mitt konto?").command).toBe("activity");
    expect(classifyText("my account activity").command).toBe("activity");
    expect(classifyText("hjälp").command).toBe("help");
  });
});
