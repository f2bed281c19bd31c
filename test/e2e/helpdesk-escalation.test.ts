/**
 * Escalation to the helpdesk end to end over real HTTP: Teams activities are POSTed to
 * /api/messages; the bot's channel posts, card updates (PUT) and proactive messages go to
 * the stand-in Bot Connector. Runs against test/support/helpdesk-app.ts (the real
 * CloudAdapter in local mode, the real helpdesk pieces, SQLite, the demo directory) until
 * main.ts wires the helpdesk; then startBot() can replace it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EnrollmentState } from "../../src/domain/enrollment-state.js";
import { actionData, cardText, cardTitle, verbsOf, type Card } from "../support/cards.js";
import { ConnectorStandIn, type CapturedReply } from "../support/connector-stand-in.js";
import { startHelpdeskApp, type HelpdeskApp } from "../support/helpdesk-app.js";
import { people, TeamsUser, TENANT_ID, type InvokeResult } from "../support/teams-user.js";

let connector: ConnectorStandIn;
let app: HelpdeskApp;

beforeAll(async () => {
  connector = await ConnectorStandIn.start();
  app = await startHelpdeskApp();
});

afterAll(async () => {
  await app?.stop();
  await connector?.stop();
});

const cardOf = (reply: CapturedReply): Card => reply.activity.attachments?.[0]?.content as Card;

/** A helpdesk member pressing a button on the ticket card in the channel. */
async function pressInChannel(user: TeamsUser, activityId: string, verb: string, data: Record<string, unknown>): Promise<InvokeResult> {
  const activity = user.activity({
    type: "invoke",
    name: "adaptiveCard/action",
    value: { action: { type: "Action.Execute", verb, data } },
    conversation: { id: `${app.channelId};messageid=${activityId}`, conversationType: "channel", isGroup: true, tenantId: TENANT_ID },
    channelData: { tenant: { id: TENANT_ID }, team: { id: "19:team-general@thread.tacv2" }, channel: { id: app.channelId } },
    replyToId: activityId,
  });
  const { status, text } = await user.post(activity);
  const body = (text ? JSON.parse(text) : {}) as InvokeResult["body"];
  return { status, body, card: body.value ?? {} };
}

function putsTo(activityId: string): string[] {
  return connector.requests.filter((r) => r === `PUT /v3/conversations/${app.channelId}/activities/${activityId}`);
}

