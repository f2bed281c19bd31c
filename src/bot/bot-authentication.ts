import { ConfigurationBotFrameworkAuthentication } from "botbuilder";
import type { Config } from "../config/load-config.js";

/**
 * Bot Framework authentication from the configuration: none in local mode (loopback only),
 * else the Azure Bot's app registration. Shared by the bot (src/main.ts) and the campaign CLI.
 */
export function botAuthentication(config: Config): ConfigurationBotFrameworkAuthentication {
  if (config.localMode) return new ConfigurationBotFrameworkAuthentication({});
  return new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: config.MICROSOFT_APP_ID,
    MicrosoftAppPassword: config.MICROSOFT_APP_PASSWORD,
    MicrosoftAppType: config.MICROSOFT_APP_TYPE,
    MicrosoftAppTenantId: config.MICROSOFT_APP_TENANT_ID,
  });
}
