/**
 * The bot in production mode (MICROSOFT_APP_ID set: Bot Framework authentication on) against
 * forged tokens. Each is answered 401 with the same short body (no library text saying why),
 * no stack trace reaches stderr or stdout, and the refusal is logged as one short line with a
 * reason, never the token, at most once a minute per reason (a count of the suppressed ones
 * rides on the next line). The signing keys come from a stand-in on loopback
 * (BOT_OPENID_METADATA_URL); nothing leaves this machine.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeDataDir, removeDataDir, startBot, type BotProcess } from "../support/bot-process.js";
import { ConnectorStandIn } from "../support/connector-stand-in.js";
import { OpenIdStandIn, REAL_KEY_ID } from "../support/openid-stand-in.js";
import { people, TENANT_ID, TeamsUser } from "../support/teams-user.js";

const APP_ID = "6f1c2a9e-4b7d-4e0a-9c3b-2d5e8f7a1b64";

let openId: OpenIdStandIn;
let connector: ConnectorStandIn;
let dataDir: string;
let bot: BotProcess;
let alex: TeamsUser;

beforeAll(async () => {
  openId = await OpenIdStandIn.start();
  connector = await ConnectorStandIn.start();
  dataDir = makeDataDir();
  bot = await startBot({
    dataDir,
    env: {
      MICROSOFT_APP_ID: APP_ID,
      MICROSOFT_APP_PASSWORD: "test-client-secret-not-used",
      MICROSOFT_APP_TENANT_ID: TENANT_ID,
      BOT_OPENID_METADATA_URL: openId.metadataUrl,
      ENCRYPTION_KEY: randomBytes(32).toString("base64"),
      // Production needs these set; no test here gets far enough to use them.
      LDAP_URL: "ldaps://127.0.0.1:9",
      LDAP_BIND_DN: "CN=svc,DC=test",
      LDAP_BIND_PASSWORD: "not-used",
      LDAP_BASE_DN: "DC=test",
      LDAP_ELIGIBLE_GROUP_DN: "CN=VPN,DC=test",
      SMS_GATEWAY_URL: "https://127.0.0.1:9/send",
      SMS_GATEWAY_TOKEN: "not-used",
      HELPDESK_CHANNEL_ID: "19:helpdesk@thread.tacv2",
      HELPDESK_GROUP_ID: "CN=Helpdesk,DC=test",
    },
  });
  alex = new TeamsUser(people.alexw, connector, bot.url);
}, 120_000);

afterAll(async () => {
  await bot?.kill();
  await connector?.stop();
  await openId?.stop();
  if (dataDir) removeDataDir(dataDir);
});

/** An invoke the bot answers without calling anything outside (not a card action: 501). */
const harmless = () => alex.activity({ type: "invoke", name: "task/fetch", value: {} });

async function post(
  authorization: string | undefined,
  activity: Record<string, unknown> | string = harmless(),
): Promise<{ status: number; text: string }> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (authorization !== undefined) headers.authorization = authorization;
  const body = typeof activity === "string" ? activity : JSON.stringify(activity);
  const res = await fetch(`${bot.url}/api/messages`, { method: "POST", headers, body });
  return { status: res.status, text: await res.text() };
}

const claims = () => OpenIdStandIn.claims(APP_ID, connector.url);
const now = () => Math.floor(Date.now() / 1000);

function forgedTokens(): [string, string | undefined][] {
  const otherKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
  return [
    ["no Authorization header", undefined],
    ["not a JWT", "Bearer not-a-token"],
    ["another scheme", `Basic ${Buffer.from("bot:secret").toString("base64")}`],
    ["alg none", `Bearer ${OpenIdStandIn.unsigned(claims())}`],
    ["HS256 keyed with the public key", `Bearer ${openId.hs256WithPublicKey(claims())}`],
    ["not yet valid", `Bearer ${openId.signRs256({ ...claims(), nbf: now() + 3600, iat: now() + 3600 })}`],
    ["expired", `Bearer ${openId.signRs256({ ...claims(), exp: now() - 3600 })}`],
    ["a wrong key under the real key id", `Bearer ${openId.signRs256(claims(), { key: otherKey, kid: REAL_KEY_ID })}`],
    ["an unknown key id", `Bearer ${openId.signRs256(claims(), { key: otherKey, kid: "no-such-key" })}`],
    ["another bot's audience", `Bearer ${openId.signRs256({ ...claims(), aud: "00000000-0000-0000-0000-00000000beef" })}`],
    ["another issuer", `Bearer ${openId.signRs256({ ...claims(), iss: "https://sts.windows.net/d6d49420-f39b-4df7-a1dc-d59a935871db/" })}`],
    ["another serviceUrl", `Bearer ${openId.signRs256({ ...claims(), serviceurl: "https://attacker.example/" })}`],
  ];
}

