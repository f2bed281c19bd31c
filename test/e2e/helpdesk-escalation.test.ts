/**
 * Escalation to the helpdesk end to end over real HTTP, against the bot as a process in
 * local mode (src/main.ts: demo directory, SQLite in a temp DATA_DIR, SMS outbox). Teams
 * activities are POSTed to /api/messages; the ticket card (a new post in the helpdesk
 * channel, "channel-announcements-id" in local mode), its updates in place (PUT to the same
 * activity id) and the messages to the employee go to the stand-in Bot Connector.
 */
import { describe, expect, it } from "vitest";
import { actionData, cardText, cardTitle, flowIdOf, inputIds, OutboxWatch, verbsOf, type Card } from "../support/cards.js";
import { cardOfReply, type CapturedReply } from "../support/connector-stand-in.js";
import {
  confirmCode,
  DEMO_PASSWORD,
  enroll,
  expectCardResponse,
  passDevice,
  passSms,
  press,
  startFlow,
} from "../support/enrollment-steps.js";
import { localBotSuite } from "../support/local-bot-suite.js";
import { sqliteAudit, sqliteTickets, sqliteTokens } from "../support/sqlite-peek.js";
import { LOCAL_HELPDESK_CHANNEL_ID as CHANNEL, people, TeamsUser, type InvokeResult } from "../support/teams-user.js";

const local = localBotSuite();

const postsToChannel = (): string[] => local.connector.requests.filter((r) => r === `POST /v3/conversations/${CHANNEL}/activities`);
const putsTo = (activityId: string): string[] =>
  local.connector.requests.filter((r) => r === `PUT /v3/conversations/${CHANNEL}/activities/${activityId}`);

/** The channel activities (posts and updates) since the last call. */
const channelActivities = (): CapturedReply[] => local.connector.takeReplies(CHANNEL);

/** The one update of the ticket card since the last look: a PUT in place, whose card is returned. */
function updatedInPlace(activityId: string): Card {
  const fresh = channelActivities();
  expect(fresh.map((r) => r.replyToId)).toEqual([activityId]);
  return cardOfReply(fresh[0]!);
}

/** What the bot wrote to the employee's chat next (a proactive message). */
async function toldInChat(user: TeamsUser): Promise<string> {
  const reply = await local.connector.nextReply(user.conversationId);
  // A notice with "contact the helpdesk" under it is a card.
  return reply.activity.text ?? cardText(cardOfReply(reply));
}

function expectTicketCard(result: InvokeResult): Card {
  expectCardResponse(result);
  expect(cardTitle(result.card)).toBe("Supportärende: Alex Wilber");
  return result.card;
}

