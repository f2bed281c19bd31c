/**
 * One employee cannot flood the helpdesk channel (security review, issue 9 item 3), end to
 * end over HTTP: the bot as a process in local mode, against a stand-in Bot Connector that
 * enforces Teams' per-conversation limits (7/1 s, 8/2 s, 60/30 s, 1800/3600 s) and answers
 * 429 beyond them. Thirty concurrent "contact the helpdesk" presses from one employee are
 * limited per user before any work, the card writes they cause are coalesced and paced, and
 * the next employee's ticket is posted as usual. Counts are asserted, never durations.
 */
import { describe, expect, it } from "vitest";
import { cardText, type Card } from "../support/cards.js";
import { cardOfReply } from "../support/connector-stand-in.js";
import { expectCardResponse } from "../support/enrollment-steps.js";
import { localBotSuite } from "../support/local-bot-suite.js";
import { TEAMS_PER_CONVERSATION } from "../support/rate-limited-connector.js";
import { sqliteArticleFeedback, sqliteAudit } from "../support/sqlite-peek.js";
import { LOCAL_HELPDESK_CHANNEL_ID as CHANNEL, people, TeamsUser } from "../support/teams-user.js";

const local = localBotSuite({ connector: { perConversationLimits: TEAMS_PER_CONVERSATION } });

const SENT = "Ditt ärende är skickat till IT-supporten. De hör av sig här i chatten.";
const ADDED = "Vi har lagt till det i ditt ärende hos IT-supporten.";
const UNREACHABLE = "Vi kunde inte nå IT-supporten just nu. Försök igen om en stund eller ring IT-supporten.";
const LIMITED =
  "Du har redan skickat flera frågor till IT-supporten på kort tid. De har fått dem och hör av sig. Vänta 10 minuter innan du skickar fler.";

/** Accepted writes to the helpdesk channel: new posts and updates in place. */
const channelWrites = (): string[] =>
  local.connector.requests.filter(
    (r) => r.startsWith(`POST /v3/conversations/${CHANNEL}/activities`) || r.startsWith(`PUT /v3/conversations/${CHANNEL}/activities/`),
  );
const channelThrottled = (): string[] => local.connector.throttled.filter((r) => r.includes(`/conversations/${CHANNEL}/`));

describe("flooding the helpdesk channel over HTTP (the bot process, Teams' limits enforced)", () => {
  it("30 concurrent escalations from one employee: 5 admitted, the rest refused politely; channel writes within the limits; the next employee's ticket is posted", async () => {
    const alex = new TeamsUser(people.alexw, local.connector, local.bot.url);
    const lynne = new TeamsUser(people.lynner, local.connector, local.bot.url);

    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => alex.press("help.escalate", { question: `Hjälp nummer ${i}` })));
    for (const result of results) expectCardResponse(result);
    const answers = results.map((r) => cardText(r.card));
    expect(answers.filter((a) => a === LIMITED)).toHaveLength(25);
    expect(answers.filter((a) => a === SENT)).toHaveLength(1);
    expect(answers.filter((a) => a === ADDED)).toHaveLength(4);
    expect(answers).not.toContain(UNREACHABLE);

    // Within Teams' limits: nothing was answered 429, and at most one write per admitted escalation.
    expect(channelThrottled()).toEqual([]);
    expect(channelWrites().filter((r) => r.startsWith("POST"))).toHaveLength(1);
    expect(channelWrites().length).toBeLessThanOrEqual(5);
    const alexCards = local.connector.takeReplies(CHANNEL).map(cardOfReply);
    const latest = JSON.stringify(alexCards.at(-1));
    expect(latest.match(/Hjälp nummer \d+/g)).toHaveLength(5);

    // Refused presses are audited as such; the admitted ones as escalations.
    const audits = sqliteAudit(local.dataDir, "alexw@example.com", "helpdesk.escalate").map((e) => e.outcome);
    expect(audits.filter((o) => o === "refused")).toHaveLength(25);
    expect(audits.filter((o) => o === "ok")).toHaveLength(5);

    // Right after, another employee asks: her ticket is posted, and she is not told the helpdesk is unreachable.
    const before = channelWrites().length;
    const hers = await lynne.press("help.escalate", { question: "Min app visar inga koder" });
    expectCardResponse(hers);
    expect(cardText(hers.card)).toBe(SENT);
    const posted = local.connector.takeReplies(CHANNEL);
    expect(posted).toHaveLength(1);
    expect(posted[0]!.replyToId).toBeUndefined();
    const card: Card = cardOfReply(posted[0]!);
    expect(JSON.stringify(card)).toContain("Supportärende: Lynne Robbins");
    expect(JSON.stringify(card)).toContain("Min app visar inga koder");
    expect(channelWrites().length - before).toBe(1);
    expect(channelThrottled()).toEqual([]);
  });

  it("30 concurrent 'Did this help?' answers from one employee store one", async () => {
    const isaiah = new TeamsUser(people.isaiahl, local.connector, local.bot.url);
    const before = sqliteArticleFeedback(local.dataDir).length;
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        isaiah.press("help.feedback", { articleId: "no-sms", helpful: i % 2 === 0, question: "inget sms" }),
      ),
    );
    for (const result of results) expectCardResponse(result);
    expect(sqliteArticleFeedback(local.dataDir).slice(before)).toHaveLength(1);
    expect(results.filter((r) => cardText(r.card).includes("Du har redan svarat på den här artikeln. Tack!"))).toHaveLength(29);
  });
});
