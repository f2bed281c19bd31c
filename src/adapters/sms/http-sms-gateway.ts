import type { SmsSender, SmsSendOptions } from "../../ports/sms-sender.js";
import type { Logger } from "../logger.js";
import { sendWithRetries, statusFailure, type AttemptOutcome, type RetryPolicy } from "./send-with-retries.js";

export type GatewayAuth =
  | { kind: "bearer"; token: string }
  | { kind: "basic"; username: string; password: string }
  | { kind: "header"; name: string; value: string };

/** A provider's HTTP send API, described by settings (SMS_GATEWAY_*) rather than code. */
export interface HttpGatewaySettings {
  url: string;
  method: "POST" | "PUT";
  body: "json" | "form";
  fields: { to: string; from: string; text: string };
  /** `"to": ["+46…"]` (Sinch's batches) instead of `"to": "+46…"`; JSON bodies only. */
  toAsList: boolean;
  auth: GatewayAuth;
  successStatuses: number[];
  senderName: string;
}

function authorization(auth: GatewayAuth): [string, string] {
  if (auth.kind === "bearer") return ["authorization", `Bearer ${auth.token}`];
  if (auth.kind === "basic") return ["authorization", `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString("base64")}`];
  return [auth.name, auth.value];
}

/**
 * A Swedish provider's (or any) HTTP SMS API: 46elks' form POST with basic auth, Sinch's JSON
 * batches with a bearer token, and the like. The README shows the settings for both.
 */
export class HttpSmsGateway implements SmsSender {
  constructor(
    private readonly settings: HttpGatewaySettings,
    private readonly retry: RetryPolicy,
    private readonly logger: Logger,
  ) {}

  send(toE164: string, text: string, options?: SmsSendOptions): Promise<void> {
    return sendWithRetries("http", (timeoutMs) => this.attempt(toE164, text, timeoutMs), this.retry, this.logger, options);
  }

  private request(toE164: string, text: string): { contentType: string; body: string } {
    const { fields, senderName } = this.settings;
    if (this.settings.body === "form") {
      const form = new URLSearchParams({ [fields.from]: senderName, [fields.to]: toE164, [fields.text]: text });
      return { contentType: "application/x-www-form-urlencoded", body: form.toString() };
    }
    const to = this.settings.toAsList ? [toE164] : toE164;
    return { contentType: "application/json", body: JSON.stringify({ [fields.from]: senderName, [fields.to]: to, [fields.text]: text }) };
  }

  private async attempt(toE164: string, text: string, timeoutMs: number): Promise<AttemptOutcome> {
    const { contentType, body } = this.request(toE164, text);
    const [authName, authValue] = authorization(this.settings.auth);
    let response: Response;
    try {
      response = await fetch(this.settings.url, {
        method: this.settings.method,
        headers: { "content-type": contentType, accept: "application/json", [authName]: authValue },
        body,
        signal: AbortSignal.timeout(timeoutMs),
        redirect: "error",
      });
    } catch (error) {
      const timedOut = error instanceof Error && error.name === "TimeoutError";
      return { ok: false, retryable: true, reason: timedOut ? `no answer within ${timeoutMs} ms` : "the gateway could not be reached" };
    }
    // The body may echo the message: it is never read, only released.
    await response.body?.cancel().catch(() => undefined);
    const { status } = response;
    if (this.settings.successStatuses.includes(status)) return { ok: true, status };
    return statusFailure(status, response.headers.get("retry-after"));
  }
}
