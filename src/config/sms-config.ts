import type { Env } from "./config-schema.js";
import { urlSettingProblem } from "./url-rules.js";

export type SmsProvider = "outbox" | "http" | "acs";

/** SMS_PROVIDER, or what the other settings imply: `http` when SMS_GATEWAY_URL is set, else the local outbox. */
export function smsProvider(e: Env): SmsProvider {
  return e.SMS_PROVIDER ?? (e.SMS_GATEWAY_URL ? "http" : "outbox");
}

/** The endpoint in an ACS connection string (`endpoint=https://…;accesskey=…`), or undefined when it has none. */
export function acsConnectionEndpoint(connectionString: string): string | undefined {
  const match = /(?:^|;)\s*endpoint=([^;]+)/i.exec(connectionString);
  return match?.[1]?.trim();
}

function httpGatewayProblems(e: Env): string[] {
  const problems: string[] = [];
  if (!e.SMS_GATEWAY_URL) problems.push("SMS_GATEWAY_URL: required when SMS_PROVIDER=http (the gateway's send URL)");
  const need = (name: keyof Env, why: string) => {
    if (!e[name]) problems.push(`${name}: required when SMS_GATEWAY_AUTH=${e.SMS_GATEWAY_AUTH} (${why})`);
  };
  if (e.SMS_GATEWAY_AUTH === "bearer") need("SMS_GATEWAY_TOKEN", "sent as Authorization: Bearer <token>");
  if (e.SMS_GATEWAY_AUTH === "basic") {
    need("SMS_GATEWAY_USERNAME", "the user name of HTTP basic authentication");
    need("SMS_GATEWAY_PASSWORD", "the password of HTTP basic authentication");
  }
  if (e.SMS_GATEWAY_TO_AS_LIST && e.SMS_GATEWAY_BODY === "form") {
    problems.push("SMS_GATEWAY_TO_AS_LIST: only for SMS_GATEWAY_BODY=json (a form field holds one value)");
  }
  if (e.SMS_GATEWAY_AUTH === "header") {
    need("SMS_GATEWAY_AUTH_HEADER", "the header's name, e.g. X-Api-Key");
    need("SMS_GATEWAY_TOKEN", "the header's value");
  }
  return problems;
}

function acsProblems(e: Env): string[] {
  const why = "the codes travel to it";
  if (e.SMS_ACS_CONNECTION_STRING && e.SMS_ACS_ENDPOINT) {
    return ["SMS_ACS_ENDPOINT: set either SMS_ACS_CONNECTION_STRING (access key) or SMS_ACS_ENDPOINT (managed identity), not both"];
  }
  if (e.SMS_ACS_ENDPOINT) return [urlSettingProblem("SMS_ACS_ENDPOINT", e.SMS_ACS_ENDPOINT, why) ?? []].flat();
  if (!e.SMS_ACS_CONNECTION_STRING) {
    return ["SMS_ACS_CONNECTION_STRING: required when SMS_PROVIDER=acs (or set SMS_ACS_ENDPOINT to use a managed identity)"];
  }
  const endpoint = acsConnectionEndpoint(e.SMS_ACS_CONNECTION_STRING);
  // The connection string holds the access key: its text is never echoed back.
  if (!endpoint || !/(?:^|;)\s*accesskey=[^;]+/i.test(e.SMS_ACS_CONNECTION_STRING)) {
    return [
      "SMS_ACS_CONNECTION_STRING: must look like endpoint=https://<resource>.communication.azure.com/;accesskey=<key> (Azure portal → the resource → Keys)",
    ];
  }
  return [urlSettingProblem("SMS_ACS_CONNECTION_STRING", endpoint, `its endpoint: ${why}`) ?? []].flat();
}

/** What the chosen SMS provider needs; each problem names the variable and says why. */
export function smsConfigProblems(e: Env, localMode: boolean): string[] {
  const provider = smsProvider(e);
  if (provider === "outbox") {
    return localMode ? [] : ["SMS_PROVIDER: required in production (http or acs); the SMS outbox is for local mode only"];
  }
  return provider === "http" ? httpGatewayProblems(e) : acsProblems(e);
}
