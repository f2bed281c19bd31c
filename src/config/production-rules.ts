import type { Env } from "./config-schema.js";
import { keyRandomnessProblem } from "./key-randomness.js";

/**
 * What production (MICROSOFT_APP_ID set) demands beyond the schema: no local stand-ins, no
 * fail-open defaults. Each entry names the variable and says why.
 */
export function productionProblems(e: Env): string[] {
  const problems: string[] = [];
  const need = (ok: unknown, problem: string) => {
    if (!ok) problems.push(problem);
  };
  need(
    e.MICROSOFT_APP_TYPE === "UserAssignedMSI" || e.MICROSOFT_APP_PASSWORD,
    "MICROSOFT_APP_PASSWORD: required with MICROSOFT_APP_ID (or set MICROSOFT_APP_TYPE=UserAssignedMSI)",
  );
  need(
    e.MICROSOFT_APP_TYPE !== "MultiTenant",
    "MICROSOFT_APP_TYPE: MultiTenant is refused; the bot serves the region's tenant only (SingleTenant or UserAssignedMSI)",
  );
  need(e.MICROSOFT_APP_TENANT_ID, "MICROSOFT_APP_TENANT_ID: required in production (activities from other tenants are refused)");
  need(
    e.KEY_VAULT_KEY_ID || e.ENCRYPTION_KEY,
    "ENCRYPTION_KEY: required in production unless KEY_VAULT_KEY_ID is set (32 random bytes, base64); only local mode generates one",
  );
  if (e.ENCRYPTION_KEY) {
    const weak = keyRandomnessProblem(Buffer.from(e.ENCRYPTION_KEY, "base64"));
    if (weak) problems.push(`ENCRYPTION_KEY: ${weak}; it must be 32 random bytes, base64: make one with openssl rand -base64 32`);
  }
  need(e.LDAP_URL, "LDAP_URL: required in production; the demo directory is for local mode only");
  need(!e.LDAP_ALLOW_PLAINTEXT, "LDAP_ALLOW_PLAINTEXT: must be false in production (passwords would cross the network unencrypted)");
  need(e.LDAP_ELIGIBLE_GROUP_DN, "LDAP_ELIGIBLE_GROUP_DN: required in production (without it every directory account may enroll)");
  need(e.HELPDESK_CHANNEL_ID, "HELPDESK_CHANNEL_ID: required in production (the helpdesk's Teams channel, 19:…@thread.tacv2)");
  need(e.HELPDESK_GROUP_ID, "HELPDESK_GROUP_ID: required in production (the AD group whose members may act on tickets)");
  return problems;
}
