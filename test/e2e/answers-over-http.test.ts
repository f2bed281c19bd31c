/**
 * Answers in the chat end to end over real HTTP, against the bot as a process in local
 * mode: typed questions in Swedish and English get the knowledge-base article (or "no good
 * answer, ask the helpdesk"), "hjälp" lists topics, "Did this help?" is stored, and a step
 * card where the user is stuck offers the matching article and "contact the helpdesk".
 */
import { describe, expect, it } from "vitest";
import { actionData, cardText, cardTitle, executeActions, flowIdOf, inputIds, verbsOf, type Card } from "../support/cards.js";
import { cardOfReply } from "../support/connector-stand-in.js";
import { expectCardResponse, greet, press, startFlow } from "../support/enrollment-steps.js";
import { localBotSuite } from "../support/local-bot-suite.js";
import { sqliteArticleFeedback, sqliteTickets } from "../support/sqlite-peek.js";
import { LOCAL_HELPDESK_CHANNEL_ID, people, TeamsUser, type DemoPerson } from "../support/teams-user.js";

const local = localBotSuite();

const MALFORMED_SV = "Det du skickade gick inte att läsa. Försök igen.";
const userOf = (person: DemoPerson, locale = "sv-SE") => new TeamsUser(person, local.connector, local.bot.url, locale);

/** A typed message answered with exactly one card. */
async function ask(user: TeamsUser, text: string): Promise<Card> {
  const result = await user.say(text);
  expect(result.status).toBe(200);
  expect(result.cards).toHaveLength(1);
  return result.cards[0]!;
}

/** The data of the card's "Did this help?" buttons. */
const feedbackButtons = (card: Card) =>
  executeActions(card)
    .filter((a) => a.verb === "help.feedback")
    .map((a) => a.data);

/** The TextBlocks of the card, one per line: for "this exact line is on the card". */
const lines = (card: Card): string[] => cardText(card).split("\n");

