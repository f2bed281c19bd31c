/**
 * The LDAP adapter's pure parts (AD bind sub-codes, filters, FILETIME and account
 * precedence, mobile numbers, TLS settings) and its failures without a directory server:
 * nothing listening, or a server that accepts TCP and never answers.
 */
import { createServer, type Server, type Socket } from "node:net";
import { InvalidCredentialsError, UnavailableError, UnwillingToPerformError } from "ldapts";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { accountProblem, dateToFileTime, fileTimeToDate } from "../../src/adapters/ldap/account-status.js";
import { LdapDirectory, type LdapLogger } from "../../src/adapters/ldap/ldap-directory.js";
import { passwordCheckFromBindError, reasonFromDiagnostic } from "../../src/adapters/ldap/ldap-errors.js";
import { normaliseMobile } from "../../src/adapters/ldap/mobile-number.js";
import { userFilter } from "../../src/adapters/ldap/user-filter.js";
import { DirectoryUnavailableError } from "../../src/features/shared/errors.js";
import type { DirectoryUser } from "../../src/ports/directory.js";
import { recordingLogger } from "../support/ldap-directory-suite.js";
import { anna, dn, ldapOptions, NOW, PASSWORD } from "../support/ldap-fixture.js";
import { freePort } from "../support/slapd.js";

// A pino logger must fit the adapter's logger type.
const pinoFits: LdapLogger = pino({ level: "silent" });
void pinoFits;

