import { describe, expect, it } from "vitest";
import type { Directory } from "../../src/ports/directory.js";

/** What a directory under test holds: the same roles in the demo list and in the OpenLDAP fixture. */
export interface DirectoryFixture {
  /** An eligible account with a usable mobile number, its password, and a group it is a member of. */
  user: { upn: string; loginName: string; password: string; mobile: string; group: string };
  /** The login name of a disabled account. */
  disabledLoginName: string;
  /** A group id no group has. */
  unknownGroup: string;
}

/**
 * Directory: look-ups case-insensitive and null when nobody matches, the mobile number in
 * E.164, a password proved or refused as invalidCredentials, a disabled account's problem
 * named before any bind, group membership and members each once.
 */
export function directoryContract(name: string, make: () => Directory, fixture: DirectoryFixture): void {
  describe(`Directory contract: ${name}`, () => {
    const { user } = fixture;

    it("finds an account by UPN and by login name, in any case, with its E.164 mobile", async () => {
      const directory = make();
      const byUpn = await directory.findByUpn(user.upn.toUpperCase());
      expect(byUpn).toMatchObject({ upn: user.upn, loginName: user.loginName, mobile: user.mobile });
      expect(byUpn?.problem).toBeUndefined();
      expect((await directory.findByLoginName(user.loginName.toUpperCase()))?.id).toBe(byUpn?.id);
      expect(await directory.findByUpn("nobody@nowhere.example")).toBeNull();
      expect(await directory.findByLoginName("nobody-here")).toBeNull();
    });

    it("proves the right password and refuses a wrong one as invalidCredentials", async () => {
      const directory = make();
      const account = (await directory.findByLoginName(user.loginName))!;
      expect(await directory.verifyPassword(account, user.password)).toEqual({ ok: true });
      expect(await directory.verifyPassword(account, `${user.password}x`)).toEqual({ ok: false, reason: "invalidCredentials" });
    });

    it("names a disabled account's problem on look-up", async () => {
      expect((await make().findByLoginName(fixture.disabledLoginName))?.problem).toBe("disabled");
    });

    it("tells group membership and lists a group's members once each; an unknown group has none", async () => {
      const directory = make();
      const account = (await directory.findByLoginName(user.loginName))!;
      expect(await directory.isMemberOf(account, user.group)).toBe(true);
      expect(await directory.isMemberOf(account, fixture.unknownGroup)).toBe(false);
      const members = await directory.listGroupMembers(user.group);
      expect(members.filter((m) => m.id === account.id)).toHaveLength(1);
      expect(new Set(members.map((m) => m.id)).size).toBe(members.length);
      expect(await directory.listGroupMembers(fixture.unknownGroup)).toEqual([]);
      await expect(directory.ping()).resolves.toBeUndefined();
    });
  });
}