describe("forged Bot Framework tokens", () => {
  it("the real key's token is accepted (so the refusals below are the tokens' fault)", async () => {
    const res = await post(`Bearer ${openId.signRs256(claims())}`);
    expect(res.status).toBe(501); // the bot's answer to an invoke it does not handle: authentication passed
  });

  it("each gets 401 with the same short body, no stack trace, and at most one log line a minute per reason", async () => {
    const forged = forgedTokens();
    const stderrBefore = bot.stderr(); // start-up's own lines (a deprecation warning of restify's)
    const answers = new Map<string, { status: number; text: string }>();
    for (let round = 0; round < 3; round++) {
      for (const [kind, authorization] of forged) answers.set(`${kind} #${round}`, await post(authorization));
    }
    const statuses = Object.fromEntries([...answers].map(([kind, a]) => [kind, a.status]));
    expect(statuses).toEqual(Object.fromEntries([...answers.keys()].map((kind) => [kind, 401])));
    const bodies = new Set([...answers.values()].map((a) => a.text));
    expect(bodies.size).toBe(1);
    const [body] = bodies;
    expect(body!.length).toBeLessThan(64);
    expect(body).not.toMatch(/jwt|token|signature|algorithm|key|expired|active|issuer|audience|endorse|invalid|claim/i);

    // The bot still answers a real token.
    expect((await post(`Bearer ${openId.signRs256(claims())}`)).status).toBe(501);

    const output = `${bot.stdout()}\n${bot.stderr()}`;
    expect(output).not.toMatch(/^\s+at /m); // no stack frames
    expect(bot.stderr()).toBe(stderrBefore); // nothing at all per request
    for (const [, authorization] of forged) {
      const token = authorization?.split(" ")[1];
      for (const part of token?.split(".").filter((p) => p.length > 8) ?? []) expect(output).not.toContain(part);
    }

    const refusals = bot.logs().filter((line) => line.msg === "request refused: not authenticated");
    expect(refusals.length).toBeGreaterThan(0);
    expect(refusals.length).toBeLessThan(forged.length * 3);
    for (const line of refusals) {
      expect(typeof line.reason).toBe("string");
      expect(JSON.stringify(line).length).toBeLessThan(300);
    }
    // Per reason: one line, then not again within a minute (by the lines' own timestamps).
    for (const reason of new Set(refusals.map((line) => String(line.reason)))) {
      const times = refusals.filter((line) => line.reason === reason).map((line) => Number(line.time));
      for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!, reason).toBeGreaterThanOrEqual(60_000);
    }
  });

  it("tells only an authenticated caller what is wrong with its activity", async () => {
    const unauthenticated = (await post(undefined)).text;
    const broken: [string, Record<string, unknown> | string, RegExp][] = [
      ["not JSON", "this is not json", /JSON/],
      ["no sender", { ...harmless(), from: undefined }, /from/],
      ["a number as locale", { ...harmless(), locale: 42 }, /locale/],
      ["no serviceUrl", { ...harmless(), serviceUrl: undefined }, /serviceUrl/],
      ["another tenant", { ...harmless(), channelData: { tenant: { id: "another-tenant" } } }, /one organisation/],
    ];
    const otherKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
    for (const [kind, activity, problem] of broken) {
      for (const authorization of [undefined, "Bearer x.y.z", `Bearer ${openId.signRs256(claims(), { key: otherKey })}`]) {
        const refused = await post(authorization, activity);
        expect([kind, refused.status, refused.text]).toEqual([kind, 401, unauthenticated]);
      }
      const answered = await post(`Bearer ${openId.signRs256(claims())}`, activity);
      expect(answered.status, kind).toBe(400);
      expect(answered.text, kind).toMatch(problem);
    }
  });

  it("fetched the signing keys from the stand-in only (nothing beyond loopback)", () => {
    expect(openId.requests).toBeGreaterThan(0);
  });
});
