/**
 * LdapDirectory against a real OpenLDAP: eligibility through nested groups, isMemberOf,
 * password checks by binding as the user, the service account's bind, and close().
 */
import type { Client } from "ldapts";
import { describe, expect, it } from "vitest";
import { DirectoryUnavailableError } from "../../src/features/shared/errors.js";
import type { DirectoryUser } from "../../src/ports/directory.js";
import { ldapDirectorySuite } from "../support/ldap-directory-suite.js";
import { anna, dn, group, PASSWORD, SERVICE_PASSWORD } from "../support/ldap-fixture.js";
import { requireBinaryOrSkip } from "../support/server-binary.js";

const slapdPath = requireBinaryOrSkip("slapd");

describe.skipIf(!slapdPath)("LdapDirectory against OpenLDAP: groups and passwords", () => {
  const ldap = ldapDirectorySuite(slapdPath as string);
  const make = ldap.make;

  it("treats everybody as eligible without an eligible group", async () => {
    const directory = make({ eligibleGroupDn: undefined });
    expect((await directory.findByLoginName("fredrikf"))?.problem).toBeUndefined();
  });

  it("auto mode detects that OpenLDAP lacks the in-chain rule and walks memberOf", async () => {
    const directory = make();
    expect((await directory.findByLoginName("gunillag"))?.problem).toBeUndefined();
    expect(ldap.logger.lines).toContainEqual(expect.objectContaining({ obj: { nestedGroups: "memberOf" } }));
  });

  it("memberOf mode walks up a bounded depth and survives group loops", async () => {
    expect((await make({ nestedGroups: "memberOf" }).findByLoginName("gunillag"))?.problem).toBeUndefined();
    expect((await make({ nestedGroups: "memberOf", maxNestingDepth: 1 }).findByLoginName("gunillag"))?.problem).toBe("notEligible");
    expect((await make({ nestedGroups: "memberOf" }).findByLoginName("fredrikf"))?.problem).toBe("notEligible");
  });

  it("isMemberOf follows nesting", async () => {
    const directory = make();
    const gunilla = (await directory.findByLoginName("gunillag")) as DirectoryUser;
    const fredrik = (await directory.findByLoginName("fredrikf")) as DirectoryUser;
    expect(await directory.isMemberOf(anna(), group("helpdesk"))).toBe(true);
    expect(await directory.isMemberOf(anna(), "CN=Helpdesk, OU=Groups, DC=region, DC=se")).toBe(true);
    expect(await directory.isMemberOf(gunilla, group("otp-eligible"))).toBe(true);
    expect(await directory.isMemberOf(gunilla, group("nurses"))).toBe(true);
    expect(await directory.isMemberOf(gunilla, group("helpdesk"))).toBe(false);
    expect(await directory.isMemberOf(fredrik, group("otp-eligible"))).toBe(false);
    expect(await directory.isMemberOf({ ...anna(), id: dn("Ghost") }, group("helpdesk"))).toBe(false);
  });

  it("verifies passwords by binding as the user on a connection of its own", async () => {
    const directory = make();
    const user = (await directory.findByLoginName("annaa")) as DirectoryUser;
    expect(await directory.verifyPassword(user, PASSWORD)).toEqual({ ok: true });
    expect(await directory.verifyPassword(user, "wrong-password")).toEqual({ ok: false, reason: "invalidCredentials" });
    expect(await directory.verifyPassword(user, "")).toEqual({ ok: false, reason: "invalidCredentials" });
    expect(await directory.verifyPassword({ ...user, id: dn("Ghost") }, PASSWORD)).toEqual({
      ok: false,
      reason: "invalidCredentials",
    });
    // A failed user bind must not have touched the service connection (anonymous cannot search).
    expect(await directory.findByLoginName("gunillag")).not.toBeNull();
    // One service connection served all of that.
    expect(ldap.logger.lines.filter((l) => l.msg === "LDAP service connection bound")).toHaveLength(1);
    // Never a password in the logs.
    const logged = JSON.stringify(ldap.logger.lines);
    for (const secret of [PASSWORD, "wrong-password", SERVICE_PASSWORD]) expect(logged).not.toContain(secret);
  });

  it("keeps a password-check connection between checks (right, wrong, right on one), and replaces one the directory dropped", async () => {
    const directory = make();
    const user = (await directory.findByLoginName("annaa")) as DirectoryUser;
    const binds = (directory as unknown as { binds: { idle: { client: Client }[] } }).binds;
    expect(await directory.verifyPassword(user, PASSWORD)).toEqual({ ok: true });
    expect(binds.idle).toHaveLength(1);
    const kept = binds.idle[0]!.client;
    expect(await directory.verifyPassword(user, "wrong-password")).toEqual({ ok: false, reason: "invalidCredentials" });
    expect(await directory.verifyPassword(user, PASSWORD)).toEqual({ ok: true });
    expect(binds.idle.map((entry) => entry.client)).toEqual([kept]);
    // Dropped (the directory's idle limit, a restart): the check goes to a fresh connection and still answers.
    await kept.unbind();
    expect(await directory.verifyPassword(user, PASSWORD)).toEqual({ ok: true });
    expect(binds.idle).toHaveLength(1);
    expect(binds.idle[0]!.client).not.toBe(kept);
    expect(JSON.stringify(ldap.logger.lines)).not.toContain(PASSWORD);
  });

  it("ping works, and a wrong service password is unavailable without leaking it", async () => {
    await expect(make().ping()).resolves.toBeUndefined();
    const wrong = make({ bindPassword: "Not-The-Service-Password" });
    const error = await wrong.ping().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DirectoryUnavailableError);
    expect(String((error as Error).message)).not.toContain("Not-The-Service-Password");
    await expect(wrong.findByLoginName("annaa")).rejects.toBeInstanceOf(DirectoryUnavailableError);
  });

  it("close() ends the service connection", async () => {
    const directory = make();
    await directory.ping();
    await directory.close();
    await expect(directory.ping()).rejects.toBeInstanceOf(DirectoryUnavailableError);
  });
});
