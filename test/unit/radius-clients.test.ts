/** The client table: parsing with clear problems (never the secret), address matching, the local default. */
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { BlockList } from "node:net";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import {
  createClientTable,
  loadRadiusClients,
  localRadiusClients,
  parseRadiusClients,
  RadiusClientsError,
  type RadiusClient,
} from "../../src/radius/radius-clients.js";

const SECRET = "Tr0ub4dor&3-horse-battery";

function problemsOf(json: string): string {
  try {
    parseRadiusClients(json);
  } catch (error) {
    expect(error).toBeInstanceOf(RadiusClientsError);
    return (error as Error).message;
  }
  throw new Error("expected a RadiusClientsError");
}

describe("parseRadiusClients", () => {
  it("reads the clients, requiring Message-Authenticator unless told otherwise", () => {
    const clients = parseRadiusClients(
      JSON.stringify([
        { name: "nsg1", address: "10.20.0.5", secret: SECRET },
        { name: "nsg-dr", address: "2001:db8:10::/48", secret: SECRET, requireMessageAuthenticator: false },
      ]),
    );
    expect(clients).toEqual([
      { name: "nsg1", address: "10.20.0.5", secret: SECRET, requireMessageAuthenticator: true },
      { name: "nsg-dr", address: "2001:db8:10::/48", secret: SECRET, requireMessageAuthenticator: false },
    ]);
  });

  it("names the entry and the field of each problem, and never echoes the secret", () => {
    const short = "tooShort-9x";
    const message = problemsOf(
      JSON.stringify([
        { name: "nsg1", address: "10.20.0.5", secret: short },
        { name: "nsg2", address: "10.20.0.300", secret: SECRET },
        { name: "nsg3", address: "10.0.0.0/0", secret: SECRET },
        { name: "nsg4", address: "::ffff:10.0.0.1", secret: SECRET, requireMessageAuthenticator: "yes" },
        { name: "nsg5", adress: "10.0.0.9", secret: SECRET },
        { address: "10.0.0.10", secret: 12345678901234567890 },
        { name: "swapped", address: SECRET, secret: "10.0.0.11-padding-xx" },
      ]),
    );
    expect(message).toContain('clients[0] ("nsg1").secret: must be at least 16 characters');
    expect(message).toContain('clients[1] ("nsg2").address: is not an IPv4/IPv6 address or CIDR network');
    expect(message).toContain('clients[2] ("nsg3").address: has a prefix length outside 1..32 (a /0 would let every address in)');
    expect(message).toContain('clients[3] ("nsg4").address: is an IPv4-mapped IPv6 address: write the IPv4 address');
    expect(message).toContain('clients[3] ("nsg4").requireMessageAuthenticator');
    expect(message).toMatch(/clients\[4\] \("nsg5"\).*adress/);
    expect(message).toContain('clients[4] ("nsg5").address');
    expect(message).toContain("clients[5].name");
    expect(message).toContain("clients[5].secret");
    expect(message).toContain('clients[6] ("swapped").address: is not an IPv4/IPv6 address or CIDR network');
    expect(message).not.toContain(short);
    expect(message).not.toContain(SECRET);
    expect(message).not.toContain("12345678901234567890");
  });

  it("refuses two clients with one name or one network (two secrets for one address)", () => {
    const message = problemsOf(
      JSON.stringify([
        { name: "nsg1", address: "10.20.0.5", secret: SECRET },
        { name: "nsg1", address: "10.20.0.6", secret: SECRET },
        { name: "nsg3", address: "10.20.0.5/32", secret: SECRET },
        { name: "nsg4", address: "2001:DB8::1", secret: SECRET },
        { name: "nsg5", address: "2001:db8:0::1/128", secret: SECRET },
      ]),
    );
    expect(message).toContain('"nsg1": the name is used by more than one client');
    expect(message).toContain(`"nsg3": address 10.20.0.5/32 is already "nsg1"'s`);
    expect(message).toContain(`"nsg5": address 2001:db8:0::1/128 is already "nsg4"'s`);
    expect(message).not.toContain(SECRET);
  });

  it("refuses what is not a JSON array of clients, without quoting the text", () => {
    const broken = `[{ "name": "nsg1", "address": "10.0.0.1", "secret": "${SECRET}" `;
    expect(problemsOf(broken)).toBe("RADIUS clients: is not valid JSON");
    expect(problemsOf("[]")).toContain("at least one client");
    expect(problemsOf(`{ "name": "nsg1" }`)).toContain("must be a JSON array");
  });
});

