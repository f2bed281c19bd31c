import { SmsClient } from "@azure/communication-sms";
import { ManagedIdentityCredential } from "@azure/identity";
import { isLoopbackHost } from "../../config/loopback.js";
import { acsConnectionEndpoint } from "../../config/sms-config.js";
import type { SmsSender, SmsSendOptions } from "../../ports/sms-sender.js";
import type { Logger } from "../logger.js";
import { sendWithRetries, statusFailure, type AttemptOutcome, type RetryPolicy } from "./send-with-retries.js";

/** An access key in a connection string, or the endpoint reached with a managed identity. */
export type AcsCredential = { connectionString: string } | { endpoint: string; managedIdentityClientId?: string };

/** How @azure/core-rest-pipeline's RestError looks (not imported: it is the SDK's own dependency). */
interface RestErrorLike {
  name: string;
  statusCode?: number;
  response?: { headers: { get(name: string): string | undefined } };
}

/** Plain http:// is allowed only to this machine (a stand-in); config refuses it elsewhere. */
function isLoopbackHttp(endpoint: string): boolean {
  const url = new URL(endpoint);
  return url.protocol === "http:" && isLoopbackHost(url.hostname);
}

/** The user-assigned identity with this client id, else the system-assigned one. */
function managedIdentity(clientId: string | undefined): ManagedIdentityCredential {
  return new ManagedIdentityCredential(clientId ? { clientId } : {});
}

/** Phone numbers in a service's error text are cut: the number is personal data. */
function withoutNumbers(text: string): string {
  return text.replace(/\+?\d[\d ]{5,}\d/g, "[number]").slice(0, 200);
}

/**
 * Azure Communication Services SMS through @azure/communication-sms. A 202 only means ACS took
 * the request: each recipient's `successful` says whether it was accepted for delivery.
 * The SDK's own retries are off; sendWithRetries retries within the code's validity instead.
 */
export class AcsSmsSender implements SmsSender {
  private readonly client: SmsClient;

  constructor(
    credential: AcsCredential,
    private readonly senderName: string,
    private readonly retry: RetryPolicy,
    private readonly logger: Logger,
  ) {
    const endpoint = "connectionString" in credential ? (acsConnectionEndpoint(credential.connectionString) ?? "") : credential.endpoint;
    const options = { retryOptions: { maxRetries: 0 }, allowInsecureConnection: isLoopbackHttp(endpoint) };
    this.client =
      "connectionString" in credential
        ? new SmsClient(credential.connectionString, options)
        : new SmsClient(credential.endpoint, managedIdentity(credential.managedIdentityClientId), options);
  }

  send(toE164: string, text: string, options?: SmsSendOptions): Promise<void> {
    return sendWithRetries("acs", (timeoutMs) => this.attempt(toE164, text, timeoutMs), this.retry, this.logger, options);
  }

  private async attempt(toE164: string, text: string, timeoutMs: number): Promise<AttemptOutcome> {
    try {
      const [result] = await this.client.send(
        { from: this.senderName, to: [toE164], message: text },
        { enableDeliveryReport: false, abortSignal: AbortSignal.timeout(timeoutMs) },
      );
      if (!result) return { ok: false, retryable: true, reason: "no result for the recipient" };
      if (result.successful) return { ok: true, status: result.httpStatusCode };
      const status = result.httpStatusCode;
      return statusFailure(status, undefined, `recipient refused: ${withoutNumbers(result.errorMessage ?? `HTTP ${status}`)}`);
    } catch (error) {
      return this.failure(error, timeoutMs);
    }
  }

  private failure(error: unknown, timeoutMs: number): AttemptOutcome {
    const failed = (error ?? {}) as RestErrorLike;
    if (failed.name === "AbortError" || failed.name === "TimeoutError") {
      return { ok: false, retryable: true, reason: `no answer within ${timeoutMs} ms` };
    }
    if (failed.name === "RestError" && failed.statusCode !== undefined)
      return statusFailure(failed.statusCode, failed.response?.headers.get("retry-after"));
    if (failed.name === "RestError") return { ok: false, retryable: true, reason: "ACS could not be reached" };
    // E.g. the managed identity has no token: retrying will not help.
    return { ok: false, retryable: false, reason: `${failed.name ?? "error"} before sending` };
  }
}
