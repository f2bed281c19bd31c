/**
 * End to end over real HTTP: the bot runs as its own process in local mode (demo directory,
 * SQLite, SMS outbox); a stand-in Bot Connector captures its replies and answers Teams
 * member look-ups; the test is the Teams client.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBot, makeDataDir, removeDataDir, type BotProcess } from "../support/bot-process.js";
import { cardText, cardTitle, flowIdOf, inputIds, OutboxWatch, qrTextOf, verbsOf } from "../support/cards.js";
import { ConnectorStandIn } from "../support/connector-stand-in.js";
import {
  confirmCode,
  DEMO_PASSWORD,
  expectCardResponse,
  greet,
  passDevice,
  passIdentity,
  passSms,
  press,
  startFlow,
} from "../support/enrollment-steps.js";
import { sqliteTokens } from "../support/sqlite-peek.js";
import { people, TeamsUser, type DemoPerson } from "../support/teams-user.js";

let connector: ConnectorStandIn;
let bot: BotProcess;
let dataDir: string;
const extraDirs: string[] = [];
const extraBots: BotProcess[] = [];

beforeAll(async () => {
  connector = await ConnectorStandIn.start();
  dataDir = makeDataDir();
  // The shortest resend cooldown the config allows, so re-enrolling "later" waits 10 s, not 60.
  bot = await startBot({ dataDir, env: { SMS_RESEND_COOLDOWN_SECONDS: "10" } });
});

afterAll(async () => {
  await Promise.all([bot?.stop(), ...extraBots.map((b) => b.kill())]);
  await connector?.stop();
  for (const dir of [dataDir, ...extraDirs]) if (dir) removeDataDir(dir);
});

const tokensOf = (login: string) => sqliteTokens(dataDir, login);
const userOf = (person: DemoPerson, locale = "sv-SE") => new TeamsUser(person, connector, bot.url, locale);

describe("enrollment over HTTP", () => {
  it("takes alexw from hej to an activated token, refusing every bad input on the way", async () => {
    const alex = userOf(people.alexw);
    const outbox = new OutboxWatch([dataDir]);

    const hello = await alex.say("hej");
    expect(hello.status).toBe(200);
    expect(hello.replies).toHaveLength(1);
    expect(hello.replies[0]!.replyToId).toBeDefined(); // a reply to the user's message
    expect(connector.requests).toContain(`GET /v3/conversations/${alex.conversationId}/members/${alex.member.id}`);
    const welcome = hello.cards[0]!;
    expect(cardTitle(welcome)).toBe("Engångslösenord för inloggning utifrån");
    expect(verbsOf(welcome)).toEqual(["enroll.start", "language.switch"]);
    expect(JSON.stringify(welcome)).toContain("https://apps.apple.com/");

    const identity = await startFlow(alex, welcome);
    expect(cardTitle(identity)).toBe("Steg 1 av 4: Bekräfta att det är du");
    const flowId = flowIdOf(identity);

    const empty = await press(alex, identity, "enroll.identity", { username: "alexw", password: "" });
    expect(cardText(empty)).toContain("Skriv ditt lösenord.");
    const wrong = await press(alex, identity, "enroll.identity", { username: "alexw", password: "Passw0rd" });
    expect(cardText(wrong)).toContain("Fel användarnamn eller lösenord. Du har 4 försök kvar.");
    const notMine = await press(alex, identity, "enroll.identity", { username: "meganb", password: DEMO_PASSWORD });
    expect(cardText(notMine)).toContain("Användarnamnet hör inte till kontot du är inloggad i Teams med.");
    for (const card of [empty, wrong, notMine]) {
      expect(inputIds(card)).toEqual(["username", "password"]);
      expect(JSON.stringify(card)).not.toContain("Passw0rd"); // a typed password is never echoed back
      expect(flowIdOf(card)).toBe(flowId);
    }
    expect(outbox.take()).toEqual([]); // nothing sent for a refused identity

    const sms = await passIdentity(alex, identity, outbox);
    expect(cardTitle(sms.card)).toBe("Steg 2 av 4: Kod via sms");
    expect(cardText(sms.card)).toContain("+46 70 *** ** 05");
    expect(sms.sms.to).toBe("+46701740605");

    const wrongCode = sms.code === "000000" ? "111111" : "000000";
    const refusedSms = await press(alex, sms.card, "enroll.sms", { smsCode: wrongCode });
    expect(cardText(refusedSms)).toContain("Fel kod. Du har 4 försök kvar.");
    expect(inputIds(refusedSms)).toEqual(["smsCode"]);
    const device = await passSms(alex, refusedSms, sms.code);
    expect(cardTitle(device)).toBe("Steg 3 av 4: Namnge din telefon");

    const qr = await passDevice(alex, device, "Alex iPhone");
    expect(qr.uri).toMatch(/^otpauth:\/\/totp\/Region%20JH:alexw\?/);
    expect(qr.uri).toContain("issuer=Region%20JH");
    expect(cardText(qr.card)).toContain(qr.secret.replace(/(.{4})(?=.)/g, "$1 ")); // the key for manual entry

    const smsAsTotp = await press(alex, qr.card, "enroll.confirm", { totpCode: sms.code });
    expect(cardText(smsAsTotp)).toContain("Det där är koden från sms:et.");

    // Cards from another flow, unknown buttons, malformed and oversized input: a clear message, no change.
    const stale = await press(alex, qr.card, "enroll.confirm", { flowId: randomUUID(), totpCode: "123456" });
    expect(cardText(stale)).toContain("Det kortet hör till en gammal eller annan registrering.");
    const unknown = await alex.press("enroll.hack", { flowId });
    expectCardResponse(unknown);
    expect(cardText(unknown.card)).toContain("Den knappen känner jag inte igen.");
    for (const value of [
      "not an object",
      { action: { type: "Action.Submit", verb: "enroll.confirm" } },
      { action: { type: "Action.Execute", verb: "enroll.confirm", data: { flowId, totpCode: "9".repeat(5000) } } },
    ]) {
      const malformed = await alex.invoke(value);
      expectCardResponse(malformed);
      expect(cardText(malformed.card)).toContain("Det du skickade gick inte att läsa.");
    }
    for (const card of [smsAsTotp, stale, unknown.card]) {
      expect(qrTextOf(card)).toBe(qr.uri); // still the same QR and pending secret
      expect(flowIdOf(card)).toBe(flowId);
    }
    expect(outbox.take()).toEqual([]);

    const done = await confirmCode(alex, qr.card, qr.secret);
    expect(cardTitle(done.card)).toBe("Klart! Engångslösenordet är aktiverat");
    expect(cardText(done.card)).toContain("Alex iPhone");
    expect(cardText(done.card)).toContain("https://citrix.regionjh.se");

    // The QR card pressed again after activation changes nothing.
    const again = await press(alex, qr.card, "enroll.confirm", { totpCode: done.code });
    expect(cardTitle(again)).toBe("Klart! Engångslösenordet är aktiverat");
    expect(outbox.take()).toEqual([]); // no "new authenticator" SMS on a first enrollment
    expect(tokensOf("alexw")).toEqual([{ status: "active", device_name: "Alex iPhone" }]);

    // "Vad har hänt på mitt konto?": alex's own events, newest first, in plain words.
    const activity = await alex.say("Vad har hänt på mitt konto?");
    // The "new authenticator" notice is delivered by a timer and may arrive during this turn: not the answer.
    const answer = activity.texts.filter((text) => !text.startsWith("En ny Microsoft Authenticator"));
    expect(answer).toHaveLength(1);
    const [title, newest] = answer[0]!.split("\n\n");
    expect(title).toBe("Det senaste som hänt på ditt konto:");
    expect(newest).toMatch(/^\d{1,2} \S+ \d{4} \d{2}:\d{2}: Microsoft Authenticator registrerades \(Alex iPhone\)$/);
    expect(answer[0]).not.toContain(done.code);
  });

  it("tells adelev, who has no mobile number, to contact the helpdesk, and sends nothing", async () => {
    const adele = userOf(people.adelev);
    const outbox = new OutboxWatch([dataDir]);
    const identity = await startFlow(adele, await greet(adele));
    const card = await press(adele, identity, "enroll.identity", { username: "adelev", password: DEMO_PASSWORD });
    expect(cardText(card)).toContain("Det finns inget mobilnummer registrerat på ditt konto");
    expect(cardText(card)).toContain("IT-supporten");
    expect(outbox.take()).toEqual([]);
  });

  it("refuses pattif, whose account is disabled", async () => {
    const patti = userOf(people.pattif);
    const outbox = new OutboxWatch([dataDir]);
    const identity = await startFlow(patti, await greet(patti));
    const card = await press(patti, identity, "enroll.identity", { username: "pattif", password: DEMO_PASSWORD });
    expect(cardText(card)).toContain("Ditt konto är inaktiverat.");
    expect(inputIds(card)).toEqual(["username", "password"]);
    expect(outbox.take()).toEqual([]);
  });

  it("speaks English to an en-US Teams client, and cancels", async () => {
    const megan = userOf(people.meganb, "en-US");
    const welcome = await greet(megan, "hello");
    expect(cardTitle(welcome)).toBe("One-time passwords for logging in from outside");
    const identity = await startFlow(megan, welcome);
    expect(cardTitle(identity)).toBe("Step 1 of 4: Confirm it is you");
    const wrong = await press(megan, identity, "enroll.identity", { username: "meganb", password: "nope" });
    expect(cardText(wrong)).toContain("Wrong username or password. You have 4 attempts left.");
    const cancelled = await press(megan, wrong, "enroll.cancel");
    expect(cardTitle(cancelled)).toBe("Enrollment cancelled");
    // The identity card of the cancelled flow no longer works.
    const late = await press(megan, identity, "enroll.identity", { username: "meganb", password: DEMO_PASSWORD });
    expect(cardTitle(late)).toBe("Enrollment cancelled");
    expect(inputIds(late)).toEqual([]);
  });

  it("switches language when the user writes English or svenska", async () => {
    const lynne = userOf(people.lynner);
    const english = await lynne.say("English");
    expect(english.texts).toContain("I will write in English from now on.");
    expect(english.cards.map(cardTitle)).toEqual(["One-time passwords for logging in from outside"]);
    const identity = await startFlow(lynne, english.cards[0]!);
    expect(cardTitle(identity)).toBe("Step 1 of 4: Confirm it is you");
    const swedish = await lynne.say("svenska");
    expect(swedish.texts).toContain("Jag skriver på svenska från och med nu.");
    expect(swedish.cards.map(cardTitle)).toEqual(["Steg 1 av 4: Bekräfta att det är du"]); // resumed where she was
    expect(flowIdOf(swedish.cards[0]!)).toBe(flowIdOf(identity));
    // Free text gets an answer (hint or help), never an error.
    const other = await lynne.say("vad är klockan?");
    expect(other.status).toBe(200);
    expect(other.replies.length).toBeGreaterThan(0);
    expect(other.texts.join("\n")).not.toContain("Något gick fel");
  });

  it("cancels by typing avbryt mid-enrollment; the SMS card is then dead", async () => {
    const isaiah = userOf(people.isaiahl);
    const outbox = new OutboxWatch([dataDir]);
    const sms = await passIdentity(isaiah, await startFlow(isaiah, await greet(isaiah)), outbox);
    const cancel = await isaiah.say("avbryt");
    expect(cancel.cards.map(cardTitle)).toEqual(["Registreringen är avbruten"]);
    const late = await press(isaiah, sms.card, "enroll.sms", { smsCode: sms.code });
    expect(inputIds(late)).toEqual([]);
    expect(cardTitle(late)).toBe("Registreringen är avbruten");
  });

  it("continues with the same card after the bot is killed (kill -9) and restarted on the same DATA_DIR", async () => {
    const dir = makeDataDir();
    extraDirs.push(dir);
    const first = await startBot({ dataDir: dir });
    extraBots.push(first);
    const alex = new TeamsUser(people.alexw, connector, first.url);
    const outbox = new OutboxWatch([dir]);
    const sms = await passIdentity(alex, await startFlow(alex, await greet(alex)), outbox);
    await first.kill();

    const second = await startBot({ dataDir: dir });
    extraBots.push(second);
    alex.botUrl = second.url;
    const device = await passSms(alex, sms.card, sms.code);
    expect(flowIdOf(device)).toBe(flowIdOf(sms.card));
    const qr = await passDevice(alex, device);
    const done = await confirmCode(alex, qr.card, qr.secret);
    expect(cardTitle(done.card)).toBe("Klart! Engångslösenordet är aktiverat");
  }, 60_000);

  // Last: it waits out the resend cooldown since alexw's first enrollment.
  it("re-enrolls alexw later: the old token is replaced and an SMS tells of the new authenticator", async () => {
    const alex = userOf(people.alexw);
    const outbox = new OutboxWatch([dataDir]);
    const identity = await startFlow(alex, await greet(alex));
    expect(cardText(identity)).toContain("Du har redan en aktiverad telefon.");
    const sms = await passIdentity(alex, identity, outbox);
    const qr = await passDevice(alex, await passSms(alex, sms.card, sms.code), "Ny telefon");
    const done = await confirmCode(alex, qr.card, qr.secret);
    expect(cardText(done.card)).toContain("Ny telefon");
    const notices = outbox.take();
    expect(notices).toHaveLength(1);
    expect(notices[0]!.to).toBe("+46701740605");
    expect(notices[0]!.text).toContain("En ny Microsoft Authenticator (Ny telefon) registrerades för ditt konto");
    expect(tokensOf("alexw")).toEqual([
      { status: "replaced", device_name: "Alex iPhone" },
      { status: "active", device_name: "Ny telefon" },
    ]);
  }, 60_000);
});
