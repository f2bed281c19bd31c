import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { envSchema, type Env } from "./config-schema.js";
import { isLoopbackHost } from "./loopback.js";
import { productionProblems } from "./production-rules.js";
import { smsConfigProblems } from "./sms-config.js";
import { urlSettingProblem } from "./url-rules.js";

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

export interface Config extends Env {
  /** No Azure Bot credentials: no Bot Framework authentication, loopback only. */
  localMode: boolean;
  dataDir: string;
  ldapCaPem?: string;
}

/** What installing the app through Microsoft Graph needs (an app-only token and the catalog id); not repeating `found`. */
function graphInstallProblems(e: Env, localMode: boolean, found: string[]): string[] {
  const problems: string[] = [];
  const named = (name: string) => found.some((p) => p.startsWith(`${name}:`));
  if (!e.TEAMS_APP_CATALOG_ID)
    problems.push(
      "TEAMS_APP_CATALOG_ID: required when GRAPH_INSTALL_ENABLED=true (the app's id in the tenant app catalog, not the manifest id)",
    );
  if (localMode)
    problems.push("MICROSOFT_APP_ID: required when GRAPH_INSTALL_ENABLED=true (the app registration that gets the Microsoft Graph token)");
  const msi = e.MICROSOFT_APP_TYPE === "UserAssignedMSI";
  if (!msi && !e.MICROSOFT_APP_PASSWORD && !named("MICROSOFT_APP_PASSWORD")) {
    problems.push("MICROSOFT_APP_PASSWORD: required when GRAPH_INSTALL_ENABLED=true (or set MICROSOFT_APP_TYPE=UserAssignedMSI)");
  }
  if (!msi && !e.MICROSOFT_APP_TENANT_ID && !named("MICROSOFT_APP_TENANT_ID")) {
    problems.push(
      "MICROSOFT_APP_TENANT_ID: required when GRAPH_INSTALL_ENABLED=true (app-only Microsoft Graph tokens are issued per tenant)",
    );
  }
  return problems;
}

/** Every URL setting, and what travels to it: each must be https:// (http:// only on loopback). */
function urlProblems(e: Env): string[] {
  const checks: [string, string | undefined, string][] = [
    ["SMS_GATEWAY_URL", e.SMS_GATEWAY_URL, "codes and the gateway token travel in it"],
    ["HELPDESK_SERVICE_URL", e.HELPDESK_SERVICE_URL, "the bot's access token and ticket cards travel in it"],
    ["GRAPH_BASE_URL", e.GRAPH_BASE_URL, "the Microsoft Graph token travels in it"],
    ["CITRIX_URL", e.CITRIX_URL, "people are sent there to log in with their password and code"],
    ["BOT_OPENID_METADATA_URL", e.BOT_OPENID_METADATA_URL, "the keys that decide which tokens are accepted come from it"],
  ];
  return checks.flatMap(([name, url, why]) => urlSettingProblem(name, url, why) ?? []);
}

/**
 * Reads and checks every setting once. Each problem names the variable and why, and a
 * secret's value is never echoed back.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];
  const localMode = !e.MICROSOFT_APP_ID;
  if (localMode && !isLoopbackHost(e.HOST)) {
    problems.push(
      `HOST: is ${e.HOST}, but without MICROSOFT_APP_ID there is no Bot Framework authentication, which is only allowed on loopback (127.0.0.1)`,
    );
  }
  if (!localMode) problems.push(...productionProblems(e));
  if (e.LDAP_URL) {
    for (const name of ["LDAP_BIND_DN", "LDAP_BIND_PASSWORD", "LDAP_BASE_DN"] as const) {
      if (!e[name]) problems.push(`${name}: required when LDAP_URL is set`);
    }
  }
  problems.push(...smsConfigProblems(e, localMode));
  if (e.GRAPH_INSTALL_ENABLED) problems.push(...graphInstallProblems(e, localMode, problems));
  problems.push(...urlProblems(e));
  let ldapCaPem: string | undefined;
  if (e.LDAP_CA_FILE) {
    try {
      ldapCaPem = readFileSync(e.LDAP_CA_FILE, "utf8");
    } catch {
      problems.push(`LDAP_CA_FILE: cannot read ${e.LDAP_CA_FILE}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { ...e, localMode, dataDir: resolve(e.DATA_DIR), ldapCaPem };
}

/**
 * For an entry point: the checked settings, or the problems on stderr and exit code 2.
 * `extra` adds the entry point's own checks (e.g. the validation service's).
 */
export function loadConfigOrExit(extra: (config: Config) => string[] = () => []): Config {
  try {
    const config = loadConfig();
    const problems = extra(config);
    if (problems.length > 0) throw new ConfigError(problems);
    return config;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
}
