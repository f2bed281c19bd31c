/**
 * One employee cannot flood the helpdesk channel or the feedback counts: escalations
 * ("contact the helpdesk") and "Did this help?" answers are limited per user, counted in
 * the shared rate table before any work (insert, then count), so a burst of concurrent
 * presses cannot outrun the limit. A refused press is told politely and changes nothing:
 * no ticket change, no channel post or update, no feedback row.
 */
import { describe, expect, it } from "vitest";
import { HelpActions } from "../../src/features/help/help-route.js";
import { findAssetDir } from "../../src/config/asset-dir.js";
import { KnowledgeBase, loadKnowledgeArticles } from "../../src/features/help/knowledge/index.js";
import type { ArticleFeedback } from "../../src/ports/tickets.js";
import type { Caller } from "../../src/ports/caller.js";
import type { CardJson } from "../../src/features/shared/card-renderer.js";
import { executeActions, cardText } from "../support/cards.js";
import { alex, helpdeskHarnessPerTest } from "./helpdesk-harness.js";
import { FakeClock, MemoryStores } from "./fakes.js";

describe("HelpdeskService: escalations are limited per user", () => {
  const h = helpdeskHarnessPerTest();

  it("admits 5 of 30 concurrent escalations from one user; the rest are refused politely and change nothing", async () => {
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => h.service.escalate(alex, `fråga ${i}`)));
    const admitted = results.filter((r) => r.outcome !== "refused");
    const refused = results.filter((r) => r.outcome === "refused");
    expect(admitted).toHaveLength(5);
    expect(refused).toHaveLength(25);
    for (const r of refused)
      expect(r.notice).toEqual({ key: "helpdesk.employee.escalationLimited", params: { minutes: 10 }, kind: "refusal" });
    const ticket = (await h.tickets.get("ticket-1"))!.value;
    expect(ticket.questions).toHaveLength(5);
    expect(h.tickets.rows.size).toBe(1);
    // One card, and at most one write per admitted escalation (coalesced: usually a post and one update).
    expect(h.notifier.posted).toHaveLength(1);
    expect(h.notifier.posted.length + h.notifier.updates.length).toBeLessThanOrEqual(5);
    const audits = h.stores.audit.filter((e) => e.action === "helpdesk.escalate");
    expect(audits.filter((e) => e.outcome === "refused")).toHaveLength(25);
    expect(audits.find((e) => e.outcome === "refused")?.detail).toMatchObject({ reason: "rateLimited" });
  });

  it("a refused escalation neither posts nor updates the card; the window frees after 10 minutes", async () => {
    for (let i = 0; i < 5; i++) expect((await h.service.escalate(alex, `fråga ${i}`)).outcome).not.toBe("refused");
    const writes = h.notifier.posted.length + h.notifier.updates.length;
    h.clock.advance(60);
    const refused = await h.service.escalate(alex, "en till");
    expect(refused.outcome).toBe("refused");
    // Whole minutes, rounded up: the five admitted a minute ago leave the window in 9–10 minutes.
    expect(refused.notice.params?.minutes).toBeGreaterThanOrEqual(9);
    expect(refused.notice.params?.minutes).toBeLessThanOrEqual(10);
    expect(h.notifier.posted.length + h.notifier.updates.length).toBe(writes);
    expect((await h.tickets.get("ticket-1"))!.value.questions.map((q) => q.text)).not.toContain("en till");
    h.clock.advance(10 * 60);
    expect((await h.service.escalate(alex, "senare")).outcome).toBe("updated");
  });

  it("other employees are not affected by one employee's limit", async () => {
    await Promise.all(Array.from({ length: 30 }, () => h.service.escalate(alex, "flod")));
    const isaiah = { userKey: "aad-isaiah", upn: "isaiah@example.com", locale: "sv" as const };
    const result = await h.service.escalate(isaiah, "Jag behöver hjälp");
    expect(result).toMatchObject({ outcome: "created", notice: { key: "helpdesk.employee.escalated" } });
  });
});

/** A "Did this help?" answer: the card, or null when it is refused as malformed. */
async function feedback(help: HelpActions, caller: Caller, data: Record<string, unknown>): Promise<CardJson | null> {
  const reply = await help.respond("help.feedback", data, caller);
  return "card" in reply ? reply.card : null;
}

describe("HelpActions: 'Did this help?' is limited to one answer per article per user a day", () => {
  const knowledge = new KnowledgeBase(loadKnowledgeArticles(findAssetDir("knowledge", "sv")));

  function setup() {
    const recorded: ArticleFeedback[] = [];
    const clock = new FakeClock();
    const rates = new MemoryStores();
    const help = new HelpActions(knowledge, { record: async (f) => void recorded.push(f), countsByArticle: async () => [] }, clock, rates);
    return { recorded, clock, help };
  }

  it.each(["sv", "en"] as const)(
    "stores one of 30 concurrent answers; the others are thanked without buttons, storing nothing (%s)",
    async (locale) => {
      const { recorded, help } = setup();
      const caller = { ...alex, locale };
      const cards = await Promise.all(
        Array.from({ length: 30 }, (_, i) => feedback(help, caller, { articleId: "no-sms", helpful: i % 2 === 0 })),
      );
      expect(recorded).toHaveLength(1);
      const already =
        locale === "sv" ? "Du har redan svarat på den här artikeln. Tack!" : "You have already answered for this article. Thank you!";
      const refusedCards = cards.filter((c) => cardText(c!).includes(already));
      expect(refusedCards).toHaveLength(29);
      for (const card of refusedCards) expect(executeActions(card!).map((a) => a.verb)).toEqual(["help.escalate"]);
    },
  );

  it("counts per article and per user, and frees after a day", async () => {
    const { recorded, clock, help } = setup();
    await feedback(help, alex, { articleId: "no-sms", helpful: true });
    await feedback(help, alex, { articleId: "qr-scan", helpful: false });
    await feedback(help, { ...alex, userKey: "aad-isaiah", upn: "isaiah@example.com" }, { articleId: "no-sms", helpful: true });
    await feedback(help, alex, { articleId: "no-sms", helpful: false });
    expect(recorded.map((f) => [f.subject, f.articleId])).toEqual([
      ["alexw@example.com", "no-sms"],
      ["alexw@example.com", "qr-scan"],
      ["isaiah@example.com", "no-sms"],
    ]);
    clock.advance(24 * 3600 + 60); // a day after the last answer (refused ones count too)
    await feedback(help, alex, { articleId: "no-sms", helpful: false });
    expect(recorded).toHaveLength(4);
  });

  it("does not count malformed answers (they store nothing anyway)", async () => {
    const { recorded, help } = setup();
    expect(await feedback(help, alex, { articleId: "no-sms" })).toBeNull();
    await feedback(help, alex, { articleId: "no-sms", helpful: true });
    expect(recorded).toHaveLength(1);
  });
});
