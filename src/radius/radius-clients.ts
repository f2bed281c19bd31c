/**
 * The RADIUS clients (the NetScaler appliances) allowed to ask us, each with its own
 * shared secret. A datagram from any other address is dropped before it is read. Problems
 * name the entry and the field; a secret is never echoed, not even in part.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { BlockList, isIP } from "node:net";
import { join } from "node:path";
import { z } from "zod";
import { readOrCreatePrivateText } from "../adapters/private-files.js";

export interface RadiusClient {
  /** For logs and the audit trail (LoginAttempt.client). */
  name: string;
  /** An IPv4/IPv6 address or a CIDR network, as configured. */
  address: string;
  secret: string;
  /** Drop Access-Requests without a Message-Authenticator (BlastRADIUS). Default true. */
  requireMessageAuthenticator: boolean;
}

export class RadiusClientsError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "RadiusClientsError";
  }
}

export const MIN_SECRET_LENGTH = 16;

interface Network {
  address: string;
  family: "ipv4" | "ipv6";
  prefix: number;
}

/** "10.1.2.3", "10.1.0.0/16", "2001:db8::/32" → a network, or why not. */
function parseNetwork(text: string): Network | string {
  const [address = "", prefixText, ...rest] = text.split("/");
  if (rest.length > 0) return "is not an IPv4/IPv6 address or CIDR network";
  const version = isIP(address);
  if (version === 0 || address.includes("%")) return "is not an IPv4/IPv6 address or CIDR network";
  if (version === 6 && /^::ffff:/i.test(address)) return "is an IPv4-mapped IPv6 address: write the IPv4 address";
  const max = version === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : /^[0-9]{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!(prefix >= 1 && prefix <= max)) return `has a prefix length outside 1..${max} (a /0 would let every address in)`;
  return { address, family: version === 4 ? "ipv4" : "ipv6", prefix };
}

const clientSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, { error: "must be 1 to 64 letters, digits, dots, dashes or underscores" }),
  address: z.string().superRefine((text, context) => {
    const network = parseNetwork(text);
    // Not quoted: a secret pasted into the wrong field would be echoed.
    if (typeof network === "string") context.addIssue({ code: "custom", message: network });
  }),
  secret: z.string().min(MIN_SECRET_LENGTH, { error: `must be at least ${MIN_SECRET_LENGTH} characters` }),
  requireMessageAuthenticator: z.boolean().default(true),
});
const clientsSchema = z.array(z.unknown()).min(1, { error: "must list at least one client" });

function entryLabel(raw: unknown, index: number): string {
  const name = (raw as { name?: unknown } | null)?.name;
  return typeof name === "string" && /^[A-Za-z0-9._-]{1,64}$/.test(name) ? `clients[${index}] ("${name}")` : `clients[${index}]`;
}

/** Parses and checks the client table from its JSON text. `source` names it in problems (a file path). */
export function parseRadiusClients(json: string, source = "RADIUS clients"): RadiusClient[] {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    // No cause: V8's JSON message quotes the text around the error, which can be a secret.
    throw new RadiusClientsError(`${source}: is not valid JSON`);
  }
  const list = clientsSchema.safeParse(raw);
  if (!list.success)
    throw new RadiusClientsError(`${source}: must be a JSON array of clients, ${list.error.issues[0]?.message ?? "invalid"}`);
  const problems: string[] = [];
  const clients: RadiusClient[] = [];
  list.data.forEach((entry, index) => {
    const parsed = clientSchema.safeParse(entry);
    if (parsed.success) {
      clients.push(parsed.data);
      return;
    }
    for (const issue of parsed.error.issues) {
      // Zod's messages name types and lengths, never the value itself.
      const field = issue.path.length > 0 ? `.${issue.path.join(".")}` : "";
      problems.push(`${entryLabel(entry, index)}${field}: ${issue.message}`);
    }
  });
  problems.push(...duplicates(clients));
  if (problems.length > 0) throw new RadiusClientsError(`${source}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  return clients;
}

function duplicates(clients: RadiusClient[]): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  const networks = new Map<string, string>();
  for (const client of clients) {
    if (names.has(client.name)) problems.push(`"${client.name}": the name is used by more than one client`);
    names.add(client.name);
    const key = networkKey(parseNetwork(client.address) as Network);
    const other = networks.get(key);
    // Two secrets for the same addresses: which one a datagram is checked with would be a guess.
    if (other) problems.push(`"${client.name}": address ${client.address} is already "${other}"'s`);
    networks.set(key, client.name);
  }
  return problems;
}