describe("createClientTable", () => {
  const client = (name: string, address: string): RadiusClient => ({ name, address, secret: SECRET, requireMessageAuthenticator: true });
  const table = createClientTable([
    client("wide", "10.0.0.0/8"),
    client("nsg1", "10.20.0.5"),
    client("loopback", "127.0.0.1"),
    client("v6", "2001:db8::/32"),
  ]);

  it("matches addresses and networks, the most specific first", () => {
    expect(table.find("10.20.0.5")?.name).toBe("nsg1");
    expect(table.find("10.20.0.6")?.name).toBe("wide");
    expect(table.find("2001:db8:1::7")?.name).toBe("v6");
    expect(table.find("127.0.0.1")?.name).toBe("loopback");
  });

  it("matches IPv4-mapped IPv6 sources (a dual-stack socket) as their IPv4 address", () => {
    expect(table.find("::ffff:127.0.0.1")?.name).toBe("loopback");
    expect(table.find("::FFFF:10.20.0.5")?.name).toBe("nsg1");
  });

  it("finds no client for other or garbled addresses", () => {
    for (const address of ["127.0.0.2", "11.0.0.1", "2001:db9::1", "::1", "::ffff:127.0.0.2", "", "not-an-ip", "10.20.0.5/8"]) {
      expect(table.find(address)).toBeUndefined();
    }
  });

  it("answers a client's address again from memory (no native SocketAddress per datagram), and only a client's", () => {
    const remembering = createClientTable([client("wide", "10.0.0.0/8"), client("nsg1", "10.20.0.5")]);
    const check = vi.spyOn(BlockList.prototype, "check");
    try {
      expect(remembering.find("10.20.0.5")?.name).toBe("nsg1");
      const checksForFirst = check.mock.calls.length;
      for (let i = 0; i < 100; i++) expect(remembering.find("10.20.0.5")?.name).toBe("nsg1");
      expect(check.mock.calls.length).toBe(checksForFirst);
      // Unknown sources are looked up every time: a spoofed flood must not fill the memory.
      for (let i = 0; i < 3; i++) expect(remembering.find("11.0.0.1")).toBeUndefined();
      expect(check.mock.calls.length).toBeGreaterThan(checksForFirst);
    } finally {
      check.mockRestore();
    }
  });

  it("keeps matching right past the bound of remembered addresses", () => {
    const remembering = createClientTable([client("wide", "10.0.0.0/8"), client("nsg1", "10.20.0.5")]);
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 3000; i++) expect(remembering.find(`10.1.${i >> 8}.${i & 255}`)?.name).toBe("wide");
      expect(remembering.find("10.20.0.5")?.name).toBe("nsg1");
      expect(remembering.find("11.0.0.1")).toBeUndefined();
    }
  });
});

describe("loading", () => {
  it("reads a file, and says which one it could not read (the cause attached)", () => {
    const dir = mkdtempSync(join(tmpdir(), "radius-clients-"));
    const file = join(dir, "clients.json");
    writeFileSync(file, JSON.stringify([{ name: "nsg1", address: "10.0.0.1", secret: SECRET }]));
    expect(loadRadiusClients(file).map((c) => c.name)).toEqual(["nsg1"]);
    const missing = join(dir, "missing.json");
    expect(() => loadRadiusClients(missing)).toThrow(`RADIUS clients file ${missing}: cannot be read`);
    try {
      loadRadiusClients(missing);
    } catch (error) {
      expect(((error as Error).cause as NodeJS.ErrnoException).code).toBe("ENOENT");
    }
    writeFileSync(file, "[]");
    expect(() => loadRadiusClients(file)).toThrow(`RADIUS clients file ${file}: must be a JSON array of clients`);
  });

  it("local mode: one client on 127.0.0.1 with a secret generated once (file 0600, folder 0700)", () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), "radius-local-")), "data");
    const [first] = localRadiusClients(dataDir);
    expect(first).toMatchObject({ name: "local", address: "127.0.0.1", requireMessageAuthenticator: true });
    expect(first!.secret).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dataDir, "radius-secret")).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dataDir, "radius-secret"), "utf8").trim()).toBe(first!.secret);
    expect(localRadiusClients(dataDir)[0]!.secret).toBe(first!.secret);
    writeFileSync(join(dataDir, "radius-secret"), "short\n");
    expect(() => localRadiusClients(dataDir)).toThrow(RadiusClientsError);
  });
});