describe("answers in the chat over HTTP (the bot process)", () => {
  it("answers a Swedish question with the right article; 'yes' thanks without the buttons and is stored", async () => {
    const alex = userOf(people.alexw);
    const answer = await ask(alex, "jag får inget sms");
    expect(cardTitle(answer)).toBe("Jag får inget sms med koden");
    expect(lines(answer)).toContain("Hjälpte det här?");
    expect(feedbackButtons(answer)).toEqual([
      { articleId: "no-sms", helpful: true, question: "jag får inget sms" },
      { articleId: "no-sms", helpful: false, question: "jag får inget sms" },
    ]);
    expect(verbsOf(answer)).toContain("help.escalate");

    const before = sqliteArticleFeedback(local.dataDir).length;
    const thanks = await press(alex, answer, "help.feedback"); // the first button: "Ja"
    expect(cardTitle(thanks)).toBe("Jag får inget sms med koden");
    expect(lines(thanks)).toContain("Tack för svaret!");
    expect(lines(thanks)).not.toContain("Hjälpte det här?");
    expect(verbsOf(thanks)).not.toContain("help.feedback");
    expect(sqliteArticleFeedback(local.dataDir).slice(before)).toEqual([
      { article_id: "no-sms", locale: "sv", helpful: 1, subject: "alexw@example.com" },
    ]);
  });

  it("answers an English question in English; 'no' is stored too", async () => {
    const isaiah = userOf(people.isaiahl, "en-US");
    const answer = await ask(isaiah, "the qr code won't scan");
    expect(cardTitle(answer)).toBe("The QR code will not scan");
    expect(lines(answer)).toContain("Did this help?");
    expect(feedbackButtons(answer).map(({ articleId, helpful }) => ({ articleId, helpful }))).toEqual([
      { articleId: "qr-scan", helpful: true },
      { articleId: "qr-scan", helpful: false },
    ]);

    const before = sqliteArticleFeedback(local.dataDir).length;
    const result = await isaiah.press("help.feedback", feedbackButtons(answer)[1]!);
    expectCardResponse(result);
    expect(lines(result.card)).toContain("Thank you. Would you like the IT helpdesk to contact you? Tap the button below.");
    expect(verbsOf(result.card)).toEqual(["help.escalate"]);
    expect(sqliteArticleFeedback(local.dataDir).slice(before)).toEqual([
      { article_id: "qr-scan", locale: "en", helpful: 0, subject: "isaiah@example.com" },
    ]);
    // Counted per article for the administrators.
    const metrics = await (await fetch(`${local.bot.url}/metrics`)).text();
    expect(metrics).toMatch(/^otp_article_feedback\{article="qr-scan",helpful="no"\} [1-9]\d*$/m);
  });

  it("does not guess at an out-of-scope question: the no-answer card offers the helpdesk", async () => {
    const lynne = userOf(people.lynner);
    const question = "vad blir det för lunch idag?";
    const none = await ask(lynne, question);
    expect(lines(none)).toContain(
      "Det har jag tyvärr inget bra svar på. Jag kan skicka din fråga till IT-supporten, så hör de av sig här i chatten.",
    );
    expect(lines(none)).toContain(`Din fråga: ${question}`);
    expect(verbsOf(none)).toEqual(["help.escalate"]);
    expect(actionData(none, "help.escalate")).toEqual({ question, from: "answer" });
  });

  it("lists the topics for 'hjälp' and 'help' as buttons; a topic shows its article", async () => {
    const lynne = userOf(people.lynner);
    const topics = await ask(lynne, "hjälp");
    expect(cardTitle(topics)).toBe("Vad behöver du hjälp med?");
    const shown = executeActions(topics)
      .filter((a) => a.verb === "help.show")
      .map((a) => a.data.articleId);
    expect(shown).toEqual([
      "install-app",
      "no-sms",
      "qr-scan",
      "code-rejected",
      "new-phone",
      "lost-phone",
      "citrix-login",
      "no-smartphone",
    ]);
    expect(verbsOf(topics)).toEqual([...shown.map(() => "help.show"), "enroll.start", "help.escalate"]);

    const result = await lynne.press("help.show", { articleId: "lost-phone" });
    expectCardResponse(result);
    expect(cardTitle(result.card)).toBe("Jag har tappat bort telefonen, den är stulen eller trasig");
    expect(feedbackButtons(result.card).map((d) => d.articleId)).toEqual(["lost-phone", "lost-phone"]);

    const english = await ask(userOf(people.isaiahl, "en-US"), "help");
    expect(cardTitle(english)).toBe("What do you need help with?");
    expect(
      executeActions(english)
        .filter((a) => a.verb === "help.show")
        .map((a) => a.data.articleId),
    ).toEqual(shown);

    const gone = await lynne.press("help.show", { articleId: "no-such-article" });
    expect(lines(gone.card)).toContain("Den artikeln finns inte längre. Skriv din fråga med egna ord.");
  });

  it("offers the wrong-password article and the helpdesk after two wrong passwords; escalating keeps the step card and posts a ticket", async () => {
    const alex = userOf(people.alexw);
    const identity = await startFlow(alex, await greet(alex));
    const flowId = flowIdOf(identity);

    const once = await press(alex, identity, "enroll.identity", { username: "alexw", password: "Fel-lösen-1" });
    expect(lines(once)).toContain("Fel användarnamn eller lösenord. Du har 4 försök kvar.");
    expect(verbsOf(once)).not.toContain("help.escalate"); // one slip is not "stuck"

    const twice = await press(alex, identity, "enroll.identity", { username: "alexw", password: "Fel-lösen-2" });
    expect(lines(twice)).toContain("Fel användarnamn eller lösenord. Du har 3 försök kvar.");
    expect(JSON.stringify(twice)).toContain('"title":"Visa hjälp"'); // the article, collapsed behind the toggle
    expect(lines(twice)).toContain("Fel användarnamn eller lösenord"); // the article's title
    expect(cardText(twice)).toContain("Caps Lock");
    expect(actionData(twice, "help.escalate")).toEqual({ flowId, articleId: "wrong-password", from: "step" });
    expect(JSON.stringify(twice)).not.toContain("Fel-lösen");

    const escalated = await alex.press("help.escalate", actionData(twice, "help.escalate"));
    expectCardResponse(escalated);
    expect(cardTitle(escalated.card)).toBe("Steg 1 av 4: Bekräfta att det är du");
    expect(flowIdOf(escalated.card)).toBe(flowId);
    expect(inputIds(escalated.card)).toEqual(["username", "password"]);
    const body = escalated.card.body as { text?: string }[];
    expect(body[1]?.text).toBe("Ditt ärende är skickat till IT-supporten. De hör av sig här i chatten."); // on top, under the title

    // The ticket card in the helpdesk channel (a new post) says where Alex is stuck.
    const posted = await local.connector.nextReply(LOCAL_HELPDESK_CHANNEL_ID);
    expect(posted.replyToId).toBeUndefined();
    const ticket = cardOfReply(posted);
    expect(cardTitle(ticket)).toBe("Supportärende: Alex Wilber");
    const facts = JSON.stringify(ticket);
    for (const shown of [
      "1 av 4: lösenord",
      "Fel användarnamn eller lösenord. Du har … försök kvar.",
      "(ingen fråga skriven)",
      "Öppet – ingen har tagit det ännu",
    ]) {
      expect(facts).toContain(shown);
    }
    expect(facts).not.toMatch(/Fel-lösen|1740605/);
    expect(sqliteTickets(local.dataDir, "alexw@example.com").map((t) => t.status)).toEqual(["open"]);

    // The step card still works: the right password goes on to the SMS step.
    const sms = await press(alex, escalated.card, "enroll.identity", { username: "alexw", password: "Passw0rd!" });
    expect(inputIds(sms)).toEqual(["smsCode"]);
  });

  it("refuses malformed 'Did this help?' data with a clear message and stores nothing", async () => {
    const adele = userOf(people.adelev);
    const before = sqliteArticleFeedback(local.dataDir).length;
    for (const data of [
      { articleId: "no-sms", helpful: "yes" },
      { articleId: "x".repeat(5000), helpful: true },
      { articleId: "no-sms" },
      { articleId: 42, helpful: true },
      { articleId: "no-sms", helpful: true, question: "q".repeat(5000) },
    ]) {
      const result = await adele.press("help.feedback", data);
      expectCardResponse(result);
      expect(lines(result.card)).toContain(MALFORMED_SV);
      expect(verbsOf(result.card)).not.toContain("help.feedback");
    }
    expect(sqliteArticleFeedback(local.dataDir)).toHaveLength(before);
    const health = await fetch(`${local.bot.url}/healthz`);
    expect(health.status).toBe(200);
  });
});
