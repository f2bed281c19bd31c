/**
 * Lost phone, temporary access, notices and "why can't I log in?" end to end: the bot process
 * over real HTTP (Teams activities in, the stand-in Bot Connector out) and the validation
 * service as its own process on the same data folder, asked by FreeRADIUS's radclient.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { generateSync } from "otplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeDataDir, removeDataDir, startBot, type BotProcess } from "../support/bot-process.js";
import { actionData, cardText, OutboxWatch, verbsOf } from "../support/cards.js";
import { cardOfReply, ConnectorStandIn, type CapturedReply } from "../support/connector-stand-in.js";
import { DEMO_PASSWORD, enroll, expectCardResponse } from "../support/enrollment-steps.js";
import { askRadius, quoted, radclientBinary } from "../support/radclient.js";
import { startRadius, type RadiusProcess } from "../support/radius-process.js";
import { sqliteAudit, sqliteTickets, sqliteTokens } from "../support/sqlite-peek.js";
import { LOCAL_HELPDESK_CHANNEL_ID as CHANNEL, people, TeamsUser } from "../support/teams-user.js";

const available = radclientBinary() !== null;
const codeAt = (secret: string, steps: number) => generateSync({ secret, epoch: Math.floor(Date.now() / 1000) + steps * 30 });
const wrongCode = (right: string) => (right === "000000" ? "111111" : "000000");

let connector: ConnectorStandIn;
let bot: BotProcess;
let radius: RadiusProcess;
let dataDir: string;
/** Every temporary code and TOTP secret seen: none may show up in logs, posts or the data folder. */
const temporaryCodes: string[] = [];
/** Alex's chat (the first test enrolls him; the helpdesk's messages go to this conversation). */
let alex: TeamsUser;

beforeAll(async () => {
  if (!available) return;
  connector = await ConnectorStandIn.start();
  dataDir = makeDataDir();
  bot = await startBot({ dataDir, env: { TMPDIR: join(dataDir, "tmp") } });
  radius = await startRadius({ dataDir });
});

afterAll(async () => {
  await Promise.all([bot?.stop(), radius?.stop()]);
  await connector?.stop();
  if (dataDir) removeDataDir(dataDir);
});

const ask = (userName: string, password: string) =>
  askRadius(radius.port, radius.secret, { "User-Name": quoted(userName), "User-Password": quoted(password) });

function grants(login: string): { ended: boolean; code_hash: string }[] {
  const db = new Database(join(dataDir, "enrollment.sqlite"), { readonly: true, fileMustExist: true });
  try {
    return (
      db.prepare("SELECT ended_at, code_hash FROM temporary_access WHERE login_name = ? ORDER BY issued_at").all(login) as {
        ended_at: unknown;
        code_hash: string;
      }[]
    ).map((r) => ({ ended: r.ended_at !== null, code_hash: r.code_hash }));
  } finally {
    db.close();
  }
}

/** The next message in the employee's chat: its text, or its card's text. */
async function toldInChat(user: TeamsUser): Promise<{ text: string; reply: CapturedReply }> {
  const reply = await connector.nextReply(user.conversationId, 15_000);
  return { text: reply.activity.text ?? cardText(cardOfReply(reply)), reply };
}

