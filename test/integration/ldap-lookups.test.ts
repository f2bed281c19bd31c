/**
 * LdapDirectory against a real OpenLDAP: finding people by UPN and login name, mapping
 * their fields, account problems, and input that must find nobody (filter injection).
 */
import { describe, expect, it } from "vitest";
import { ldapDirectorySuite } from "../support/ldap-directory-suite.js";
import { dn, group } from "../support/ldap-fixture.js";
import { requireBinaryOrSkip } from "../support/server-binary.js";

const slapdPath = requireBinaryOrSkip("slapd");

describe.skipIf(!slapdPath)("LdapDirectory against OpenLDAP: look-ups", () => {
  const ldap = ldapDirectorySuite(slapdPath as string);
  const make = ldap.make;

  it("finds a user by UPN and maps every field", async () => {
    const directory = make();
    expect(await directory.findByUpn("anna.andersson@region.se")).toEqual({
      id: dn("Anna Andersson"),
      loginName: "annaa",
      upn: "anna.andersson@region.se",
      displayName: "Anna Andersson",
      givenName: "Anna",
      surname: "Andersson",
      mail: "anna.andersson@region.se",
      department: "Akutmottagningen",
      mobile: "+46701234567",
    });
  });

  it("reads the department from the configured attribute (LDAP_DEPARTMENT_ATTRIBUTE)", async () => {
    const directory = make({ departmentAttribute: "physicalDeliveryOfficeName" });
    expect((await directory.findByUpn("anna.andersson@region.se"))?.department).toBe("Östersunds sjukhus");
    expect((await directory.listGroupMembers(group("otp-eligible"))).find((u) => u.loginName === "annaa")?.department).toBe(
      "Östersunds sjukhus",
    );
  });

  it("matches UPN and login name case-insensitively, but not with other accents", async () => {
    const directory = make();
    expect((await directory.findByUpn("Anna.Andersson@REGION.SE"))?.loginName).toBe("annaa");
    expect((await directory.findByLoginName("ANNAA"))?.upn).toBe("anna.andersson@region.se");
    expect(await directory.findByLoginName("nobody")).toBeNull();
    expect(await directory.findByUpn("nobody@region.se")).toBeNull();
  });

  it("handles Unicode names", async () => {
    const user = await make().findByLoginName("asaob");
    expect(user).toMatchObject({
      displayName: "Åsa Öberg",
      givenName: "Åsa",
      surname: "Öberg",
      upn: "asa.oberg@region.se",
      mobile: "+46701234569",
    });
    expect(user?.problem).toBeUndefined();
  });

  it("keeps UPN and mail apart", async () => {
    const directory = make();
    expect(await directory.findByUpn("mnilsson@region.se")).toMatchObject({
      loginName: "matsn",
      upn: "mnilsson@region.se",
      mail: "mats.nilsson@vardgivare.example",
      mobile: "+46701234570",
    });
    expect(await directory.findByUpn("mats.nilsson@vardgivare.example")).toBeNull();
  });

  it("requires exactly one match and never returns computers", async () => {
    const directory = make();
    expect(await directory.findByUpn("shared@region.se")).toBeNull();
    expect(await directory.findByLoginName("dupe")).toBeNull();
    expect(await directory.findByLoginName("ws001$")).toBeNull();
  });

  it("normalises mobile numbers from the directory", async () => {
    const directory = make();
    const mobile = async (login: string) => (await directory.findByLoginName(login))?.mobile;
    expect(await mobile("annaa")).toBe("+46701234567"); // 070-123 45 67
    expect(await mobile("ingridi")).toBe("+46701234567"); // +46 70 123 45 67
    expect(await mobile("jonasj")).toBe("+46701234567"); // 0046701234567
    expect(await mobile("gunillag")).toBe("+46701234566");
    expect(await mobile("karink")).toBeUndefined(); // "12"
    const hans = await directory.findByLoginName("hansh");
    expect(hans).not.toHaveProperty("mobile");
    expect(hans?.displayName).toBe("Hans Holm"); // cn when displayName is missing
  });

  it("reports account problems with precedence", async () => {
    const directory = make();
    const problem = async (login: string) => {
      const user = await directory.findByLoginName(login);
      expect(user, login).not.toBeNull();
      return user?.problem;
    };
    expect(await problem("bertilb")).toBe("disabled"); // disabled and locked
    expect(await problem("ceciliac")).toBe("locked"); // locked and must change password
    expect(await problem("davidd")).toBeUndefined(); // lockout long expired
    expect(await problem("olleo")).toBe("disabled"); // accountExpires in the past
    expect(await problem("erike")).toBe("passwordExpired"); // pwdLastSet 0, not eligible either
    expect(await problem("evae")).toBe("passwordExpired"); // UAC 0x800000
    expect(await problem("fredrikf")).toBe("notEligible");
    expect(await problem("gunillag")).toBeUndefined(); // eligible through two nested groups
    expect(await problem("annaa")).toBeUndefined();
  });

  it("uses the lockout window", async () => {
    expect((await make({ lockoutDurationMinutes: 4 }).findByLoginName("ceciliac"))?.problem).toBe("passwordExpired");
  });

  it("shares one service connection between concurrent lookups", async () => {
    const directory = make();
    const logins = ["annaa", "gunillag", "fredrikf", "asaob", "matsn", "hansh", "karink", "jonasj"];
    const users = await Promise.all(logins.map((login) => directory.findByLoginName(login)));
    expect(users.map((u) => u?.loginName)).toEqual(logins);
    expect(ldap.logger.lines.filter((l) => l.msg === "LDAP service connection bound")).toHaveLength(1);
  });

  it("finds nobody for filter injection and odd input, without throwing", async () => {
    const directory = make();
    const inputs = [
      "*",
      ")(uid=*",
      "*)(sAMAccountName=*",
      "annaa)(|(cn=*",
      "ann*",
      "*@region.se",
      "\\",
      "\\2a",
      "\u0000",
      "annaa\u0000",
      "a".repeat(500),
      "",
      "   ",
    ];
    for (const input of inputs) {
      await expect(directory.findByLoginName(input), JSON.stringify(input)).resolves.toBeNull();
      await expect(directory.findByUpn(input), JSON.stringify(input)).resolves.toBeNull();
    }
    // Still healthy afterwards.
    expect(await directory.findByLoginName("annaa")).not.toBeNull();
  });
});
