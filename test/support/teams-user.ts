/**
 * A Teams user talking to the bot over HTTP the way the Teams channel does: activities
 * POSTed to /api/messages with the stand-in connector as serviceUrl. Messages get their
 * answers through the connector (captured by the stand-in); card actions are
 * `adaptiveCard/action` invokes answered in the HTTP response.
 */
import { randomUUID } from "node:crypto";
import type { CapturedReply, ConnectorStandIn, TeamsMember } from "./connector-stand-in.js";
import type { Card } from "./cards.js";

export const TENANT_ID = "00000000-0000-0000-0000-0000000000001";
export const BOT_ID = "28:otp-enrollment-bot";
/** The helpdesk channel in local mode: the Agents Playground's team channel (src/bot/edge/helpdesk-notifier.ts). */
export const LOCAL_HELPDESK_CHANNEL_ID = "channel-announcements-id";
export const TEAM_ID = "19:team-general@thread.tacv2";

export interface DemoPerson {
  login: string;
  upn: string;
  name: string;
  aadObjectId: string;
}

/** The playground's demo users (see src/adapters/demo-directory.ts), with Teams ids. */
export const people = {
  alexw: { login: "alexw", upn: "alexw@example.com", name: "Alex Wilber", aadObjectId: "00000000-0000-0000-0000-0000000000020" },
  meganb: { login: "meganb", upn: "meganb@example.com", name: "Megan Bowen", aadObjectId: "00000000-0000-0000-0000-0000000000030" },
  adelev: { login: "adelev", upn: "adelev@example.com", name: "Adele Vance", aadObjectId: "00000000-0000-0000-0000-0000000000040" },
  isaiahl: { login: "isaiahl", upn: "isaiah@example.com", name: "Isaiah Langer", aadObjectId: "00000000-0000-0000-0000-0000000000050" },
  pattif: { login: "pattif", upn: "pattif@example.com", name: "Patti Fernandez", aadObjectId: "00000000-0000-0000-0000-0000000000060" },
  lynner: { login: "lynner", upn: "lynner@example.com", name: "Lynne Robbins", aadObjectId: "00000000-0000-0000-0000-0000000000070" },
} satisfies Record<string, DemoPerson>;

export function teamsMember(person: DemoPerson): TeamsMember {
  const [givenName = "", surname = ""] = person.name.split(" ");
  return {
    id: `29:user-${person.login}`,
    name: person.name,
    aadObjectId: person.aadObjectId,
    userPrincipalName: person.upn,
    email: person.upn,
    givenName,
    surname,
    tenantId: TENANT_ID,
  };
}

export interface InvokeResult {
  status: number;
  body: { statusCode?: number; type?: string; value?: Card } & Record<string, unknown>;
  /** The card of the invoke response (empty object when there is none). */
  card: Card;
}

export interface MessageResult {
  status: number;
  /** What the bot posted to the connector during this turn. */
  replies: CapturedReply[];
  /** The cards among those replies, in order. */
  cards: Card[];
  texts: string[];
}

export class TeamsUser {
  readonly conversationId: string;
  readonly member: TeamsMember;
  /**
   * What the activities say in `from.aadObjectId`: the person's own object id, unless a
   * test forges it (another person's id, or undefined to leave it out). The roster look-up
   * (`from.id`) still answers with this user's own member record.
   */
  claimedAadObjectId: string | undefined;
  /** The message whose card the next presses are on: sent as the invoke's replyToId, as Teams does. */
  pressingOn: string | undefined;

  constructor(
    readonly person: DemoPerson,
    private readonly connector: ConnectorStandIn,
    /** The bot's base URL; change it to talk to another instance. */
    public botUrl: string,
    public locale = "sv-SE",
  ) {
    this.member = teamsMember(person);
    this.claimedAadObjectId = person.aadObjectId;
    this.conversationId = `a:personal-${person.login}-${randomUUID()}`;
    connector.addMember(this.member);
  }

  activity(fields: Record<string, unknown>): Record<string, unknown> {
    return {
      id: randomUUID(),
      timestamp: new Date().toISOString(),
      channelId: "msteams",
      serviceUrl: this.connector.url,
      conversation: { id: this.conversationId, conversationType: "personal", tenantId: TENANT_ID },
      from: { id: this.member.id, aadObjectId: this.claimedAadObjectId, name: this.person.name },
      recipient: { id: BOT_ID, name: "OTP-registrering" },
      locale: this.locale,
      channelData: { tenant: { id: TENANT_ID } },
      ...fields,
    };
  }

  async post(activity: Record<string, unknown> | string, botUrl = this.botUrl): Promise<{ status: number; text: string }> {
    const res = await fetch(`${botUrl}/api/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: typeof activity === "string" ? activity : JSON.stringify(activity),
    });
    return { status: res.status, text: await res.text() };
  }

  /** A typed message; returns what the bot sent back through the connector. */
  async say(text: string, botUrl = this.botUrl): Promise<MessageResult> {
    this.connector.takeReplies(this.conversationId);
    const { status } = await this.post(this.activity({ type: "message", text, textFormat: "plain" }), botUrl);
    const replies = this.connector.takeReplies(this.conversationId);
    const cards = replies.flatMap((r) => (r.activity.attachments ?? []).map((a) => a.content as Card));
    const texts = replies.map((r) => r.activity.text).filter((t): t is string => typeof t === "string");
    return { status, replies, cards, texts };
  }

  /** Presses an Action.Execute button: `data` is the action's data merged with the inputs. */
  async press(verb: string, data: Record<string, unknown>, botUrl = this.botUrl): Promise<InvokeResult> {
    return this.invoke({ action: { type: "Action.Execute", verb, data } }, botUrl);
  }

  /**
   * Presses a button on a card the bot posted in a Teams channel (the helpdesk's ticket
   * card): the invoke comes from the channel conversation of that post, not the 1:1 chat.
   */
  async pressInChannel(
    channelId: string,
    activityId: string,
    verb: string,
    data: Record<string, unknown>,
    botUrl = this.botUrl,
  ): Promise<InvokeResult> {
    const activity = this.activity({
      type: "invoke",
      name: "adaptiveCard/action",
      value: { action: { type: "Action.Execute", verb, data } },
      conversation: { id: `${channelId};messageid=${activityId}`, conversationType: "channel", isGroup: true, tenantId: TENANT_ID },
      channelData: { tenant: { id: TENANT_ID }, team: { id: TEAM_ID }, channel: { id: channelId } },
      replyToId: activityId,
    });
    const { status, text } = await this.post(activity, botUrl);
    const body = (text ? JSON.parse(text) : {}) as InvokeResult["body"];
    return { status, body, card: body.value ?? {} };
  }

  /** An `adaptiveCard/action` invoke with any value (also malformed ones). */
  async invoke(value: unknown, botUrl = this.botUrl): Promise<InvokeResult> {
    const fields = { type: "invoke", name: "adaptiveCard/action", value, ...(this.pressingOn && { replyToId: this.pressingOn }) };
    const { status, text } = await this.post(this.activity(fields), botUrl);
    const body = (text ? JSON.parse(text) : {}) as InvokeResult["body"];
    return { status, body, card: body.value ?? {} };
  }
}