describe.skipIf(!available)("lost phone and temporary access over HTTP and RADIUS", () => {
  it("the employee blocks the lost phone with the AD password: the old code is refused at once, a ticket opens, a new phone is offered", async () => {
    alex = new TeamsUser(people.alexw, connector, bot.url);
    const run = await enroll(alex, new OutboxWatch([dataDir]), { deviceName: "Jobbmobil" });
    expect((await toldInChat(alex)).text).toContain("En ny Microsoft Authenticator (Jobbmobil) kopplades till ditt konto");

    const asked = await alex.say("Jag har tappat min telefon!");
    const card = asked.cards[0]!;
    expect(verbsOf(card)).toEqual(["lostPhone.block"]);
    const wrong = await alex.press("lostPhone.block", { password: "inte-rätt" });
    expectCardResponse(wrong);
    expect(cardText(wrong.card)).toContain("Fel lösenord. Ingenting är spärrat");
    expect(sqliteTokens(dataDir, "alexw")).toEqual([{ status: "active", device_name: "Jobbmobil" }]);

    const blocked = await alex.press("lostPhone.block", { password: DEMO_PASSWORD });
    expect(cardText(blocked.card)).toContain("Microsoft Authenticator på Jobbmobil är spärrad");
    expect(verbsOf(blocked.card)).toEqual(["enroll.start"]);
    expect(sqliteTokens(dataDir, "alexw")).toEqual([{ status: "revoked", device_name: "Jobbmobil" }]);
    const next = codeAt(run.secret, 1);
    expect((await ask("alexw", next)).code).toBe("Access-Reject");
    expect(sqliteAudit(dataDir, "alexw@example.com", "lostPhone.").map((e) => [e.outcome, e.detail.reason ?? e.detail.deviceName])).toEqual(
      [
        ["refused", "invalidCredentials"],
        ["ok", "Jobbmobil"],
      ],
    );
    expect(sqliteTickets(dataDir, "alexw@example.com").map((t) => t.status)).toEqual(["open"]);
    expect((await toldInChat(alex)).text).toContain("Din Microsoft Authenticator (Jobbmobil) spärrades");
  });

  it("a helpdesk member issues a temporary code (after confirming): accepted once over RADIUS, then refused; a non-member creates nothing", async () => {
    const megan = new TeamsUser(people.meganb, connector, bot.url);
    const lynne = new TeamsUser(people.lynner, connector, bot.url);
    const posted = connector.takeReplies(CHANNEL);
    const ticketCard = cardOfReply(posted.find((r) => r.replyToId === undefined)!);
    const { ticketId } = actionData(ticketCard, "helpdesk.temporaryAccess");
    const activityId = posted[0]!.id;

    const outsider = await lynne.pressInChannel(CHANNEL, activityId, "helpdesk.temporaryAccess", { ticketId, confirm: true });
    expect(cardText(outsider.card)).toContain("Du är inte med i IT-supportens grupp");
    expect(grants("alexw")).toEqual([]);

    const confirm = await megan.pressInChannel(CHANNEL, activityId, "helpdesk.temporaryAccess", { ticketId });
    expect(cardText(confirm.card)).toContain("Skapa en tillfällig kod som gäller i 8 timmar");
    expect(grants("alexw")).toEqual([]);
    const issued = await megan.pressInChannel(
      CHANNEL,
      activityId,
      "helpdesk.temporaryAccess",
      actionData(confirm.card, "helpdesk.temporaryAccess"),
    );
    const shown = /\b([A-Z2-9]{5}) ([A-Z2-9]{5})\b/.exec(JSON.stringify(issued.card));
    expect(shown).not.toBeNull();
    const code = `${shown![1]}${shown![2]}`;
    temporaryCodes.push(code, `${shown![1]} ${shown![2]}`);
    expect(grants("alexw")).toHaveLength(1);
    const told = await toldInChat(alex);
    expect(told.text).toMatch(/^Megan Bowen på IT-supporten har gett dig en tillfällig kod för inloggningen, giltig till .*\d\d:\d\d\./);
    expect(told.text).not.toContain(shown![1]);

    // The channel's card says until when, never the code.
    const channelCard = JSON.stringify(connector.takeReplies(CHANNEL).map(cardOfReply));
    expect(channelCard).toContain("Tillfällig kod gäller till");
    expect(channelCard).not.toContain(shown![1]);

    expect((await ask("alexw", code.toLowerCase())).code).toBe("Access-Accept");
    expect((await ask("alexw", code)).code).toBe("Access-Reject");
    expect(grants("alexw").map((g) => g.ended)).toEqual([true]);
    expect(sqliteAudit(dataDir, "alexw@example.com", "helpdesk.temporaryAccess").map((e) => [e.actor, e.outcome])).toEqual([
      ["lynner@example.com", "refused"],
      ["meganb@example.com", "ok"],
    ]);
  });

  it("a token locked after 10 wrong codes over RADIUS: the employee gets the Teams notice with 'contact the helpdesk', and 'why' says locked", async () => {
    const isaiah = new TeamsUser(people.isaiahl, connector, bot.url);
    const run = await enroll(isaiah, new OutboxWatch([dataDir]));
    await toldInChat(isaiah); // the new-authenticator notice
    const right = codeAt(run.secret, 1);
    for (let i = 0; i < 10; i++) expect((await ask("isaiahl", wrongCode(right))).code).toBe("Access-Reject");
    const notice = await toldInChat(isaiah);
    expect(notice.text).toMatch(/^Din Microsoft Authenticator har spärrats till kl\. \d\d:\d\d efter för många fel koder/);
    expect(verbsOf(cardOfReply(notice.reply))).toEqual(["help.escalate"]);
    const why = await isaiah.say("Koden godkänns inte");
    expect(cardText(why.cards[0]!)).toMatch(/^Det här ser jag om dina senaste inloggningar[\s\S]*spärrad efter för många fel koder till/);
  });

  it("'why can't I log in' names a replayed code and a drifted phone clock, from the caller's own logins only", async () => {
    const lynne = new TeamsUser(people.lynner, connector, bot.url);
    const run = await enroll(lynne, new OutboxWatch([dataDir]));
    await toldInChat(lynne);
    const next = codeAt(run.secret, 1);
    expect((await ask("lynner", next)).code).toBe("Access-Accept");
    expect((await ask("lynner", next)).code).toBe("Access-Reject");
    const replay = cardText((await lynne.say("Koden godkänns inte")).cards[0]!);
    expect(replay).toContain("redan hade använts");
    expect(replay).not.toContain(next);

    expect((await ask("lynner", codeAt(run.secret, 6))).code).toBe("Access-Reject");
    const drift = cardText((await lynne.say("Citrix säger att koden är ogiltig")).cards[0]!);
    expect(drift).toContain("går ungefär 3 minuter före");
    // Nothing of Isaiah's (locked) in Lynne's answer.
    expect(drift).not.toContain("spärrad");
  });

  it("no temporary code or TOTP secret in the logs, channel posts, audit rows or the data folder", () => {
    const botStderr = bot
      .stderr()
      .split("\n")
      .filter((line) => !line.startsWith("[SMS outbox]"))
      .join("\n");
    const everything = [
      radius.output(),
      bot.stdout(),
      botStderr,
      JSON.stringify(connector.replies.filter((r) => r.conversationId === CHANNEL)),
    ];
    for (const file of readdirSync(dataDir)) {
      const path = join(dataDir, file);
      if (statSync(path).isFile()) everything.push(readFileSync(path).toString("latin1"));
    }
    const haystack = everything.join("\n");
    expect(temporaryCodes.length).toBeGreaterThan(0);
    for (const code of temporaryCodes) expect(haystack.includes(code), "a temporary code in the logs, posts or data folder").toBe(false);
  });
});
