import { ClientSecretCredential, ManagedIdentityCredential, type TokenCredential } from "@azure/identity";
import type { Config } from "../config/load-config.js";

/**
 * The app's Azure credential from the bot's own settings: the managed identity
 * (MICROSOFT_APP_TYPE=UserAssignedMSI) or the app registration's client secret.
 * Used for Microsoft Graph (reminder installs) and Azure Key Vault.
 */
export function azureCredentialFromConfig(config: Config): TokenCredential {
  return config.MICROSOFT_APP_TYPE === "UserAssignedMSI"
    ? new ManagedIdentityCredential({ clientId: config.MICROSOFT_APP_ID })
    : new ClientSecretCredential(config.MICROSOFT_APP_TENANT_ID ?? "", config.MICROSOFT_APP_ID ?? "", config.MICROSOFT_APP_PASSWORD ?? "");
}
