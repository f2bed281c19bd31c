// botframework-connector comes with botbuilder; only this test reads it directly, to compare.
import { AuthenticationConstants } from "botframework-connector";
import { describe, expect, it } from "vitest";
import { botAuthentication } from "../../src/bot/edge/bot-authentication.js";
import { loadConfig } from "../../src/config/load-config.js";
import { productionEnv } from "../support/config-problems.js";

const env = productionEnv();
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
    expect(inner(botAuthentication(standIn)).toBotFromChannelOpenIdMetadataUrl).toBe(
      "http://127.0.0.1:4567/v1/.well-known/openidconfiguration",
    );
  });
});
