import { join } from "node:path";
import type { Config } from "../../config/load-config.js";
import { smsProvider } from "../../config/sms-config.js";
import type { SmsSender } from "../../ports/sms-sender.js";
import type { Logger } from "../logger.js";
import { AcsSmsSender } from "./acs-sms-sender.js";
import { HttpSmsGateway, type GatewayAuth } from "./http-sms-gateway.js";
import type { RetryPolicy } from "./send-with-retries.js";
import { SMS_OUTBOX_FILE, SmsOutbox } from "./sms-outbox.js";

function gatewayAuth(config: Config): GatewayAuth {
  // loadConfig has checked that the chosen kind's settings are present.
  const { SMS_GATEWAY_AUTH: kind, SMS_GATEWAY_TOKEN: token = "" } = config;
  if (kind === "basic") return { kind, username: config.SMS_GATEWAY_USERNAME ?? "", password: config.SMS_GATEWAY_PASSWORD ?? "" };
  if (kind === "header") return { kind, name: config.SMS_GATEWAY_AUTH_HEADER ?? "", value: token };
  return { kind, token };
}

/** The SMS sender the settings choose (SMS_PROVIDER): an ACS resource, an HTTP gateway, or local mode's outbox. */
export function smsSenderFromConfig(config: Config, logger: Logger): SmsSender {
  const retry: RetryPolicy = {
    windowMs: config.SMS_RETRY_WINDOW_SECONDS * 1000,
    attemptTimeoutMs: config.SMS_GATEWAY_TIMEOUT_MS,
    baseDelayMs: 250,
  };
  const smsLogger = logger.child({ component: "sms" });
  switch (smsProvider(config)) {
    case "acs": {
      const credential = config.SMS_ACS_CONNECTION_STRING
        ? { connectionString: config.SMS_ACS_CONNECTION_STRING }
        : { endpoint: config.SMS_ACS_ENDPOINT ?? "", managedIdentityClientId: config.SMS_ACS_MANAGED_IDENTITY_CLIENT_ID };
      return new AcsSmsSender(credential, config.SMS_SENDER_NAME, retry, smsLogger);
    }
    case "http":
      return new HttpSmsGateway(
        {
          url: config.SMS_GATEWAY_URL ?? "",
          method: config.SMS_GATEWAY_METHOD,
          body: config.SMS_GATEWAY_BODY,
          fields: { to: config.SMS_GATEWAY_FIELD_TO, from: config.SMS_GATEWAY_FIELD_FROM, text: config.SMS_GATEWAY_FIELD_TEXT },
          toAsList: config.SMS_GATEWAY_TO_AS_LIST,
          auth: gatewayAuth(config),
          successStatuses: config.SMS_GATEWAY_SUCCESS_STATUSES,
          senderName: config.SMS_SENDER_NAME,
        },
        retry,
        smsLogger,
      );
    case "outbox":
      return new SmsOutbox(join(config.dataDir, SMS_OUTBOX_FILE));
  }
}
