import { createConnection, createServer, type Server, type Socket } from "node:net";
import { fileURLToPath } from "node:url";
import { InvalidCredentialsError, UnavailableError, UnwillingToPerformError } from "ldapts";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { accountProblem, dateToFileTime, fileTimeToDate } from "../../src/adapters/ldap/account-status.js";
import { LdapDirectory, type LdapDirectoryOptions, type LdapLogger } from "../../src/adapters/ldap/ldap-directory.js";
import { passwordCheckFromBindError, reasonFromDiagnostic } from "../../src/adapters/ldap/ldap-errors.js";
import { normaliseMobile } from "../../src/adapters/ldap/mobile-number.js";
import { userFilter } from "../../src/adapters/ldap/user-filter.js";
import { DirectoryUnavailableError } from "../../src/domain/errors.js";
import type { DirectoryUser } from "../../src/ports/directory.js";
import { freePort, startSlapd, type Slapd } from "../support/slapd.js";
import { requireBinaryOrSkip } from "../support/server-binary.js";

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/ldap/${name}`, import.meta.url));

const NOW = new Date("2025-06-02T08:00:00Z");
const PASSWORD = "Correct-Horse-1";
const SERVICE_PASSWORD = "Svc-Secret-42";
const BASE = "dc=region,dc=se";
const dn = (cn: string): string => `cn=${cn},ou=people,${BASE}`;
const group = (cn: string): string => `cn=${cn},ou=groups,${BASE}`;

interface LogLine {
  level: string;
  obj: object;
  msg?: string;
}
function recordingLogger(): LdapLogger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: string) => (obj: object, msg?: string) => void lines.push({ level, obj, ...(msg ? { msg } : {}) });
  return { lines, info: at("info"), warn: at("warn"), error: at("error") };
}

// A pino logger must fit the adapter's logger type.
const pinoFits: LdapLogger = pino({ level: "silent" });
void pinoFits;

// ---------------------------------------------------------------------------------------------
// Pure parts (no server needed).
// ---------------------------------------------------------------------------------------------
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
    const base = baseOptions("ldap://127.0.0.1:389");
    expect(() => new LdapDirectory({ ...base, allowPlaintext: false }, { logger })).toThrow(/LDAP_START_TLS.*LDAP_ALLOW_PLAINTEXT/s);
    expect(() => new LdapDirectory({ ...base, url: "http://x" }, { logger })).toThrow(/ldaps:\/\//);
    new LdapDirectory({ ...base, allowPlaintext: false, startTls: true }, { logger });
    expect(logger.lines).toEqual([]);
    new LdapDirectory({ ...base, allowPlaintext: true }, { logger });
    expect(logger.lines.map((l) => l.level)).toEqual(["warn"]);
  });

  it("refuses an empty password without contacting the server", async () => {
    const directory = new LdapDirectory(baseOptions(`ldap://127.0.0.1:${await freePort()}`), { logger: recordingLogger() });
    const user: DirectoryUser = { id: dn("Anna Andersson"), loginName: "annaa", upn: "anna.andersson@region.se", displayName: "Anna" };
    await expect(directory.verifyPassword(user, "")).resolves.toEqual({ ok: false, reason: "invalidCredentials" });
    await directory.close();
  });

  it("reports an unreachable or silent server as DirectoryUnavailableError", async () => {
    const deadPort = await freePort();
    const dead = new LdapDirectory(baseOptions(`ldap://127.0.0.1:${deadPort}`), { logger: recordingLogger() });
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
      { ...baseOptions(`ldap://127.0.0.1:${port}`), connectTimeoutMs: 200, operationTimeoutMs: 300 },
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

function baseOptions(url: string): LdapDirectoryOptions {
  return {
    url,
    startTls: false,
    allowPlaintext: true,
    bindDn: `cn=svc-otp,ou=service,${BASE}`,
    bindPassword: SERVICE_PASSWORD,
    baseDn: BASE,
    eligibleGroupDn: group("otp-eligible"),
    loginAttribute: "sAMAccountName",
    upnAttribute: "userPrincipalName",
    mobileAttribute: "mobile",
    nestedGroups: "auto",
    lockoutDurationMinutes: 30,
    connectTimeoutMs: 2_000,
    operationTimeoutMs: 3_000,
    defaultCountry: "SE",
  };
}

function anna(): DirectoryUser {
  return { id: dn("Anna Andersson"), loginName: "annaa", upn: "anna.andersson@region.se", displayName: "Anna Andersson" };
}

// ---------------------------------------------------------------------------------------------
// Against a real OpenLDAP.
// ---------------------------------------------------------------------------------------------
const slapdPath = requireBinaryOrSkip("slapd");

describe.skipIf(!slapdPath)("LdapDirectory against OpenLDAP", () => {
  let slapd: Slapd;
  const open: LdapDirectory[] = [];
  let logger: ReturnType<typeof recordingLogger>;

  const make = (overrides: Partial<LdapDirectoryOptions> = {}): LdapDirectory => {
    logger = recordingLogger();
    const directory = new LdapDirectory({ ...baseOptions(slapd.url), ...overrides }, { logger, clock: { now: () => NOW } });
    open.push(directory);
    return directory;
  };

  beforeAll(async () => {
    slapd = await startSlapd({
      slapdPath: slapdPath as string,
      suffix: BASE,
      rootDn: `cn=admin,${BASE}`,
      rootPassword: "Admin-Secret",
      schemaFiles: [fixture("ad-lite.schema")],
      ldifFiles: [fixture("base.ldif"), fixture("users.ldif")],
      tls: true,
    });
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((d) => d.close()));
  });
  afterAll(async () => {
    await slapd?.stop();
  });

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
    expect(logger.lines.filter((l) => l.msg === "LDAP service connection bound")).toHaveLength(1);
  });

  it("treats everybody as eligible without an eligible group", async () => {
    const directory = make({ eligibleGroupDn: undefined });
    expect((await directory.findByLoginName("fredrikf"))?.problem).toBeUndefined();
  });

  it("auto mode detects that OpenLDAP lacks the in-chain rule and walks memberOf", async () => {
    const directory = make();
    expect((await directory.findByLoginName("gunillag"))?.problem).toBeUndefined();
    expect(logger.lines).toContainEqual(expect.objectContaining({ obj: { nestedGroups: "memberOf" } }));
  });

  it("memberOf mode walks up a bounded depth and survives group loops", async () => {
    expect((await make({ nestedGroups: "memberOf" }).findByLoginName("gunillag"))?.problem).toBeUndefined();
    expect((await make({ nestedGroups: "memberOf", maxNestingDepth: 1 }).findByLoginName("gunillag"))?.problem).toBe(
      "notEligible",
    );
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

  it("verifies passwords by binding as the user on a separate connection", async () => {
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
    expect(logger.lines.filter((l) => l.msg === "LDAP service connection bound")).toHaveLength(1);
    // Never a password in the logs.
    const logged = JSON.stringify(logger.lines);
    for (const secret of [PASSWORD, "wrong-password", SERVICE_PASSWORD]) expect(logged).not.toContain(secret);
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

  describe("TLS", () => {
    it("works over ldaps:// with the test CA", async () => {
      const directory = make({ url: slapd.ldapsUrl, allowPlaintext: false, caPem: slapd.caPem });
      await directory.ping();
      const user = (await directory.findByLoginName("asaob")) as DirectoryUser;
      expect(user.displayName).toBe("Åsa Öberg");
      expect(await directory.verifyPassword(user, PASSWORD)).toEqual({ ok: true });
      expect(logger.lines.some((l) => l.level === "warn")).toBe(false);
    });

    it("works with StartTLS and the test CA", async () => {
      const directory = make({ startTls: true, allowPlaintext: false, caPem: slapd.caPem });
      await directory.ping();
      const user = (await directory.findByLoginName("annaa")) as DirectoryUser;
      expect(await directory.verifyPassword(user, PASSWORD)).toEqual({ ok: true });
      expect(await directory.verifyPassword(user, "nope")).toEqual({ ok: false, reason: "invalidCredentials" });
    });

    it("fails (not silently succeeds) when the CA is not trusted: ldaps://", async () => {
      const directory = make({ url: slapd.ldapsUrl, allowPlaintext: false });
      await expect(directory.ping()).rejects.toBeInstanceOf(DirectoryUnavailableError);
      await expect(directory.findByLoginName("annaa")).rejects.toBeInstanceOf(DirectoryUnavailableError);
      await expect(directory.verifyPassword(anna(), PASSWORD)).rejects.toBeInstanceOf(DirectoryUnavailableError);
    });

    it("fails (not silently succeeds) when the CA is not trusted: StartTLS", async () => {
      const directory = make({ startTls: true, allowPlaintext: false });
      await expect(directory.ping()).rejects.toBeInstanceOf(DirectoryUnavailableError);
      await expect(directory.verifyPassword(anna(), PASSWORD)).rejects.toBeInstanceOf(DirectoryUnavailableError);
    });

    it("fails when the certificate does not name the host", async () => {
      // The server certificate names localhost and 127.0.0.1, not 127.0.0.2.
      const url = slapd.ldapsUrl.replace("127.0.0.1", "127.0.0.2");
      const directory = make({ url, allowPlaintext: false, caPem: slapd.caPem });
      await expect(directory.ping()).rejects.toBeInstanceOf(DirectoryUnavailableError);
    });
  });

  it("retries once on a fresh connection when the shared one breaks mid-request", async () => {
    // A TCP proxy in front of slapd that can drop a connection when the next request arrives.
    const target = Number(new URL(slapd.url).port);
    let dropNextRequest = false;
    const proxied: Socket[] = [];
    const proxy = createServer((inbound) => {
      const outbound = createConnection(target, "127.0.0.1");
      proxied.push(inbound, outbound);
      inbound.on("data", (chunk) => {
        if (dropNextRequest) {
          dropNextRequest = false;
          inbound.destroy();
          outbound.destroy();
          return;
        }
        outbound.write(chunk);
      });
      outbound.on("data", (chunk) => inbound.write(chunk));
      inbound.on("error", () => outbound.destroy());
      outbound.on("error", () => inbound.destroy());
      inbound.on("close", () => outbound.destroy());
      outbound.on("close", () => inbound.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    try {
      const port = (proxy.address() as { port: number }).port;
      const directory = make({ url: `ldap://127.0.0.1:${port}` });
      expect(await directory.findByLoginName("annaa")).not.toBeNull();
      dropNextRequest = true;
      expect((await directory.findByLoginName("asaob"))?.displayName).toBe("Åsa Öberg");
      expect(logger.lines.filter((l) => l.msg === "LDAP service connection bound")).toHaveLength(2);
      expect(logger.lines).toContainEqual(expect.objectContaining({ level: "warn", msg: "LDAP connection broke; reconnecting" }));
    } finally {
      proxied.forEach((socket) => socket.destroy());
      await new Promise((resolve) => proxy.close(resolve));
    }
  });

  // Last: it stops the server.
  it("is unavailable while the server is down and reconnects when it is back", async () => {
    const directory = make();
    const user = (await directory.findByLoginName("annaa")) as DirectoryUser;
    await slapd.kill();
    await expect(directory.findByLoginName("annaa")).rejects.toBeInstanceOf(DirectoryUnavailableError);
    await expect(directory.verifyPassword(user, PASSWORD)).rejects.toBeInstanceOf(DirectoryUnavailableError);
    await expect(directory.isMemberOf(user, group("helpdesk"))).rejects.toBeInstanceOf(DirectoryUnavailableError);
    await expect(directory.ping()).rejects.toBeInstanceOf(DirectoryUnavailableError);
    await slapd.restart();
    await directory.ping();
    expect((await directory.findByLoginName("annaa"))?.id).toBe(user.id);
    expect(await directory.verifyPassword(user, PASSWORD)).toEqual({ ok: true });
    // Restarted while the adapter held a live connection: the stale one is replaced transparently.
    await slapd.restart();
    expect((await directory.findByUpn("anna.andersson@region.se"))?.id).toBe(user.id);
  });
});
