/**
 * LdapDirectory against a real OpenLDAP: ldaps:// and StartTLS with the test CA (and
 * refusing an untrusted or misnamed certificate), a connection broken mid-request, and the
 * server going down and coming back.
 */
import { createConnection, createServer, type Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { DirectoryUnavailableError } from "../../src/features/shared/errors.js";
import type { DirectoryUser } from "../../src/ports/directory.js";
import { ldapDirectorySuite } from "../support/ldap-directory-suite.js";
import { anna, group, PASSWORD } from "../support/ldap-fixture.js";
import { requireBinaryOrSkip } from "../support/server-binary.js";

const slapdPath = requireBinaryOrSkip("slapd");

describe.skipIf(!slapdPath)("LdapDirectory against OpenLDAP: transport", () => {
  const ldap = ldapDirectorySuite(slapdPath as string, { tls: true });
  const make = ldap.make;

  describe("TLS", () => {
    it("works over ldaps:// with the test CA", async () => {
      const directory = make({ url: ldap.slapd.ldapsUrl, allowPlaintext: false, caPem: ldap.slapd.caPem });
      await directory.ping();
      const user = (await directory.findByLoginName("asaob")) as DirectoryUser;
      expect(user.displayName).toBe("Åsa Öberg");
      expect(await directory.verifyPassword(user, PASSWORD)).toEqual({ ok: true });
      expect(ldap.logger.lines.some((l) => l.level === "warn")).toBe(false);
    });

    it("works with StartTLS and the test CA", async () => {
      const directory = make({ startTls: true, allowPlaintext: false, caPem: ldap.slapd.caPem });
      await directory.ping();
      const user = (await directory.findByLoginName("annaa")) as DirectoryUser;
      expect(await directory.verifyPassword(user, PASSWORD)).toEqual({ ok: true });
      expect(await directory.verifyPassword(user, "nope")).toEqual({ ok: false, reason: "invalidCredentials" });
    });

    it("fails (not silently succeeds) when the CA is not trusted: ldaps://", async () => {
      const directory = make({ url: ldap.slapd.ldapsUrl, allowPlaintext: false });
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
      const url = ldap.slapd.ldapsUrl.replace("127.0.0.1", "127.0.0.2");
      const directory = make({ url, allowPlaintext: false, caPem: ldap.slapd.caPem });
      await expect(directory.ping()).rejects.toBeInstanceOf(DirectoryUnavailableError);
    });
  });

  it("retries once on a fresh connection when the shared one breaks mid-request", async () => {
    // A TCP proxy in front of slapd that can drop a connection when the next request arrives.
    const target = Number(new URL(ldap.slapd.url).port);
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
      expect(ldap.logger.lines.filter((l) => l.msg === "LDAP service connection bound")).toHaveLength(2);
      expect(ldap.logger.lines).toContainEqual(expect.objectContaining({ level: "warn", msg: "LDAP connection broke; reconnecting" }));
    } finally {
      proxied.forEach((socket) => socket.destroy());
      await new Promise((resolve) => proxy.close(resolve));
    }
  });

  // Last: it stops the server.
  it("is unavailable while the server is down and reconnects when it is back", async () => {
    const directory = make();
    const user = (await directory.findByLoginName("annaa")) as DirectoryUser;
    await ldap.slapd.kill();
    await expect(directory.findByLoginName("annaa")).rejects.toBeInstanceOf(DirectoryUnavailableError);
    await expect(directory.verifyPassword(user, PASSWORD)).rejects.toBeInstanceOf(DirectoryUnavailableError);
    await expect(directory.isMemberOf(user, group("helpdesk"))).rejects.toBeInstanceOf(DirectoryUnavailableError);
    await expect(directory.ping()).rejects.toBeInstanceOf(DirectoryUnavailableError);
    await ldap.slapd.restart();
    await directory.ping();
    expect((await directory.findByLoginName("annaa"))?.id).toBe(user.id);
    expect(await directory.verifyPassword(user, PASSWORD)).toEqual({ ok: true });
    // Restarted while the adapter held a live connection: the stale one is replaced transparently.
    await ldap.slapd.restart();
    expect((await directory.findByUpn("anna.andersson@region.se"))?.id).toBe(user.id);
  });
});