describe("escalation to the helpdesk over HTTP (the bot process)", () => {
  it("ticket card in the channel; outsider refused; take, revoke, invite, clear limits and resolve update it in place and tell the employee", async () => {
    const alex = new TeamsUser(people.alexw, local.connector, local.bot.url);
    const lynne = new TeamsUser(people.lynner, local.connector, local.bot.url);
    const megan = new TeamsUser(people.meganb, local.connector, local.bot.url);
    const outbox = new OutboxWatch([local.dataDir]);

    // Alex has Microsoft Authenticator on "Jobbmobil", loses the phone and asks the bot.
    const enrolled = await enroll(alex, outbox, { deviceName: "Jobbmobil" });
    expect(sqliteTokens(local.dataDir, "alexw")).toEqual([{ status: "active", device_name: "Jobbmobil" }]);
    expect(await toldInChat(alex)).toContain("En ny Microsoft Authenticator (Jobbmobil) kopplades till ditt konto");
    const answer = await alex.say("min telefon är stulen");
    expect(answer.cards).toHaveLength(1);
    const escalate = actionData(answer.cards[0]!, "help.escalate");
    expect(escalate.question).toBe("min telefon är stulen");

    // 1. "Contact the helpdesk": a ticket card is posted (a new post) in the helpdesk channel.
    const escalated = await alex.press("help.escalate", { ...escalate, question: "Jag har tappat min telefon, vad gör jag?" });
    expectCardResponse(escalated);
    expect(cardText(escalated.card)).toBe("Ditt ärende är skickat till IT-supporten. De hör av sig här i chatten.");
    const posted = channelActivities();
    expect(posted).toHaveLength(1);
    expect(posted[0]!.replyToId).toBeUndefined();
    expect(postsToChannel()).toHaveLength(1);
    const activityId = posted[0]!.id;
    const card = cardOfReply(posted[0]!);
    expect(cardTitle(card)).toBe("Supportärende: Alex Wilber");
    const facts = JSON.stringify(card);
    for (const shown of [
      "Öppet – ingen har tagit det ännu",
      "alexw@example.com",
      '"value":"alexw"',
      "Akutmottagningen",
      '"value":"Klar"',
      "Aktiv på Jobbmobil",
      "Jag har tappat min telefon, vad gör jag?",
    ]) {
      expect(facts).toContain(shown);
    }
    // No phone number (in any spelling), no codes, no secret, no password.
    for (const hidden of [
      "1740605",
      "174 06 05",
      "174-06-05",
      enrolled.smsCode,
      enrolled.totpCode,
      enrolled.secret,
      DEMO_PASSWORD,
      enrolled.flowId,
    ]) {
      expect(facts).not.toContain(hidden);
    }
    const ticketId = actionData(card, "helpdesk.take").ticketId as string;
    expect(verbsOf(card)).toEqual([
      "helpdesk.temporaryAccess",
      "helpdesk.take",
      "helpdesk.resolve",
      "helpdesk.clearLimits",
      "helpdesk.invite",
      "helpdesk.revokeToken",
    ]);

    // 2. Lynne is not in the helpdesk group: refused with the reason alone (nothing about the
    // ticket), the channel card unchanged, nobody told.
    const refused = await lynne.pressInChannel(CHANNEL, activityId, "helpdesk.take", { ticketId });
    expectCardResponse(refused);
    expect(cardText(refused.card)).toBe("Du är inte med i IT-supportens grupp och kan inte hantera ärenden. Ingenting har ändrats.");
    expect(verbsOf(refused.card)).toEqual([]);
    for (const hidden of ["Alex Wilber", "alexw", "Jag har tappat min telefon", "Akutmottagningen", "Jobbmobil", "Öppet"]) {
      expect(JSON.stringify(refused.card)).not.toContain(hidden);
    }
    expect(putsTo(activityId)).toEqual([]);
    expect(channelActivities()).toEqual([]);
    expect(local.connector.takeReplies(alex.conversationId)).toEqual([]);
    expect(sqliteTickets(local.dataDir, "alexw@example.com").map((t) => t.status)).toEqual(["open"]);

    // 3. Megan takes it: the card is updated in place, Alex is told in the chat.
    const taken = expectTicketCard(await megan.pressInChannel(CHANNEL, activityId, "helpdesk.take", { ticketId }));
    expect(cardText(taken)).toContain("Du har tagit ärendet.");
    expect(putsTo(activityId)).toHaveLength(1);
    expect(cardText(updatedInPlace(activityId))).toContain("Taget av Megan Bowen");
    expect(await toldInChat(alex)).toBe("Megan Bowen på IT-supporten har tagit ditt ärende och hör av sig.");

    // 4. Lost phone: Megan revokes the token. It is really inactive; Alex is told.
    const revoked = expectTicketCard(await megan.pressInChannel(CHANNEL, activityId, "helpdesk.revokeToken", { ticketId }));
    expect(cardText(revoked)).toContain("Authenticator på Jobbmobil är spärrad.");
    expect(verbsOf(revoked)).not.toContain("helpdesk.revokeToken");
    expect(sqliteTokens(local.dataDir, "alexw")).toEqual([{ status: "revoked", device_name: "Jobbmobil" }]);
    expect(JSON.stringify(updatedInPlace(activityId))).toContain("Ingen aktiv");
    expect(await toldInChat(alex)).toContain("IT-supporten har spärrat din Microsoft Authenticator (Jobbmobil).");

    // 5. Megan sends Alex a fresh invitation: a welcome card in Alex's chat.
    const invited = expectTicketCard(await megan.pressInChannel(CHANNEL, activityId, "helpdesk.invite", { ticketId }));
    expect(cardText(invited)).toContain("Inbjudan är skickad.");
    updatedInPlace(activityId);
    const invitation = await local.connector.nextReply(alex.conversationId);
    expect(invitation.activity.text).toBe("IT-supporten ber dig koppla Microsoft Authenticator till ditt konto. Börja här:");
    const welcome = cardOfReply(invitation);
    expect(verbsOf(welcome)).toEqual(["enroll.start", "language.switch"]);

    // 6. Alex starts connecting the new phone, mistypes the password five times and is blocked.
    const identity = await startFlow(alex, welcome);
    let refusedIdentity: Card = identity;
    for (let i = 0; i < 5; i++)
      refusedIdentity = await press(alex, identity, "enroll.identity", { username: "alexw", password: `fel-${i}` });
    const blocked = await press(alex, identity, "enroll.identity", { username: "alexw", password: DEMO_PASSWORD });
    expect(cardText(blocked)).toContain("För många felaktiga försök. Vänta 15 minuter och försök igen.");
    expect(outbox.take()).toEqual([]);

    // A second "contact the helpdesk" while the ticket is open adds to it: same card, updated.
    const again = await alex.press("help.escalate", {
      ...actionData(refusedIdentity, "help.escalate"),
      question: "Nu är jag spärrad också",
    });
    expectCardResponse(again);
    expect(cardText(again.card)).toContain("Vi har lagt till det i ditt ärende hos IT-supporten.");
    expect(flowIdOf(again.card)).toBe(flowIdOf(identity)); // from the step card: the step card comes back
    const addedTo = JSON.stringify(updatedInPlace(activityId));
    for (const shown of [
      "Taget av Megan Bowen",
      "1 av 4: lösenord",
      "För många felaktiga försök",
      "Jag har tappat min telefon, vad gör jag?",
      "Nu är jag spärrad också",
    ]) {
      expect(addedTo).toContain(shown);
    }
    expect(postsToChannel()).toHaveLength(1);
    expect(sqliteTickets(local.dataDir, "alexw@example.com")).toHaveLength(1);

    // 7. Megan clears the limits: Alex can log in again right away (and gets an SMS at once).
    const cleared = expectTicketCard(await megan.pressInChannel(CHANNEL, activityId, "helpdesk.clearLimits", { ticketId }));
    expect(cardText(cleared)).toContain(
      "Spärrarna är borttagna. Det här var i kraft och är nu nollställt: felaktiga lösenord (och lösenordsspärren)",
    );
    updatedInPlace(activityId);
    expect(await toldInChat(alex)).toBe("IT-supporten har tagit bort spärrarna på dina försök. Du kan försöka igen nu.");
    const sms = await press(alex, identity, "enroll.identity", { username: "alexw", password: DEMO_PASSWORD });
    expect(inputIds(sms)).toEqual(["smsCode"]);
    const sent = outbox.take();
    expect(sent).toHaveLength(1);
    const device = await passSms(alex, sms, /\b(\d{6})\b/.exec(sent[0]!.text)![1]!);
    const qr = await passDevice(alex, device, "Nya mobilen");
    await confirmCode(alex, qr.card, qr.secret);
    expect(sqliteTokens(local.dataDir, "alexw").map((t) => [t.status, t.device_name])).toEqual([
      ["revoked", "Jobbmobil"],
      ["active", "Nya mobilen"],
    ]);
    expect(await toldInChat(alex)).toContain("En ny Microsoft Authenticator (Nya mobilen) kopplades till ditt konto");

    // 8. Resolved: the card says so and has no buttons left; Alex is told.
    const resolved = expectTicketCard(await megan.pressInChannel(CHANNEL, activityId, "helpdesk.resolve", { ticketId }));
    expect(cardText(resolved)).toContain("Ärendet är löst.");
    const final = updatedInPlace(activityId);
    expect(cardText(final)).toContain("Löst av Megan Bowen");
    expect(verbsOf(final)).toEqual([]);
    expect(await toldInChat(alex)).toContain("IT-supporten har markerat ditt ärende som löst.");
    expect(putsTo(activityId)).toHaveLength(6); // take, revoke, invite, second question, clear limits, resolve
    expect(postsToChannel()).toHaveLength(1);
    expect(sqliteTickets(local.dataDir, "alexw@example.com").map((t) => [t.status, t.taken_by, t.resolved_by])).toEqual([
      ["resolved", "meganb@example.com", "meganb@example.com"],
    ]);

    // A button on the resolved ticket changes nothing.
    const late = expectTicketCard(await megan.pressInChannel(CHANNEL, activityId, "helpdesk.revokeToken", { ticketId }));
    expect(cardText(late)).toContain("Ärendet är redan löst. Ingenting har ändrats.");
    expect(sqliteTokens(local.dataDir, "alexw").filter((t) => t.status === "active")).toHaveLength(1);

    // The audit trail: who did what to whom.
    expect(sqliteAudit(local.dataDir, "alexw@example.com", "helpdesk.").map((e) => [e.action, e.actor, e.outcome])).toEqual([
      ["helpdesk.escalate", "alexw@example.com", "ok"],
      ["helpdesk.take", "lynner@example.com", "refused"],
      ["helpdesk.take", "meganb@example.com", "ok"],
      ["helpdesk.revokeToken", "meganb@example.com", "ok"],
      ["helpdesk.invite", "meganb@example.com", "ok"],
      ["helpdesk.escalate", "alexw@example.com", "ok"],
      ["helpdesk.clearLimits", "meganb@example.com", "ok"],
      ["helpdesk.resolve", "meganb@example.com", "ok"],
      ["helpdesk.revokeToken", "meganb@example.com", "refused"],
    ]);
    const revokeAudit = sqliteAudit(local.dataDir, "alexw@example.com", "helpdesk.revokeToken")[0]!;
    expect(revokeAudit.detail).toMatchObject({ ticketId, deviceName: "Jobbmobil", employeeNotified: true });
  });

  it("a double-clicked 'contact the helpdesk' opens one ticket with one card in the channel, showing every question", async () => {
    const isaiah = new TeamsUser(people.isaiahl, local.connector, local.bot.url);
    channelActivities();
    const posts = postsToChannel().length;
    const results = await Promise.all(
      ["Första frågan", "Andra frågan", "Tredje frågan"].map((question) => isaiah.press("help.escalate", { question })),
    );
    for (const result of results) expectCardResponse(result);
    expect(sqliteTickets(local.dataDir, "isaiah@example.com")).toHaveLength(1);
    expect(postsToChannel().length - posts).toBe(1);
    const activities = channelActivities();
    const postId = activities.find((r) => r.replyToId === undefined)!.id;
    expect(activities.every((r) => r.replyToId === undefined || r.replyToId === postId)).toBe(true);
    const latest = JSON.stringify(cardOfReply(activities.at(-1)!));
    for (const question of ["Första frågan", "Andra frågan", "Tredje frågan"]) expect(latest).toContain(question);
  });

  it("answers a helpdesk button with an unknown or malformed ticket id clearly, changing nothing", async () => {
    const megan = new TeamsUser(people.meganb, local.connector, local.bot.url);
    const before = local.connector.requests.length;
    const unknown = await megan.pressInChannel(CHANNEL, "1", "helpdesk.take", { ticketId: "00000000-0000-4000-8000-000000000000" });
    expectCardResponse(unknown);
    expect(cardText(unknown.card)).toBe("Ärendet finns inte.");
    for (const ticketId of [{ $ne: null }, "x".repeat(5000), 42]) {
      const malformed = await megan.pressInChannel(CHANNEL, "1", "helpdesk.take", { ticketId });
      expectCardResponse(malformed);
      expect(cardText(malformed.card)).toBe("Det du skickade gick inte att läsa. Försök igen.");
    }
    // Only member look-ups reached the connector: no post, no update.
    expect(local.connector.requests.slice(before).filter((r) => !r.startsWith("GET "))).toEqual([]);
  });
});
