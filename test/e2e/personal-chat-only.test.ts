/**
 * The QR code and the key appear only in a card's invoke response in the user's own 1:1
 * chat: never in a new chat message (a resumed enrollment), never in a channel.
 */
import { describe, expect, it } from "vitest";
import { cardText, currentTotp, flowIdOf, OutboxWatch, verbsOf } from "../support/cards.js";
import { confirmCode, greet, passDevice, passIdentity, passSms, press, startFlow } from "../support/enrollment-steps.js";
import { localBotSuite } from "../support/local-bot-suite.js";
import { sqliteConversationRefs } from "../support/sqlite-peek.js";
import { people, TeamsUser, LOCAL_HELPDESK_CHANNEL_ID } from "../support/teams-user.js";

const local = localBotSuite();

describe("QR and key only in the personal chat's cards", () => {
  it("a greeting at the QR step resumes with a button, and the QR comes back only in the card", async () => {
    const isaiah = new TeamsUser(people.isaiahl, local.connector, local.bot.url);
    const outbox = new OutboxWatch([local.dataDir]);
    const sms = await passIdentity(isaiah, await startFlow(isaiah, await greet(isaiah)), outbox);
    const qr = await passDevice(isaiah, await passSms(isaiah, sms.card, sms.code));

    const hello = await isaiah.say("hej");
    expect(hello.cards).toHaveLength(1);
    const resume = hello.cards[0]!;
    const posted = JSON.stringify(resume);
    expect(posted).not.toContain("data:image");
    expect(posted).not.toContain(qr.secret.slice(0, 4));
    expect(verbsOf(resume)).toEqual(["enroll.showQr", "enroll.cancel"]);
    expect(flowIdOf(resume)).toBe(flowIdOf(qr.card));

    const shown = await press(isaiah, resume, "enroll.showQr");
    expect(JSON.stringify(shown)).toContain("data:image/png;base64,");
    const stale = await isaiah.press("enroll.showQr", { flowId: "another-flow" });
    expect(cardText(stale.card)).toContain("gammal eller annan registrering");
    expect(JSON.stringify(stale.card)).toContain("data:image/png"); // the user's own current card, in place
    const done = await confirmCode(isaiah, shown, qr.secret);
    expect(cardText(done.card)).toContain("Klart!");
    expect(currentTotp(qr.secret)).toMatch(/^\d{6}$/);
  });

  it("answers in a channel only that it works in a 1:1 chat, and stores nothing", async () => {
    const megan = new TeamsUser(people.meganb, local.connector, local.bot.url);
    const channel = { id: `${LOCAL_HELPDESK_CHANNEL_ID};messageid=1`, conversationType: "channel", isGroup: true };
    const said = await megan.post(megan.activity({ type: "message", text: "hej", conversation: channel }));
    expect(said.status).toBe(200);
    const replies = local.connector.takeReplies(channel.id);
    expect(replies.map((r) => r.activity.text)).toEqual(["Skriv till mig i en egen chatt (1:1) – här visar jag ingenting om ditt konto."]);
    const pressed = await megan.pressInChannel(LOCAL_HELPDESK_CHANNEL_ID, "1", "enroll.start", {});
    expect(cardText(pressed.card)).toContain("Skriv till mig i en egen chatt");
    expect(sqliteConversationRefs(local.dataDir).filter((r) => r.reference.includes(channel.id))).toEqual([]);
  });
});
