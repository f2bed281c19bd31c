import { randomBytes } from "node:crypto";
// botframework-connector comes with botbuilder; only this test reads it directly, to compare.
import { AuthenticationConstants } from "botframework-connector";
import { describe, expect, it } from "vitest";
import { botAuthentication } from "../../src/bot/bot-authentication.js";
import { loadConfig } from "../../src/config/load-config.js";

const env = {
  MICROSOFT_APP_ID: "app", MICROSOFT_APP_PASSWORD: "s", MICROSOFT_APP_TENANT_ID: "t", ENCRYPTION_KEY: randomBytes(32).toString("base64"),
  LDAP_URL: "ldaps://dc", LDAP_BIND_DN: "CN=svc", LDAP_BIND_PASSWORD: "x", LDAP_BASE_DN: "DC=r", LDAP_ELIGIBLE_GROUP_DN: "CN=VPN,DC=r",
  SMS_GATEWAY_URL: "https://sms.example/send", SMS_GATEWAY_TOKEN: "t", HELPDESK_CHANNEL_ID: "19:x@thread.tacv2", HELPDESK_GROUP_ID: "CN=HD,DC=r",
};
const production = loadConfig(env);

/** The library's parameterised authentication behind ConfigurationBotFrameworkAuthentication. */
const inner = (auth: unknown) => (auth as { inner: Record<string, unknown> }).inner;

describe("Bot Framework authentication settings", () => {
  it("are the library's public-cloud defaults, with the metadata URL from the configuration", () => {
    expect(inner(botAuthentication(production))).toMatchObject({
      validateAuthority: true,
      toChannelFromBotLoginUrl: AuthenticationConstants.ToChannelFromBotLoginUrl,
      toChannelFromBotOAuthScope: AuthenticationConstants.ToChannelFromBotOAuthScope,
      toBotFromChannelTokenIssuer: AuthenticationConstants.ToBotFromChannelTokenIssuer,
      oAuthUrl: AuthenticationConstants.OAuthUrl,
      toBotFromChannelOpenIdMetadataUrl: AuthenticationConstants.ToBotFromChannelOpenIdMetadataUrl,
      toBotFromEmulatorOpenIdMetadataUrl: AuthenticationConstants.ToBotFromEmulatorOpenIdMetadataUrl,
      callerId: "urn:botframework:azure",
    });
    const standIn = loadConfig({ ...env, BOT_OPENID_METADATA_URL: "http://127.0.0.1:4567/v1/.well-known/openidconfiguration" });
    expect(inner(botAuthentication(standIn)).toBotFromChannelOpenIdMetadataUrl).toBe("http://127.0.0.1:4567/v1/.well-known/openidconfiguration");
  });
});
