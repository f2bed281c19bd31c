/**
 * Bad input at the HTTP edge, against the bot as a process: bodies that are not
 * activities, activities the bot cannot place, callers Teams does not know, and codes from
 * a phone whose clock is off. A clear answer every time, and the bot keeps serving.
 */
import { randomUUID } from "node:crypto";
import { generateSync } from "otplib";
import { describe, expect, it } from "vitest";
import { cardText, cardTitle, currentTotp, flowIdOf, inputIds, OutboxWatch, qrTextOf } from "../support/cards.js";
import { greet, passDevice, passIdentity, passSms, press, startFlow } from "../support/enrollment-steps.js";
import { localBotSuite } from "../support/local-bot-suite.js";
import { sqliteAuditCount, sqliteConversationRefs, sqliteTokens } from "../support/sqlite-peek.js";
import { people, TeamsUser } from "../support/teams-user.js";

const local = localBotSuite();

async function healthy(): Promise<void> {
  const res = await fetch(`${local.bot.url}/healthz`);
  expect(res.status).toBe(200);
}

describe("bad input over HTTP", () => {
  it("answers 400 to bodies that are not activities", async () => {
    const user = new TeamsUser(people.alexw, local.connector, local.bot.url);
    for (const body of ["this is not json", "[1,2,3]", "{}", JSON.stringify({ type: 42 }), "null"]) {
      const res = await user.post(body);
      expect(res.status, body).toBeGreaterThanOrEqual(400);
      expect(res.status, body).toBeLessThan(500);
    }
    const huge = await user.post(user.activity({ type: "message", text: "x".repeat(300 * 1024) }));
    expect(huge.status).toBe(413);
    await healthy();
  });

  it("reads JSON only: uploads and forms are refused before anything is written to disk", async () => {
    const url = `${local.bot.url}/api/messages`;
    const form = new FormData();
    form.append("file", new Blob([Buffer.alloc(2 * 1024 * 1024, 1)]), "big.bin");
    const upload = await fetch(url, { method: "POST", body: form });
    expect(upload.status).toBe(415);
    const urlEncoded = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "type=message&text=hej",
    });
    expect(urlEncoded.status).toBe(415);
    const { readdirSync } = await import("node:fs");
    expect(readdirSync(local.tmpDir).filter((f) => f.startsWith("upload_"))).toEqual([]);
    await healthy();
  });

  it("answers 400 naming the field to an activity whose fields have the wrong type, changing nothing", async () => {
    const alex = new TeamsUser(people.alexw, local.connector, local.bot.url);
    const identity = await startFlow(alex, await greet(alex));
    const cancel = { action: { type: "Action.Execute", verb: "enroll.cancel", data: { flowId: flowIdOf(identity) } } };
    const wrong: [string, Record<string, unknown>][] = [
      ["locale", alex.activity({ type: "invoke", name: "adaptiveCard/action", value: cancel, locale: 42 })],
      ["locale", alex.activity({ type: "message", text: "avbryt", locale: { toLowerCase: "x" } })],
      [
        "from.aadObjectId",
        alex.activity({ type: "invoke", name: "adaptiveCard/action", value: cancel, from: { id: alex.member.id, aadObjectId: 7 } }),
      ],
      [
        "value.action.verb",
        alex.activity({
          type: "invoke",
          name: "adaptiveCard/action",
          value: { action: { type: "Action.Execute", verb: ["enroll.cancel"] } },
        }),
      ],
      ["membersAdded", alex.activity({ type: "conversationUpdate", membersAdded: "everyone" })],
    ];
    for (const [field, activity] of wrong) {
      const res = await alex.post(activity);
      expect(res.status, field).toBe(400);
      expect(res.text, field).toContain(field);
    }
    // Nothing changed: the flow is still at the identity step.
    const again = await press(alex, identity, "enroll.identity", { username: "alexw", password: "" });
    expect(inputIds(again)).toEqual(["username", "password"]);
    expect(flowIdOf(again)).toBe(flowIdOf(identity));
    await healthy();
  });

  it("drops __proto__, constructor and prototype keys from the body: none reaches the bot or what it stores", async () => {
    const lynne = new TeamsUser(people.lynner, local.connector, local.bot.url);
    const polluted = JSON.stringify(lynne.activity({ type: "message", text: "hej" })).replace(
      '"from":{',
      '"from":{"__proto__":{"aadObjectId":"someone-else","isAdmin":true},"constructor":{"prototype":{"isAdmin":true}},',
    );
    expect(polluted).toContain('"__proto__"');
    const res = await lynne.post(polluted);
    expect(res.status).toBe(200);
    const stored = sqliteConversationRefs(local.dataDir).filter((r) => r.reference.includes(people.lynner.aadObjectId));
    expect(stored).toHaveLength(1);
    expect(stored[0]!.reference).not.toMatch(/__proto__|constructor|prototype|isAdmin|someone-else/);
    expect(stored[0]!.user_key).toBe(people.lynner.aadObjectId);
  });

  it("answers only a Bot Connector on this machine in local mode", async () => {
    const user = new TeamsUser(people.alexw, local.connector, local.bot.url);
    const res = await user.post(user.activity({ type: "message", text: "hej", serviceUrl: "https://attacker.example/" }));
    expect(res.status).toBe(400);
    expect(res.text).toContain("serviceUrl must be on this machine");
  });

  it("tells a caller Teams cannot resolve that it cannot tell who they are", async () => {
    const stranger = new TeamsUser(
      { login: "nobody", upn: "nobody@example.com", name: "No Body", aadObjectId: randomUUID() },
      local.connector,
      local.bot.url,
    );
    // Not registered with the stand-in: the member look-up answers 404.
    local.connector.removeMember(stranger.member.id);
    const said = await stranger.say("hej");
    expect(said.status).toBe(200);
    expect(said.texts.join("\n")).toContain("Jag kunde inte avgöra vem du är i Teams.");
    expect(said.cards).toEqual([]);
    const pressed = await stranger.press("enroll.start", {});
    expect(pressed.status).toBe(200);
    expect(cardText(pressed.card)).toContain("Jag kunde inte avgöra vem du är i Teams.");
  });

  it("tells a Teams user without a directory account to contact the helpdesk", async () => {
    const guest = new TeamsUser(
      { login: "guest", upn: "guest@partner.example", name: "Gäst Gästsson", aadObjectId: randomUUID() },
      local.connector,
      local.bot.url,
    );
    const identity = await startFlow(guest, await greet(guest));
    const card = await press(guest, identity, "enroll.identity", { username: "guest", password: "Passw0rd!" });
    expect(cardText(card)).toContain("Vi hittar inget konto i katalogen som hör till ditt Teams-konto.");
  });

  it("answers other invokes with 501 and an overlong message with a clear text", async () => {
    const alex = new TeamsUser(people.alexw, local.connector, local.bot.url);
    const other = await alex.post(alex.activity({ type: "invoke", name: "task/fetch", value: {} }));
    expect(other.status).toBe(501);
    const long = await alex.say("hej ".repeat(1000));
    expect(long.status).toBe(200);
    expect(long.texts).toEqual(["Det du skickade gick inte att läsa. Försök igen."]);
    await healthy();
  });

  it("recognises a code from a phone whose clock is off, and still accepts the right one", async () => {
    const megan = new TeamsUser(people.meganb, local.connector, local.bot.url);
    const outbox = new OutboxWatch([local.dataDir]);
    const sms = await passIdentity(megan, await startFlow(megan, await greet(megan)), outbox);
    const qr = await passDevice(megan, await passSms(megan, sms.card, sms.code));
    const now = Math.floor(Date.now() / 1000);
    const ahead = await press(megan, qr.card, "enroll.confirm", { totpCode: generateSync({ secret: qr.secret, epoch: now + 4 * 30 }) });
    expect(cardText(ahead)).toContain("klockan i din telefon går ungefär 2 minuter före");
    const behind = await press(megan, qr.card, "enroll.confirm", { totpCode: generateSync({ secret: qr.secret, epoch: now - 6 * 30 }) });
    expect(cardText(behind)).toContain("klockan i din telefon går ungefär 3 minuter efter");
    const letters = await press(megan, qr.card, "enroll.confirm", { totpCode: "abcdef" });
    expect(cardText(letters)).toContain("Koden från appen består av sex siffror.");
    for (const card of [ahead, behind, letters]) {
      expect(inputIds(card)).toEqual(["totpCode"]);
      expect(qrTextOf(card)).toBe(qr.uri);
    }
    // The right code, pressed twice at once (a double click): one activation.
    const totpCode = currentTotp(qr.secret);
    const answers = await Promise.all([1, 2].map(() => press(megan, qr.card, "enroll.confirm", { totpCode })));
    expect(answers.map(cardTitle)).toEqual(["Klart! Engångslösenordet är aktiverat", "Klart! Engångslösenordet är aktiverat"]);
    expect(sqliteTokens(local.dataDir, "meganb")).toEqual([{ status: "active", device_name: "Jobbmobil" }]);
    expect(sqliteAuditCount(local.dataDir, "meganb@example.com", "enroll.token.activated")).toBe(1);
  });
});