describe("escalation to the helpdesk over HTTP", () => {
  it("posts the ticket card to the channel, refuses an outsider, and take → revoke → resolve update it in place and tell the employee", async () => {
    const alex = new TeamsUser(people.alexw, connector, app.url);
    const lynne = new TeamsUser(people.lynner, connector, app.url);
    const megan = new TeamsUser(people.meganb, connector, app.url);

    // Alex enrolled a phone earlier and is now stuck at the SMS step of a new enrollment.
    const state: EnrollmentState = {
      flowId: "flow-e2e",
      step: "sms",
      locale: "sv",
      startedAt: new Date().toISOString(),
      updatedAt: new Date().toISOString(),
      callerUpn: "alexw@example.com",
      account: { id: "demo:alexw", loginName: "alexw", displayName: "Alex Wilber", mobile: "+46701740605" },
      passwordFailures: 0,
      confirmFailures: 0,
      lastError: "error.smsWrong",
    };
    await app.stores.enrollments.save(people.alexw.aadObjectId, state, null, {
      id: "token-e2e",
      loginName: "alexw",
      upn: "alexw@example.com",
      deviceName: "Jobbmobil",
      secretSealed: "sealed-e2e",
      activatedAt: new Date(),
      lastTimeStep: 1,
    });

    expect((await alex.say("hej")).texts).toEqual(["ok"]);

    // 1. "Contact the helpdesk" with a question.
    const escalated = await alex.press("help.escalate", { question: "Jag har tappat min telefon och får inget sms" });
    expect(escalated.status).toBe(200);
    expect(cardText(escalated.card)).toContain("Ditt ärende är skickat till IT-supporten.");

    const posted = connector.takeReplies(app.channelId);
    expect(posted).toHaveLength(1);
    expect(connector.requests).toContain(`POST /v3/conversations/${app.channelId}/activities`);
    const activityId = posted[0]!.id;
    const card = cardOf(posted[0]!);
    expect(cardTitle(card)).toBe("Supportärende: Alex Wilber");
    const text = JSON.stringify(card);
    for (const expected of ["Öppet – ingen har tagit det ännu", "alexw@example.com", "Akutmottagningen", "2 av 4: kod via sms", "Fel kod. Du har … försök kvar.", "Aktiv på Jobbmobil", "Jag har tappat min telefon och får inget sms"]) {
      expect(text).toContain(expected);
    }
    expect(text).not.toMatch(/1740605|sealed-e2e|flow-e2e/);
    const ticketId = actionData(card, "helpdesk.take").ticketId as string;
    expect(verbsOf(card)).toEqual(["helpdesk.take", "helpdesk.resolve", "helpdesk.clearLimits", "helpdesk.invite", "helpdesk.revokeToken"]);

    // Asking again adds to the same ticket: the card is updated, not posted again.
    await alex.press("help.escalate", { question: "Det är bråttom" });
    expect(putsTo(activityId)).toHaveLength(1);
    const updatedByQuestion = connector.takeReplies(app.channelId);
    expect(updatedByQuestion.map((r) => r.replyToId)).toEqual([activityId]);
    expect(JSON.stringify(cardOf(updatedByQuestion[0]!))).toContain("Det är bråttom");

    // 2. Someone outside the helpdesk group: refused, nothing changes, nobody is told.
    const refused = await pressInChannel(lynne, activityId, "helpdesk.take", { ticketId });
    expect(refused.status).toBe(200);
    expect(cardText(refused.card)).toContain("Du är inte med i IT-supportens grupp");
    expect(cardText(refused.card)).toContain("Öppet – ingen har tagit det ännu");
    expect(putsTo(activityId)).toHaveLength(1);
    expect(connector.takeReplies(alex.conversationId)).toEqual([]);
    expect((await app.helpdeskStores.tickets.get(ticketId))?.value.status).toBe("open");

    // 3. Megan (group "helpdesk") takes it: the card is updated in place, Alex is told.
    const taken = await pressInChannel(megan, activityId, "helpdesk.take", { ticketId });
    expect(cardText(taken.card)).toContain("Taget av meganb@example.com");
    expect(cardText(taken.card)).toContain("Du har tagit ärendet.");
    expect(putsTo(activityId)).toHaveLength(2);
    const takenUpdate = connector.takeReplies(app.channelId);
    expect(takenUpdate.map((r) => r.replyToId)).toEqual([activityId]);
    expect(cardText(cardOf(takenUpdate[0]!))).toContain("Taget av meganb@example.com");
    const toldTaken = await connector.nextReply(alex.conversationId);
    expect(toldTaken.activity.text).toBe("Megan Bowen på IT-supporten har tagit ditt ärende och hör av sig.");

    // 4. Lost phone: revoke. The token is really inactive in the database.
    const revoked = await pressInChannel(megan, activityId, "helpdesk.revokeToken", { ticketId });
    expect(cardText(revoked.card)).toContain("Authenticator på Jobbmobil är spärrad.");
    expect(verbsOf(revoked.card)).not.toContain("helpdesk.revokeToken");
    const rows = await app.database.db.selectFrom("tokens").select(["status", "ended_at"]).where("login_name", "=", "alexw").execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.status).toBe("revoked");
    expect(rows[0]!.ended_at).not.toBeNull();
    expect(await app.stores.tokens.findActive("alexw")).toBeNull();
    expect((await connector.nextReply(alex.conversationId)).activity.text).toContain("IT-supporten har spärrat din Microsoft Authenticator (Jobbmobil)");
    expect(putsTo(activityId)).toHaveLength(3);
    connector.takeReplies(app.channelId);

    // 5. Resolve: the card shows it, without buttons; Alex is told.
    const resolved = await pressInChannel(megan, activityId, "helpdesk.resolve", { ticketId });
    expect(cardText(resolved.card)).toContain("Löst av meganb@example.com");
    expect(verbsOf(resolved.card)).toEqual([]);
    expect(putsTo(activityId)).toHaveLength(4);
    expect(cardText(cardOf(connector.takeReplies(app.channelId)[0]!))).toContain("Löst av meganb@example.com");
    expect((await connector.nextReply(alex.conversationId)).activity.text).toContain("IT-supporten har markerat ditt ärende som löst.");

    // The audit trail: who did what to whom.
    const audit = await app.stores.audit.listForSubject("alexw@example.com");
    expect(audit.filter((e) => e.action.startsWith("helpdesk.")).map((e) => [e.action, e.actor, e.outcome])).toEqual([
      ["helpdesk.escalate", "alexw@example.com", "ok"],
      ["helpdesk.escalate", "alexw@example.com", "ok"],
      ["helpdesk.take", "lynner@example.com", "refused"],
      ["helpdesk.take", "meganb@example.com", "ok"],
      ["helpdesk.revokeToken", "meganb@example.com", "ok"],
      ["helpdesk.resolve", "meganb@example.com", "ok"],
    ]);
  });

  it("answers a helpdesk button with a malformed or unknown ticket clearly, changing nothing", async () => {
    const megan = new TeamsUser(people.meganb, connector, app.url);
    const unknown = await pressInChannel(megan, "1", "helpdesk.take", { ticketId: "00000000-0000-4000-8000-000000000000" });
    expect(unknown.status).toBe(200);
    expect(cardText(unknown.card)).toBe("Ärendet finns inte.");
    const malformed = await pressInChannel(megan, "1", "helpdesk.take", { ticketId: { $ne: null } });
    expect(cardText(malformed.card)).toBe("Det du skickade gick inte att läsa. Försök igen.");
  });
});
