/**
 * The token screen in front of botbuilder: forged tokens are refused with a fixed reason
 * before any library code runs; a Bot Connector token passes. Keys and clock are fakes.
 */
import { createHmac, createSign, generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { SigningKeys } from "../../src/bot/edge/bot-signing-keys.js";
import { SigningKeysUnavailable } from "../../src/bot/edge/bot-signing-keys.js";
import { screenToken } from "../../src/bot/edge/bot-token-screen.js";

const APP_ID = "app-id";
const ISSUER = "https://api.botframework.com";
const NOW = 1_800_000_000;
const real = generateKeyPairSync("rsa", { modulusLength: 2048 });
const other = generateKeyPairSync("rsa", { modulusLength: 2048 });
const keys: SigningKeys = { find: async (kid) => (kid === "k1" ? { key: real.publicKey, endorsements: ["msteams"] } : null) };
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const claims = (over: Record<string, unknown> = {}) => ({
  iss: ISSUER,
  aud: APP_ID,
  nbf: NOW - 60,
  exp: NOW + 3600,
  serviceurl: "https://smba.example/",
  ...over,
});

function rs(
  alg: "RS256" | "RS384" | "RS512",
  body: Record<string, unknown>,
  header: Record<string, unknown> = {},
  key = real.privateKey,
): string {
  const input = `${b64({ alg, typ: "JWT", kid: "k1", ...header })}.${b64(body)}`;
  return `Bearer ${input}.${createSign(`RSA-SHA${alg.slice(2)}`)
    .update(input)
    .sign(key)
    .toString("base64url")}`;
}

const screen = (authorization: string, channelId = "msteams", options: Partial<Parameters<typeof screenToken>[2]> = {}) =>
  screenToken(authorization, channelId, { appId: APP_ID, issuer: ISSUER, keys, now: () => NOW * 1000, ...options });

describe("the token screen", () => {
  it("lets a Bot Connector token through (RS256, RS384, RS512), and one naming no channel", async () => {
    for (const alg of ["RS256", "RS384", "RS512"] as const) expect(await screen(rs(alg, claims()))).toBeNull();
    expect(await screen(rs("RS256", claims()), "")).toBeNull();
    expect(await screen(rs("RS256", claims({ nbf: undefined })))).toBeNull();
  });

  it("allows botbuilder's five minutes of clock skew, not a second more", async () => {
    expect(await screen(rs("RS256", claims({ nbf: NOW + 300 })))).toBeNull();
    expect(await screen(rs("RS256", claims({ nbf: NOW + 301 })))).toBe("not-yet-valid");
    expect(await screen(rs("RS256", claims({ exp: NOW - 299 })))).toBeNull();
    expect(await screen(rs("RS256", claims({ exp: NOW - 300 })))).toBe("expired");
  });

  it.each([
    ["no header", "", "no-token"],
    ["another scheme", "Basic dXNlcjpwYXNz", "malformed"],
    ["two tokens", `${rs("RS256", claims())} extra`, "malformed"],
    ["not three parts", "Bearer a.b", "malformed"],
    ["a header that is not JSON", `Bearer ${Buffer.from("{nope").toString("base64url")}.${b64(claims())}.sig`, "malformed"],
    ["an oversized token", `Bearer ${"a".repeat(20_000)}.${b64(claims())}.sig`, "malformed"],
    ["alg none", `Bearer ${b64({ alg: "none", kid: "k1" })}.${b64(claims())}.`, "algorithm"],
    [
      "HS256 keyed with the public key",
      (() => {
        const input = `${b64({ alg: "HS256", kid: "k1" })}.${b64(claims())}`;
        return `Bearer ${input}.${createHmac("sha256", real.publicKey.export({ type: "spki", format: "pem" }))
          .update(input)
          .digest("base64url")}`;
      })(),
      "algorithm",
    ],
    ["ES256", `Bearer ${b64({ alg: "ES256", kid: "k1" })}.${b64(claims())}.c2ln`, "algorithm"],
    ["no key id", rs("RS256", claims(), { kid: undefined }), "malformed"],
    ["another issuer", rs("RS256", claims({ iss: "https://sts.windows.net/x/" })), "issuer"],
    ["another audience", rs("RS256", claims({ aud: "other-bot" })), "audience"],
    ["an audience list", rs("RS256", claims({ aud: [APP_ID] })), "audience"],
    ["a text nbf", rs("RS256", claims({ nbf: "0" })), "not-yet-valid"],
    ["no expiry", rs("RS256", claims({ exp: undefined })), "expired"],
    ["an unknown key id", rs("RS256", claims(), { kid: "k2" }, other.privateKey), "unknown-key"],
    ["a wrong key under the real key id", rs("RS256", claims(), {}, other.privateKey), "signature"],
    [
      "a signature of other claims",
      rs("RS256", claims()).replace(/\.[^.]+\./, `.${b64(claims({ aud: APP_ID, admin: true }))}.`),
      "signature",
    ],
  ])("refuses %s", async (_name, authorization, reason) => {
    expect(await screen(authorization)).toBe(reason);
  });

  it("refuses a key used for a channel it is not endorsed for", async () => {
    expect(await screen(rs("RS256", claims()), "webchat")).toBe("endorsement");
  });

  it("says so when the signing keys cannot be read", async () => {
    const down: SigningKeys = { find: async () => Promise.reject(new SigningKeysUnavailable("down")) };
    expect(await screen(rs("RS256", claims()), "msteams", { keys: down })).toBe("keys-unavailable");
  });
});