function subnet(network: Network): BlockList {
  const list = new BlockList();
  list.addSubnet(network.address, network.prefix, network.family);
  return list;
}

/** The same network written two ways ("10.0.0.1" and "10.0.0.1/32", "::1" and "0:0::1") gives one key. */
function networkKey(network: Network): string {
  return subnet(network).rules.join();
}

export interface RadiusClientTable {
  /** The client a datagram from `address` (as node:dgram reports it) belongs to, if any. */
  find(address: string): RadiusClient | undefined;
}

/** Source addresses whose client is remembered: a handful of NetScalers in practice, a bound for wide ranges. */
const REMEMBERED_ADDRESSES = 1024;

/**
 * Matches source addresses to clients. Where networks overlap the most specific wins (as
 * in FreeRADIUS), so one NetScaler can have its own secret inside a wider range.
 *
 * An address that belongs to a client is remembered: BlockList.check makes a native
 * SocketAddress of the string on every call, which V8 frees only through a weak handle at the
 * next young-generation collection, and at thousands of requests a second those handles
 * lengthened every pause. Unknown addresses are not remembered (a flood from spoofed sources
 * would fill the memory); the few remembered ones are forgotten together when the bound is reached.
 */
export function createClientTable(clients: readonly RadiusClient[]): RadiusClientTable {
  const entries = clients
    .map((client) => {
      const network = parseNetwork(client.address);
      if (typeof network === "string") throw new RadiusClientsError(`client "${client.name}": address ${network}`);
      return { client, network, list: subnet(network) };
    })
    .sort((a, b) => b.network.prefix - a.network.prefix);
  const remembered = new Map<string, RadiusClient>();
  const lookUp = (address: string): RadiusClient | undefined => {
    // A dual-stack (udp6) socket reports IPv4 senders as ::ffff:a.b.c.d; they are the IPv4 client.
    const plain = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1] ?? address;
    const version = isIP(plain);
    if (version === 0) return undefined;
    const family = version === 4 ? "ipv4" : "ipv6";
    return entries.find((entry) => entry.network.family === family && entry.list.check(plain, family))?.client;
  };
  return {
    find(address) {
      let client = remembered.get(address);
      if (client) return client;
      client = lookUp(address);
      if (client) {
        if (remembered.size >= REMEMBERED_ADDRESSES) remembered.clear();
        remembered.set(address, client);
      }
      return client;
    },
  };
}

/** Reads the client table from a JSON file (RADIUS_CLIENTS_FILE). */
export function loadRadiusClients(path: string): RadiusClient[] {
  let json: string;
  try {
    json = readFileSync(path, "utf8");
  } catch (error) {
    throw new RadiusClientsError(`RADIUS clients file ${path}: cannot be read`, { cause: error });
  }
  return parseRadiusClients(json, `RADIUS clients file ${path}`);
}

export const LOCAL_RADIUS_SECRET_FILE = "radius-secret";

/**
 * Local mode only: one client on 127.0.0.1 whose secret is generated once into the data
 * folder (mode 0600, the folder 0700), like the local encryption key, so radclient and a
 * local NetScaler stand-in keep working across restarts.
 */
export function localRadiusClients(dataDir: string): RadiusClient[] {
  return [{ name: "local", address: "127.0.0.1", secret: loadOrCreateLocalRadiusSecret(dataDir), requireMessageAuthenticator: true }];
}

export function loadOrCreateLocalRadiusSecret(dataDir: string): string {
  const secret = readOrCreatePrivateText(dataDir, LOCAL_RADIUS_SECRET_FILE, () => randomBytes(24).toString("base64url"));
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new RadiusClientsError(
      `${join(dataDir, LOCAL_RADIUS_SECRET_FILE)}: the local RADIUS secret is shorter than ${MIN_SECRET_LENGTH} characters (delete the file to generate a new one)`,
    );
  }
  return secret;
}
