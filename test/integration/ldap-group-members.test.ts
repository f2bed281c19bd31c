import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LdapDirectory } from "../../src/adapters/ldap/ldap-directory.js";
import { DemoDirectory } from "../../src/adapters/demo-directory.js";
import { DirectoryUnavailableError } from "../../src/features/shared/errors.js";
import { group, ldapOptions, NOW, startFixtureSlapd } from "../support/ldap-fixture.js";
import { freePort, type Slapd } from "../support/slapd.js";
import { requireBinaryOrSkip } from "../support/server-binary.js";

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe("DemoDirectory.listGroupMembers", () => {
  it("lists the playground users of a group", async () => {
    const demo = new DemoDirectory();
    expect((await demo.listGroupMembers("helpdesk")).map((u) => u.loginName)).toEqual(["meganb"]);
    expect((await demo.listGroupMembers("enrollment-eligible")).map((u) => u.loginName).sort()).toEqual([
      "adelev",
      "alexw",
      "isaiahl",
      "lynner",
      "meganb",
    ]);
    expect(await demo.listGroupMembers("nope")).toEqual([]);
  });
});

const slapdPath = requireBinaryOrSkip("slapd");

describe.skipIf(!slapdPath)("LdapDirectory.listGroupMembers against OpenLDAP", () => {
  let slapd: Slapd;
  let directory: LdapDirectory;

  beforeAll(async () => {
    slapd = await startFixtureSlapd(slapdPath as string);
    directory = new LdapDirectory(ldapOptions(slapd.url), { logger: silent, clock: { now: () => NOW } });
  });
  afterAll(async () => {
    await directory?.close();
    await slapd?.stop();
  });

  it("returns direct and nested members once each, never computers or non-members", async () => {
    const members = await directory.listGroupMembers(group("otp-eligible"));
    const logins = members.map((u) => u.loginName);
    expect(new Set(logins).size).toBe(logins.length);
    for (const login of ["annaa", "bertilb", "ceciliac", "davidd", "evae", "hansh", "olleo"]) expect(logins).toContain(login);
    expect(logins).toContain("gunillag"); // ward-7 → nurses → otp-eligible
    expect(logins).not.toContain("fredrikf");
    expect(logins).not.toContain("erike");
    expect(logins).not.toContain("ws001$");
    const gunilla = members.find((u) => u.loginName === "gunillag")!;
    expect(gunilla.upn).toMatch(/@region\.se$/);
    expect(gunilla.problem).toBeUndefined();
    expect(members.find((u) => u.loginName === "bertilb")?.problem).toBe("disabled");
  });

  it("handles a small group, a loop, an unknown group and filter metacharacters", async () => {
    expect((await directory.listGroupMembers(group("helpdesk"))).map((u) => u.loginName)).toEqual(["annaa"]);
    expect((await directory.listGroupMembers(group("loop-a"))).map((u) => u.loginName)).toEqual(["fredrikf"]);
    expect(await directory.listGroupMembers(group("no-such-group"))).toEqual([]);
    expect(await directory.listGroupMembers("*")).toEqual([]);
    expect(await directory.listGroupMembers(`${group("helpdesk")})(memberOf=*`)).toEqual([]);
    expect(await directory.listGroupMembers("")).toEqual([]);
  });

  it("reports an unreachable directory as DirectoryUnavailableError", async () => {
    const dead = new LdapDirectory(ldapOptions(`ldap://127.0.0.1:${await freePort()}`), { logger: silent });
    await expect(dead.listGroupMembers(group("helpdesk"))).rejects.toBeInstanceOf(DirectoryUnavailableError);
    await dead.close();
  });
});