describe("LDAP adapter helpers", () => {
  it("maps AD bind sub-codes to reasons", () => {
    const ad = (data: string) => `80090308: LdapErr: DSID-0C09042A, comment: AcceptSecurityContext error, data ${data}, v3839`;
    expect(reasonFromDiagnostic(ad("52e"))).toBe("invalidCredentials");
    expect(reasonFromDiagnostic(ad("533"))).toBe("disabled");
    expect(reasonFromDiagnostic(ad("701"))).toBe("disabled");
    expect(reasonFromDiagnostic(ad("775"))).toBe("locked");
    expect(reasonFromDiagnostic(ad("532"))).toBe("passwordExpired");
    expect(reasonFromDiagnostic(ad("773"))).toBe("passwordExpired");
    expect(reasonFromDiagnostic("")).toBe("invalidCredentials");
    expect(passwordCheckFromBindError(new InvalidCredentialsError(ad("775")))).toEqual({ ok: false, reason: "locked" });
    expect(passwordCheckFromBindError(new UnwillingToPerformError("unauthenticated bind"))).toEqual({
      ok: false,
      reason: "invalidCredentials",
    });
    expect(() => passwordCheckFromBindError(new UnavailableError())).toThrow(DirectoryUnavailableError);
    expect(() => passwordCheckFromBindError(new Error("connect ECONNREFUSED"))).toThrow(DirectoryUnavailableError);
  });

  it("builds user filters from filter objects, escaping input", () => {
    expect(userFilter("user", "sAMAccountName", "*)(uid=*\\").toString()).toBe(
      "(&(objectClass=user)(!(objectClass=computer))(sAMAccountName=\\2a\\29\\28uid=\\2a\\5c))",
    );
  });

  it("reads FILETIME lockouts and applies precedence disabled > locked > passwordExpired", () => {
    expect(fileTimeToDate(dateToFileTime(NOW))?.toISOString()).toBe(NOW.toISOString());
    expect(fileTimeToDate("0")).toBeUndefined();
    const recent = dateToFileTime(new Date(NOW.getTime() - 5 * 60_000));
    const old = dateToFileTime(new Date(NOW.getTime() - 31 * 60_000));
    expect(accountProblem({ userAccountControl: "514", lockoutTime: recent, pwdLastSet: "0" }, NOW, 30)).toBe("disabled");
    expect(accountProblem({ userAccountControl: "512", lockoutTime: recent, pwdLastSet: "0" }, NOW, 30)).toBe("locked");
    expect(accountProblem({ userAccountControl: "512", lockoutTime: old, pwdLastSet: "0" }, NOW, 30)).toBe("passwordExpired");
    expect(accountProblem({ userAccountControl: String(0x800200) }, NOW, 30)).toBe("passwordExpired");
    expect(accountProblem({ userAccountControl: "512", lockoutTime: old, pwdLastSet: "1339" }, NOW, 30)).toBeUndefined();
    expect(accountProblem({}, NOW, 30)).toBeUndefined();
    expect(accountProblem({ accountExpires: "9223372036854775807" }, NOW, 30)).toBeUndefined();
    expect(accountProblem({ accountExpires: "0" }, NOW, 30)).toBeUndefined();
    expect(accountProblem({ accountExpires: dateToFileTime(new Date(NOW.getTime() + 60_000)) }, NOW, 30)).toBeUndefined();
    expect(accountProblem({ accountExpires: dateToFileTime(new Date(NOW.getTime() - 60_000)) }, NOW, 30)).toBe("disabled");
    const longAgo = dateToFileTime(new Date("2020-01-01T00:00:00Z"));
    expect(accountProblem({ userAccountControl: "512", lockoutTime: longAgo }, NOW, 0)).toBe("locked");
    expect(accountProblem({ userAccountControl: "512", lockoutTime: "0" }, NOW, 0)).toBeUndefined();
  });

  it("normalises mobile numbers to E.164", () => {
    for (const raw of ["070-123 45 67", "+46 70 123 45 67", "0046701234567", "+46 (0)70 123 45 67", " 0701234567 "]) {
      expect(normaliseMobile(raw, "SE")).toBe("+46701234567");
    }
    for (const raw of ["12", "abc", "", "+46", "070-123 45 67 89 00 11"]) expect(normaliseMobile(raw, "SE")).toBeUndefined();
  });

  it("refuses plain ldap:// unless StartTLS or allowPlaintext, naming the settings", () => {
    const logger = recordingLogger();
    const base = ldapOptions("ldap://127.0.0.1:389");
    expect(() => new LdapDirectory({ ...base, allowPlaintext: false }, { logger })).toThrow(/LDAP_START_TLS.*LDAP_ALLOW_PLAINTEXT/s);
    expect(() => new LdapDirectory({ ...base, url: "http://x" }, { logger })).toThrow(/ldaps:\/\//);
    new LdapDirectory({ ...base, allowPlaintext: false, startTls: true }, { logger });
    expect(logger.lines).toEqual([]);
    new LdapDirectory({ ...base, allowPlaintext: true }, { logger });
    expect(logger.lines.map((l) => l.level)).toEqual(["warn"]);
  });

  it("refuses an empty password without contacting the server", async () => {
    const directory = new LdapDirectory(ldapOptions(`ldap://127.0.0.1:${await freePort()}`), { logger: recordingLogger() });
    const user: DirectoryUser = { id: dn("Anna Andersson"), loginName: "annaa", upn: "anna.andersson@region.se", displayName: "Anna" };
    await expect(directory.verifyPassword(user, "")).resolves.toEqual({ ok: false, reason: "invalidCredentials" });
    await directory.close();
  });

  it("reports an unreachable or silent server as DirectoryUnavailableError", async () => {
    const deadPort = await freePort();
    const dead = new LdapDirectory(ldapOptions(`ldap://127.0.0.1:${deadPort}`), { logger: recordingLogger() });
    await expect(dead.ping()).rejects.toBeInstanceOf(DirectoryUnavailableError);
    await expect(dead.findByUpn("anna.andersson@region.se")).rejects.toBeInstanceOf(DirectoryUnavailableError);
    await expect(dead.verifyPassword(anna(), PASSWORD)).rejects.toBeInstanceOf(DirectoryUnavailableError);
    await dead.close();

    // Accepts TCP, never answers: the operation timeout must fire.
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const port = (silent.address() as { port: number }).port;
    const slow = new LdapDirectory(
      { ...ldapOptions(`ldap://127.0.0.1:${port}`), connectTimeoutMs: 200, operationTimeoutMs: 300 },
      { logger: recordingLogger() },
    );
    const started = Date.now();
    await expect(slow.findByLoginName("annaa")).rejects.toBeInstanceOf(DirectoryUnavailableError);
    await expect(slow.verifyPassword(anna(), PASSWORD)).rejects.toBeInstanceOf(DirectoryUnavailableError);
    expect(Date.now() - started).toBeLessThan(5_000);
    await slow.close();
    sockets.forEach((s) => s.destroy());
    await new Promise((resolve) => silent.close(resolve));
  });
});
