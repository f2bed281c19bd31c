import { CloudAdapter, type Activity, type ActivityHandler, type ConfigurationBotFrameworkAuthentication } from "botbuilder";
import type { TokenRefusal } from "./bot-token-screen.js";
import { ReusedConnectorClients } from "./reused-connector-clients.js";

type AuthenticateRequestResult = Awaited<ReturnType<ConfigurationBotFrameworkAuthentication["authenticateRequest"]>>;

/** Who sent a request: Bot Framework's verdict, or why not (a fixed word, never the token). */
export type Authentication = { ok: true; result: AuthenticateRequestResult } | { ok: false; reason: TokenRefusal | "rejected" };

/** What runs an authenticated activity's turn (the bot). */
export type TurnHandler = Pick<ActivityHandler, "run">;

/** Checks a token before botbuilder does (production); null lets it go on. */
export type TokenScreen = (authorization: string, channelId: string) => Promise<TokenRefusal | null>;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * CloudAdapter with authentication as a step of its own, so the HTTP edge decides what a
 * refused request hears. CloudAdapter.process answers a refused token with the library's error
 * text (some forged tokens get a 500) and prints each error with its stack to stderr; here a
 * token is first screened (no library code runs for a forged one), then authenticated by
 * botbuilder, and only an authenticated activity runs the bot's turn. The Bot Connector
 * clients of a turn are kept for the next ones (reused-connector-clients.ts).
 */
export class AuthenticatingAdapter extends CloudAdapter {
  private readonly clients = new ReusedConnectorClients();

  constructor(
    private readonly authentication: ConfigurationBotFrameworkAuthentication,
    private readonly screen: TokenScreen | null,
  ) {
    super(authentication);
    this.clients.keepUserTokenClients(authentication);
  }

  /** Reads only the body's channelId and serviceUrl (as strings); never throws. */
  async authenticate(body: unknown, authorization: string): Promise<Authentication> {
    const fields = isPlainObject(body) ? body : {};
    // botbuilder calls channelId.trim() when checking a key's endorsements: a string, "" for none.
    const channelId = typeof fields.channelId === "string" ? fields.channelId : "";
    const serviceUrl = typeof fields.serviceUrl === "string" ? fields.serviceUrl : undefined;
    try {
      const refusal = this.screen ? await this.screen(authorization, channelId) : null;
      if (refusal) return { ok: false, reason: refusal };
      const result = await this.authentication.authenticateRequest({ channelId, serviceUrl } as Activity, authorization);
      return { ok: true, result: this.clients.forRequest(result) };
    } catch {
      return { ok: false, reason: "rejected" };
    }
  }

  /** The bot's turn for an authenticated activity: the invoke response's status and body (200 and none otherwise). */
  async runTurn(
    authenticated: AuthenticateRequestResult,
    activity: unknown,
    bot: TurnHandler,
  ): Promise<{ status: number; body?: unknown }> {
    const response = await this.processActivity(authenticated, withDates(activity as Activity), (context) => bot.run(context));
    return { status: response?.status ?? 200, body: response?.body };
  }
}

/** What CloudAdapter.process does to an activity first (botbuilder's validateAndFixActivity): ISO times become Dates. */
function withDates(activity: Activity): Activity {
  const raw = activity as Activity & Record<string, unknown>;
  for (const [field, rawField] of [
    ["timestamp", "rawTimestamp"],
    ["expiration", "rawExpiration"],
    ["localTimestamp", "rawLocalTimestamp"],
  ] as const) {
    const value = raw[field];
    if (typeof value === "string") {
      raw[rawField] = value;
      raw[field] = new Date(value);
    }
  }
  return activity;
}
