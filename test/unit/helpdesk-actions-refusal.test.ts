/**
 * The Teams edge of a refused helpdesk action: whoever is not shown as a helpdesk member
 * gets a plain card with the reason, nothing about the ticket (name, questions, facts).
 */
import pino from "pino";
import { describe, expect, it } from "vitest";
import { HelpdeskActions } from "../../src/features/helpdesk/helpdesk-route.js";
import { noticeCard, type CardJson } from "../../src/features/shared/card-renderer.js";
import { alex, helpdeskHarnessPerTest, lynne, megan } from "./helpdesk-harness.js";

const noChat = { rememberConversation: async () => undefined };

describe("HelpdeskActions: refusals show nothing about the ticket", () => {
  const h = helpdeskHarnessPerTest();
  const bot = () => new HelpdeskActions({ service: h.service, helpdeskLocale: "sv", logger: pino({ level: "silent" }) });
  const caller = (upn: string) => ({ userKey: `aad-${upn}`, upn, locale: "sv" as const });
  /** The card the edge shows for a button press (a notice becomes a plain card). */
  const press = async (verb: string, ticketId: string, who: ReturnType<typeof caller>): Promise<CardJson> => {
    const reply = await bot().respond(verb, { ticketId }, who, noChat);
    if ("card" in reply) return reply.card;
    if ("notice" in reply) return noticeCard(reply.locale ?? who.locale, reply.notice);
    throw new Error("unexpected refusal reply");
  };

  it("answers someone outside the helpdesk group, or anyone while the directory is down, with the reason alone", async () => {
    await h.service.escalate(alex, "Jag har tappat min telefon");
    const refusals = [
      [
        await press("helpdesk.take", "ticket-1", caller(lynne.upn)),
        "Du är inte med i IT-supportens grupp och kan inte hantera ärenden. Ingenting har ändrats.",
      ],
      [
        await press("helpdesk.revokeToken", "ticket-1", caller("mallory@evil.example")),
        "Du är inte med i IT-supportens grupp och kan inte hantera ärenden. Ingenting har ändrats.",
      ],
    ] as const;
    h.directory.down = true;
    const down = await press("helpdesk.take", "ticket-1", caller(megan.upn));
    for (const [card, text] of [
      ...refusals,
      [down, "Katalogen (AD) svarar inte just nu. Ingenting har ändrats; försök igen om en stund."] as const,
    ]) {
      expect(card).toEqual({ type: "AdaptiveCard", version: "1.5", body: [{ type: "TextBlock", text, wrap: true, color: "Attention" }] });
      const json = JSON.stringify(card);
      for (const hidden of ["Alex", "alexw", "tappat", "ticket-1", "Akutmottagningen"]) expect(json).not.toContain(hidden);
    }
  });

  it("still shows a member the ticket card", async () => {
    await h.service.escalate(alex, "Jag har tappat min telefon");
    const card = JSON.stringify(await press("helpdesk.take", "ticket-1", caller(megan.upn)));
    expect(card).toContain("Alex Wilber");
    expect(card).toContain("Jag har tappat min telefon");
  });
});
