/**
 * The Bot Connector's signing keys, read the way botbuilder reads them, with a fake fetch and
 * a fake clock: cached, looked for again for an unknown key id at most every few minutes
 * (forged ids cost one request, not one each), never from a plain-http jwks_uri elsewhere.
 */
import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { OpenIdSigningKeys, SigningKeysUnavailable } from "../../src/bot/edge/bot-signing-keys.js";

const METADATA = "https://login.example/v1/.well-known/openidconfiguration";
const jwk = (kid: string) => ({
  ...generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({ format: "jwk" }),
  kid,
  endorsements: ["msteams", 7],
});

function fakeFetch(documents: Record<string, unknown>) {
  const calls: string[] = [];
  const fetch = (async (url: string) => {
    calls.push(url);
    const body = documents[url];
    if (body instanceof Error) throw body;
    return new Response(JSON.stringify(body ?? {}), { status: body === undefined ? 404 : 200 });
  }) as unknown as typeof globalThis.fetch;
  return { calls, fetch };
}

describe("OpenID signing keys", () => {
  it("reads the metadata, then the JWKS it names, once", async () => {
    const { calls, fetch } = fakeFetch({
      [METADATA]: { jwks_uri: "https://login.example/keys" },
      "https://login.example/keys": { keys: [jwk("k1"), { kid: "ec", kty: "EC" }] },
    });
    const keys = new OpenIdSigningKeys(METADATA, { fetch, now: () => 0 });
    const found = await keys.find("k1");
    expect(found?.key.asymmetricKeyType).toBe("rsa");
    expect(found?.endorsements).toEqual(["msteams"]);
    expect(await keys.find("ec")).toBeNull(); // not an RSA key: signs nothing, as in botbuilder
    await keys.find("k1");
    expect(calls).toEqual([METADATA, "https://login.example/keys"]);
  });

  it("looks for an unknown key id again at most every five minutes, and reads again after a day", async () => {
    let now = 0;
    const { calls, fetch } = fakeFetch({
      [METADATA]: { jwks_uri: "https://login.example/keys" },
      "https://login.example/keys": { keys: [jwk("k1")] },
    });
    const keys = new OpenIdSigningKeys(METADATA, { fetch, now: () => now });
    await keys.find("k1");
    for (let i = 0; i < 50; i++) expect(await keys.find(`forged-${i}`)).toBeNull();
    expect(calls).toHaveLength(2);
    now = 5 * 60_000;
    await Promise.all([keys.find("forged-a"), keys.find("forged-b")]); // one read for both
    expect(calls).toHaveLength(4);
    now = 24 * 3_600_000 + 5 * 60_000;
    await keys.find("k1");
    expect(calls).toHaveLength(6);
  });

  it("keeps the keys it has when a later read fails; with none it is unavailable, and retries after a pause", async () => {
    let now = 0;
    const documents: Record<string, unknown> = { [METADATA]: new Error("network down") };
    const { calls, fetch } = fakeFetch(documents);
    const keys = new OpenIdSigningKeys(METADATA, { fetch, now: () => now });
    await expect(keys.find("k1")).rejects.toBeInstanceOf(SigningKeysUnavailable);
    await expect(keys.find("k1")).rejects.toBeInstanceOf(SigningKeysUnavailable);
    expect(calls).toHaveLength(1); // refused at once, not a request each
    now = 10_000;
    documents[METADATA] = { jwks_uri: "https://login.example/keys" };
    documents["https://login.example/keys"] = { keys: [jwk("k1")] };
    expect(await keys.find("k1")).not.toBeNull();
    now = 25 * 3_600_000;
    documents[METADATA] = new Error("network down again");
    expect(await keys.find("k1")).not.toBeNull();
  });

  it("does not take keys from a plain-http jwks_uri on another host", async () => {
    const { fetch } = fakeFetch({
      [METADATA]: { jwks_uri: "http://attacker.example/keys" },
      "http://attacker.example/keys": { keys: [jwk("k1")] },
    });
    await expect(new OpenIdSigningKeys(METADATA, { fetch, now: () => 0 }).find("k1")).rejects.toBeInstanceOf(SigningKeysUnavailable);
  });
});
