import { constants, verify } from "node:crypto";
import { SigningKeysUnavailable, type SigningKeys } from "./bot-signing-keys.js";

/**
 * Why a request's token was refused: a short, fixed word for the log (never the token).
 * "keys-unavailable" is the bot's problem, not the caller's.
 */
export type TokenRefusal =
  | "no-token"
  | "malformed"
  | "algorithm"
  | "issuer"
  | "audience"
  | "not-yet-valid"
  | "expired"
  | "unknown-key"
  | "endorsement"
  | "signature"
  | "keys-unavailable";

export interface TokenScreenOptions {
  /** MICROSOFT_APP_ID: the audience a token must be for. */
  appId: string;
  /** The Bot Connector's issuer. */
  issuer: string;
  keys: SigningKeys;
  now?: () => number;
}

/** What botbuilder accepts (AuthenticationConstants.AllowedSigningAlgorithms), with the hash each uses. */
const ALGORITHMS: Record<string, string> = { RS256: "sha256", RS384: "sha384", RS512: "sha512" };
/** The clock skew botbuilder allows on exp and nbf (5 minutes). */
const CLOCK_TOLERANCE_SECONDS = 300;
/** Far larger than a Bot Connector token (~1.5 KB). */
const MAX_TOKEN_CHARS = 16 * 1024;
const PART = /^[A-Za-z0-9_-]+$/;
/** alg "none" has an empty signature: let the algorithm check name it. */
const SIGNATURE_PART = /^[A-Za-z0-9_-]*$/;

function jsonPart(part: string): Record<string, unknown> | null {
  try {
    const value = JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as unknown;
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * Checks a Bot Connector token before botbuilder sees it, without the network beyond the
 * signing keys: the scheme, the form, the algorithm (RS256/384/512 only: `none` and HS256
 * keyed with the public key are refused), issuer, audience, not-before and expiry (with
 * botbuilder's 5 minutes of skew), the key id, the key's endorsement for the channel, and the
 * signature. botbuilder then checks the same token again (and the serviceUrl claim); what
 * passes here passes there, so the library's own error printing (stack traces on stderr)
 * is never reached by a forged token. Null: the token may go on.
 */
export async function screenToken(authorization: string, channelId: string, options: TokenScreenOptions): Promise<TokenRefusal | null> {
  if (!authorization) return "no-token";
  const [scheme, token, ...rest] = authorization.split(" ");
  if (scheme !== "Bearer" || !token || rest.length > 0 || token.length > MAX_TOKEN_CHARS) return "malformed";
  const parts = token.split(".");
  const [headerPart = "", payloadPart = "", signaturePart = ""] = parts;
  if (parts.length !== 3 || !PART.test(headerPart) || !PART.test(payloadPart) || !SIGNATURE_PART.test(signaturePart)) return "malformed";
  const header = jsonPart(headerPart);
  const claims = jsonPart(payloadPart);
  if (!header || !claims) return "malformed";

  const hash = typeof header.alg === "string" ? ALGORITHMS[header.alg] : undefined;
  if (!hash) return "algorithm";
  if (typeof header.kid !== "string" || header.kid.length === 0 || header.kid.length > 256) return "malformed";
  if (claims.iss !== options.issuer) return "issuer";
  if (claims.aud !== options.appId) return "audience";
  const now = Math.floor((options.now ?? Date.now)() / 1000);
  if (claims.nbf !== undefined && (typeof claims.nbf !== "number" || claims.nbf > now + CLOCK_TOLERANCE_SECONDS)) return "not-yet-valid";
  if (typeof claims.exp !== "number" || now >= claims.exp + CLOCK_TOLERANCE_SECONDS) return "expired";

  let key;
  try {
    key = await options.keys.find(header.kid);
  } catch (error) {
    if (error instanceof SigningKeysUnavailable) return "keys-unavailable";
    throw error;
  }
  if (!key) return "unknown-key";
  // As botbuilder: an activity naming no channel makes no claim about who endorses the key.
  if (channelId !== "" && key.endorsements.length > 0 && !key.endorsements.includes(channelId)) return "endorsement";
  const signed = verify(
    hash,
    Buffer.from(`${headerPart}.${payloadPart}`),
    { key: key.key, padding: constants.RSA_PKCS1_PADDING },
    Buffer.from(signaturePart, "base64url"),
  );
  return signed ? null : "signature";
}
