import { createPublicKey, type KeyObject } from "node:crypto";
import { isTlsOrLoopbackUrl } from "../../config/url-rules.js";

/** One of the Bot Connector's token signing keys, and the channels it may sign for. */
export interface SigningKey {
  key: KeyObject;
  /** Channel ids (e.g. "msteams") this key is endorsed for; empty: any. */
  endorsements: string[];
}

export interface SigningKeys {
  /** The key with this id; null when the published set has none. Throws SigningKeysUnavailable. */
  find(keyId: string): Promise<SigningKey | null>;
}

export class SigningKeysUnavailable extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SigningKeysUnavailable";
  }
}

export interface OpenIdSigningKeysOptions {
  fetch?: typeof globalThis.fetch;
  now?: () => number;
  /** Keys are read again after this long (the library's default: a day). */
  maxAgeMs?: number;
  /** A key id not in the set makes the bot ask again, but not more often than this (forged ids cost nothing). */
  minRefreshMs?: number;
}

const TIMEOUT_MS = 10_000;
const MAX_DOCUMENT_BYTES = 1024 * 1024;

async function getJson(fetchFn: typeof globalThis.fetch, url: string): Promise<unknown> {
  if (!isTlsOrLoopbackUrl(url)) throw new SigningKeysUnavailable("the signing keys must come over https");
  const res = await fetchFn(url, { signal: AbortSignal.timeout(TIMEOUT_MS), redirect: "error" });
  if (!res.ok) throw new SigningKeysUnavailable(`the signing key document answered ${res.status}`);
  const text = await res.text();
  if (text.length > MAX_DOCUMENT_BYTES) throw new SigningKeysUnavailable("the signing key document is too large");
  return JSON.parse(text) as unknown;
}

function keysFrom(jwks: unknown): Map<string, SigningKey> {
  const keys = new Map<string, SigningKey>();
  const list = (jwks as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(list)) throw new SigningKeysUnavailable("the signing key document lists no keys");
  for (const jwk of list as Record<string, unknown>[]) {
    if (typeof jwk?.kid !== "string" || typeof jwk.n !== "string" || typeof jwk.e !== "string") continue; // RSA keys only, like the library
    try {
      const key = createPublicKey({ key: { kty: "RSA", n: jwk.n, e: jwk.e }, format: "jwk" });
      const endorsements = Array.isArray(jwk.endorsements) ? jwk.endorsements.filter((e): e is string => typeof e === "string") : [];
      keys.set(jwk.kid, { key, endorsements });
    } catch {
      // a key that does not parse signs nothing
    }
  }
  return keys;
}

/** With no keys at all, a failed read is tried again after this long (requests in between are refused at once). */
const RETRY_WITHOUT_KEYS_MS = 10_000;

/**
 * The keys the Bot Connector signs its tokens with, read from the OpenID metadata document
 * (BOT_OPENID_METADATA_URL) and the JWKS it names, the way botbuilder reads them, kept for a
 * day. A key id not in the set is looked for again at most every few minutes, so forged ids
 * cannot make the bot hammer the document; concurrent reads share one request; a failed read
 * keeps the keys already known.
 */
export class OpenIdSigningKeys implements SigningKeys {
  private keys: Map<string, SigningKey> | undefined;
  private loadedAt = 0;
  private attemptedAt = Number.NEGATIVE_INFINITY;
  private lastFailure: unknown;
  private inFlight: Promise<void> | undefined;
  private readonly fetchFn: typeof globalThis.fetch;
  private readonly now: () => number;
  private readonly maxAgeMs: number;
  private readonly minRefreshMs: number;

  constructor(
    private readonly metadataUrl: string,
    options: OpenIdSigningKeysOptions = {},
  ) {
    this.fetchFn = options.fetch ?? globalThis.fetch;
    this.now = options.now ?? Date.now;
    this.maxAgeMs = options.maxAgeMs ?? 24 * 3_600_000;
    this.minRefreshMs = options.minRefreshMs ?? 5 * 60_000;
  }

  async find(keyId: string): Promise<SigningKey | null> {
    const due = !this.keys?.has(keyId) || this.now() - this.loadedAt >= this.maxAgeMs;
    const waited = this.now() - this.attemptedAt >= (this.keys ? this.minRefreshMs : RETRY_WITHOUT_KEYS_MS);
    if (due && waited) await this.refresh();
    if (!this.keys) throw new SigningKeysUnavailable("the signing keys could not be read", { cause: this.lastFailure });
    return this.keys.get(keyId) ?? null;
  }

  private async refresh(): Promise<void> {
    this.inFlight ??= this.load().finally(() => (this.inFlight = undefined));
    await this.inFlight;
  }

  private async load(): Promise<void> {
    this.attemptedAt = this.now();
    try {
      const metadata = (await getJson(this.fetchFn, this.metadataUrl)) as { jwks_uri?: unknown } | null;
      if (typeof metadata?.jwks_uri !== "string") throw new SigningKeysUnavailable("the OpenID metadata names no jwks_uri");
      this.keys = keysFrom(await getJson(this.fetchFn, metadata.jwks_uri));
      this.loadedAt = this.now();
      this.lastFailure = undefined;
    } catch (error) {
      this.lastFailure = error; // keys already known stay in use
    }
  }
}
