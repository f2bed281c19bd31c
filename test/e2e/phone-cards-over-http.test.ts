/**
 * Issue 13 over HTTP, the edge's part: the language follows the person's words, an old QR card
 * is replaced (updateActivity, a PUT to the Bot Connector stand-in) when the flow moves on from
 * another card or is cancelled, "avbryt" with nothing to cancel says so, and a greeting under
 * the welcome card does not post a second one. Card presses carry the message id in replyToId,
 * as Teams sends them.
 */
import { describe, expect, it } from "vitest";
import { en } from "../../src/i18n/en.js";
import { sv } from "../../src/i18n/sv.js";
import { cardText, cardTitle, OutboxWatch, verbsOf, type Card } from "../support/cards.js";
import type { CapturedReply } from "../support/connector-stand-in.js";
import { greet, passDevice, passIdentity, passSms, press, startFlow } from "../support/enrollment-steps.js";
import { localBotSuite } from "../support/local-bot-suite.js";
import { people, TeamsUser } from "../support/teams-user.js";

const local = localBotSuite();

/** The one card a message turn posted, and the id of the message that carries it. */
async function cardMessage(user: TeamsUser, text: string): Promise<{ card: Card; id: string; updates: CapturedReply[] }> {
  const said = await user.say(text);
  const posted = said.replies.filter((r) => r.method === "POST");
  expect(posted).toHaveLength(1);
  const card = posted[0]!.activity.attachments?.[0]?.content as Card;
  return { card, id: posted[0]!.id, updates: said.replies.filter((r) => r.method === "PUT") };
}

describe("cards on a phone, over HTTP", () => {
  it("answers 'hej' in Swedish on an English Teams client, keeps it for the next card, and 'hi' switches back", async () => {
    const lynne = new TeamsUser(people.lynner, local.connector, local.bot.url, "en-US");
    const welcome = await greet(lynne, "hej");
    expect(cardTitle(welcome)).toBe(sv["welcome.title"]);
    expect(cardTitle(await startFlow(lynne, welcome))).toBe(sv["identity.title"]); // the invoke says en-US too
    const english = await greet(lynne, "hi");
    expect(cardTitle(english)).toBe(en["identity.title"]); // the flow in progress, now in English
    // The welcome card's language button.
    const adele = new TeamsUser(people.adelev, local.connector, local.bot.url, "sv-SE");
    const card = await greet(adele, "hej");
    expect(verbsOf(card)).toEqual(["enroll.start", "language.switch"]);
    const switched = await press(adele, card, "language.switch");
    expect(cardTitle(switched)).toBe(en["welcome.title"]);
    expect(cardText(switched)).toContain(en["info.languageChanged"]);
    expect(cardTitle(await startFlow(adele, switched))).toBe(en["identity.title"]);
  });

  it("replaces the old QR card when the QR is shown from a resume card, and that one when the flow is cancelled by typing", async () => {
    const isaiah = new TeamsUser(people.isaiahl, local.connector, local.bot.url);
    const outbox = new OutboxWatch([local.dataDir]);
    const hello = await cardMessage(isaiah, "hej");
    isaiah.pressingOn = hello.id; // every step replaces the welcome card in this message
    const sms = await passIdentity(isaiah, await startFlow(isaiah, hello.card), outbox);
    const qr = await passDevice(isaiah, await passSms(isaiah, sms.card, sms.code));

    // Back later: "hej" resumes with a new message; the QR card above becomes the short "removed" card.
    const resume = await cardMessage(isaiah, "hej");
    expect(verbsOf(resume.card)).toEqual(["enroll.showQr", "enroll.cancel"]);
    expect(resume.updates.map((u) => u.replyToId)).toEqual([hello.id]);
    const replaced = JSON.stringify(resume.updates[0]!.activity);
    expect(replaced).toContain(sv["qr.expiredTitle"]);
    expect(replaced).not.toContain("data:image");
    expect(replaced).not.toContain(qr.secret.slice(0, 4));

    // The QR shown again in the resume card's message; "avbryt" cancels and replaces that one too.
    isaiah.pressingOn = resume.id;
    const shown = await press(isaiah, resume.card, "enroll.showQr");
    expect(JSON.stringify(shown)).toContain("data:image/png;base64,");
    const cancelled = await cardMessage(isaiah, "avbryt");
    expect(cardTitle(cancelled.card)).toBe(sv["cancelled.title"]);
    expect(cancelled.updates.map((u) => u.replyToId)).toEqual([resume.id]);
    expect(JSON.stringify(cancelled.updates[0]!.activity)).not.toContain("data:image");

    // Nothing left to cancel: said in words, no card, nothing replaced.
    const again = await isaiah.say("avbryt");
    expect(again.cards).toEqual([]);
    expect(again.texts).toEqual([sv["info.nothingToCancel"]]);
  });

  it("does not post a second welcome card under the first", async () => {
    const megan = new TeamsUser(people.meganb, local.connector, local.bot.url);
    await greet(megan, "hej");
    const second = await megan.say("hej");
    expect(second.cards).toEqual([]);
    expect(second.texts).toEqual([sv["welcome.above"]]);
  });
});
