import { randomBytes } from "node:crypto";
import { ConfigError, loadConfig } from "../../src/config/load-config.js";

/** What loadConfig refuses in `env` (empty when it starts). */
export function configProblems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

/** A complete production configuration that starts (a fresh random key each call); tests change one thing. */
export function productionEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    MICROSOFT_APP_ID: "app",
    MICROSOFT_APP_PASSWORD: "s",
    MICROSOFT_APP_TENANT_ID: "t",
    ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    LDAP_URL: "ldaps://dc",
    LDAP_BIND_DN: "CN=svc",
    LDAP_BIND_PASSWORD: "x",
    LDAP_BASE_DN: "DC=r",
    LDAP_ELIGIBLE_GROUP_DN: "CN=VPN,DC=r",
    SMS_GATEWAY_URL: "https://sms.example/send",
    SMS_GATEWAY_TOKEN: "t",
    HELPDESK_CHANNEL_ID: "19:x@thread.tacv2",
    HELPDESK_GROUP_ID: "CN=HD,DC=r",
    ...overrides,
  };
}
