import type { SmsSender } from "../ports/sms-sender.js";
import { SmsDeliveryError } from "../features/shared/errors.js";

/**
 * A generic HTTPS SMS gateway: POST {to, from, text} as JSON with a bearer token.
 * Most Swedish SMS providers offer such an endpoint; adapt the body here for another.
 */
export class HttpSmsGateway implements SmsSender {
  constructor(
    private readonly url: string,
    private readonly token: string,
    private readonly senderName: string,
    private readonly timeoutMs = 10_000,
  ) {}

  async send(toE164: string, text: string): Promise<void> {
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${this.token}` },
        body: JSON.stringify({ to: toE164, from: this.senderName, text }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new SmsDeliveryError("The SMS gateway could not be reached.", { cause: error });
    }
    // The body may echo the message; it is deliberately not read into the error.
    if (!response.ok) throw new SmsDeliveryError(`The SMS gateway answered HTTP ${response.status}.`);
  }
}
