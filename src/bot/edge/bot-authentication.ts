import { CallerIdConstants, ConfigurationBotFrameworkAuthentication } from "botbuilder";
import type { Config } from "../../config/load-config.js";
import { AuthenticatingAdapter } from "./authenticating-adapter.js";
import { OpenIdSigningKeys } from "./bot-signing-keys.js";
import { screenToken } from "./bot-token-screen.js";

/** Who signs the tokens the Bot Connector sends with each activity (public cloud). */
export const CHANNEL_TOKEN_ISSUER = "https://api.botframework.com";

/**
 * Bot Framework's public-cloud endpoints (botframework-connector's AuthenticationConstants,
 * which botbuilder does not re-export; a unit test keeps them equal). Spelled out because
 * naming any one of them, as BOT_OPENID_METADATA_URL does, makes the library take none of
 * its defaults.
 */
const PUBLIC_CLOUD = {
  ToChannelFromBotLoginUrl: "https://login.microsoftonline.com/botframework.com",
  ToChannelFromBotOAuthScope: "https://api.botframework.com",
  ToBotFromChannelTokenIssuer: CHANNEL_TOKEN_ISSUER,
  OAuthUrl: "https://api.botframework.com",
  ToBotFromEmulatorOpenIdMetadataUrl: "https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration",
  CallerId: CallerIdConstants.PublicAzureChannel,
  ValidateAuthority: true,
};

/**
 * Bot Framework authentication from the configuration: none in local mode (loopback only),
 * else the Azure Bot's app registration. Shared by the bot (src/main.ts) and the campaign CLI.
 */
export function botAuthentication(config: Config): ConfigurationBotFrameworkAuthentication {
  if (config.localMode) return new ConfigurationBotFrameworkAuthentication({});
  return new ConfigurationBotFrameworkAuthentication({
    ...PUBLIC_CLOUD,
    ToBotFromChannelOpenIdMetadataUrl: config.BOT_OPENID_METADATA_URL,
    MicrosoftAppId: config.MICROSOFT_APP_ID,
    MicrosoftAppPassword: config.MICROSOFT_APP_PASSWORD,
    MicrosoftAppType: config.MICROSOFT_APP_TYPE,
    MicrosoftAppTenantId: config.MICROSOFT_APP_TENANT_ID,
  });
}

/**
 * The bot's adapter: in production every token is screened (src/bot/bot-token-screen.ts)
 * before botbuilder authenticates it; local mode has no authentication (loopback only).
 */
export function botAdapter(config: Config): AuthenticatingAdapter {
  if (config.localMode || !config.MICROSOFT_APP_ID) return new AuthenticatingAdapter(botAuthentication(config), null);
  const options = {
    appId: config.MICROSOFT_APP_ID,
    issuer: CHANNEL_TOKEN_ISSUER,
    keys: new OpenIdSigningKeys(config.BOT_OPENID_METADATA_URL),
  };
  return new AuthenticatingAdapter(botAuthentication(config), (authorization, channelId) => screenToken(authorization, channelId, options));
}
