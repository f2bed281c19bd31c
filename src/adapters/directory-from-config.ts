import type { Config } from "../config/load-config.js";
import type { Directory } from "../ports/directory.js";
import { DEMO_ELIGIBLE_GROUP, DemoDirectory } from "./demo-directory.js";
import { LdapDirectory } from "./ldap/ldap-directory.js";
import type { Logger } from "./logger.js";

/**
 * The directory the configuration asks for: Active Directory over LDAP when LDAP_URL is
 * set, else the demo directory. Shared by the bot (src/main.ts) and the campaign CLI.
 */
export function directoryFromConfig(config: Config, logger: Logger): Directory {
  if (!config.LDAP_URL) return new DemoDirectory();
  return new LdapDirectory(
    {
      url: config.LDAP_URL,
      // StartTLS upgrades ldap:// only; ldaps:// is TLS from the first byte.
      startTls: config.LDAP_URL.startsWith("ldap://") && config.LDAP_START_TLS,
      allowPlaintext: config.LDAP_ALLOW_PLAINTEXT,
      caPem: config.ldapCaPem,
      bindDn: config.LDAP_BIND_DN ?? "",
      bindPassword: config.LDAP_BIND_PASSWORD ?? "",
      baseDn: config.LDAP_BASE_DN ?? "",
      eligibleGroupDn: config.LDAP_ELIGIBLE_GROUP_DN,
      loginAttribute: config.LDAP_LOGIN_ATTRIBUTE,
      upnAttribute: config.LDAP_UPN_ATTRIBUTE,
      mobileAttribute: config.LDAP_MOBILE_ATTRIBUTE,
      departmentAttribute: config.LDAP_DEPARTMENT_ATTRIBUTE,
      userObjectClass: config.LDAP_USER_OBJECT_CLASS,
      nestedGroups: config.LDAP_NESTED_GROUPS,
      lockoutDurationMinutes: config.LDAP_LOCKOUT_MINUTES,
      connectTimeoutMs: config.LDAP_CONNECT_TIMEOUT_MS,
      operationTimeoutMs: config.LDAP_TIMEOUT_MS,
      defaultCountry: "SE",
    },
    { logger: logger.child({ component: "ldap" }) },
  );
}

/** The group whose members may enroll (the coverage report's population); undefined when none is configured. */
export function eligibleGroupFromConfig(config: Config): string | undefined {
  return config.LDAP_URL ? config.LDAP_ELIGIBLE_GROUP_DN : DEMO_ELIGIBLE_GROUP;
}
