/** The Directory contract (test/contracts/directory.contract.ts) against LdapDirectory on a throwaway OpenLDAP. */
import { describe } from "vitest";
import { directoryContract } from "../contracts/directory.contract.js";
import { ldapDirectorySuite } from "../support/ldap-directory-suite.js";
import { group, PASSWORD } from "../support/ldap-fixture.js";
import { requireBinaryOrSkip } from "../support/server-binary.js";

const slapdPath = requireBinaryOrSkip("slapd");

describe.skipIf(!slapdPath)("LdapDirectory against OpenLDAP", () => {
  const ldap = ldapDirectorySuite(slapdPath as string);
  directoryContract("LdapDirectory", () => ldap.make(), {
    user: { upn: "anna.andersson@region.se", loginName: "annaa", password: PASSWORD, mobile: "+46701234567", group: group("otp-eligible") },
    disabledLoginName: "bertilb",
    unknownGroup: group("no-such-group"),
  });
});
