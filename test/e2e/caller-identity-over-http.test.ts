/**
 * Who the caller is, over HTTP: the bot takes the caller from the Teams roster answer for
 * `from.id` alone (state key and UPN from the same member record) and refuses a turn whose
 * `from.aadObjectId` names somebody else. In local mode nothing signs those fields, so a
 * forged activity here is exactly what an attacker could post.
 */
import { describe, expect, it } from "vitest";
import { cardText, cardTitle, currentTotp, flowIdOf, OutboxWatch, verbsOf } from "../support/cards.js";
import { confirmCode, greet, passDevice, passIdentity, passSms, press, startFlow } from "../support/enrollment-steps.js";
import { localBotSuite } from "../support/local-bot-suite.js";
import { sqliteAudit, sqliteConversationRefs, sqliteTokens } from "../support/sqlite-peek.js";
import { people, TeamsUser } from "../support/teams-user.js";

const local = localBotSuite();

const MISMATCH_SV = "Teams uppgav två olika identiteter för dig";

describe("the caller's identity over HTTP", () => {
  it("shows adelev (from.id) with isaiahl's aadObjectId nothing of Isaiah's enrollment and activates nothing", async () => {
    const isaiah = new TeamsUser(people.isaiahl, local.connector, local.bot.url);
    const outbox = new OutboxWatch([local.dataDir]);
    const sms = await passIdentity(isaiah, await startFlow(isaiah, await greet(isaiah)), outbox);
    const qr = await passDevice(isaiah, await passSms(isaiah, sms.card, sms.code));
    const flowId = flowIdOf(qr.card);

    // Adele's own chat and roster entry, but the activity claims Isaiah's Entra object id.
    const forger = new TeamsUser(people.adelev, local.connector, local.bot.url);
    forger.claimedAadObjectId = people.isaiahl.aadObjectId;

    const hello = await forger.say("hej");
    expect(hello.status).toBe(200);
    expect(hello.cards).toEqual([]); // no resume card of Isaiah's flow
    expect(hello.texts.join("\n")).toContain(MISMATCH_SV);

    const shown = await forger.press("enroll.showQr", { flowId });
    const confirmed = await forger.press("enroll.confirm", { flowId, totpCode: currentTotp(qr.secret) });
    for (const answer of [shown, confirmed]) {
      expect(answer.status).toBe(200);
      expect(cardText(answer.card)).toContain(MISMATCH_SV);
      expect(cardTitle(answer.card)).not.toBe("Klart! Engångslösenordet är aktiverat");
      const json = JSON.stringify(answer.card);
      for (const leak of ["data:image/png", qr.secret, flowId]) expect(json).not.toContain(leak);
      expect(verbsOf(answer.card)).toEqual([]);
    }
    for (const reply of hello.replies) expect(JSON.stringify(reply.activity)).not.toContain(flowId);
    expect(sqliteTokens(local.dataDir, "isaiahl")).toEqual([]);
    expect(outbox.take()).toEqual([]);
    // The forged turns were audited as Adele's (the roster's answer), and stored no chat of hers under Isaiah's key.
    expect(sqliteAudit(local.dataDir, people.adelev.upn, "teams.identityMismatch").map((e) => e.outcome)).toEqual([
      "refused",
      "refused",
      "refused",
    ]);
    const isaiahRefs = sqliteConversationRefs(local.dataDir).filter((r) => r.user_key === people.isaiahl.aadObjectId);
    expect(isaiahRefs.map((r) => (JSON.parse(r.reference) as { conversation: { id: string } }).conversation.id)).toEqual([
      isaiah.conversationId,
    ]);

    // Isaiah's own flow is untouched: his QR card still activates his token.
    await confirmCode(isaiah, qr.card, qr.secret);
    expect(sqliteTokens(local.dataDir, "isaiahl")).toEqual([{ status: "active", device_name: "Jobbmobil" }]);
  });

  it("keys the enrollment by the roster's member record, whether or not the activity carries an aadObjectId", async () => {
    const lynne = new TeamsUser(people.lynner, local.connector, local.bot.url);
    const identity = await startFlow(lynne, await greet(lynne));
    const flowId = flowIdOf(identity);

    lynne.claimedAadObjectId = undefined; // e.g. a client that leaves it out: the roster still says who this is
    const resumed = await greet(lynne);
    expect(flowIdOf(resumed)).toBe(flowId);
    const next = await press(lynne, resumed, "enroll.cancel");
    expect(verbsOf(next)).toContain("enroll.start");
  });
  it("asks the roster once for a conversation's turns, and still refuses a forged aadObjectId on a remembered turn", async () => {
    const patti = new TeamsUser(people.pattif, local.connector, local.bot.url);
    const lookUp = `GET /v3/conversations/${patti.conversationId}/members/${patti.member.id}`;
    const asked = () => local.connector.requests.filter((r) => r === lookUp).length;
    expect((await patti.say("hej")).cards).toHaveLength(1);
    // The welcome card is still the newest card: the second greeting points to it instead of posting another.
    const again = await patti.say("hej");
    expect(again.cards.length + again.texts.length).toBeGreaterThan(0);
    expect(asked()).toBe(1);

    patti.claimedAadObjectId = people.lynner.aadObjectId;
    const forged = await patti.say("hej");
    expect(forged.cards).toEqual([]);
    expect(forged.texts.join("\n")).toContain(MISMATCH_SV);
    expect(asked()).toBe(1);
    expect(sqliteAudit(local.dataDir, people.pattif.upn, "teams.identityMismatch").map((e) => e.outcome)).toEqual(["refused"]);
  });
});
