/**
 * A local stand-in for the Bot Connector's token signing keys: the OpenID metadata document
 * (BOT_OPENID_METADATA_URL) and the JWKS it points to, with one RSA key ("the real key" of
 * the tests), endorsed for msteams. It also mints tokens the way the Bot Connector does
 * (RS256, iss https://api.botframework.com, aud = the bot's app id), and forged ones.
 * node:http on 127.0.0.1, free port; counts the requests it answered.
 */
import { createHmac, createSign, generateKeyPairSync, type KeyObject } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export const CHANNEL_ISSUER = "https://api.botframework.com";
export const REAL_KEY_ID = "stand-in-key-1";

const b64url = (data: Buffer | string) => Buffer.from(data).toString("base64url");

export interface TokenParts {
  header?: Record<string, unknown>;
  claims?: Record<string, unknown>;
}

export class OpenIdStandIn {
  /** Requests answered (metadata and keys). */
  requests = 0;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;

  private constructor(
    private readonly server: Server,
    readonly metadataUrl: string,
    keys: { privateKey: KeyObject; publicKey: KeyObject },
  ) {
    this.privateKey = keys.privateKey;
    this.publicKey = keys.publicKey;
  }

  static async start(): Promise<OpenIdStandIn> {
    const keys = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const jwk = { ...keys.publicKey.export({ format: "jwk" }), kid: REAL_KEY_ID, kty: "RSA", use: "sig", endorsements: ["msteams"] };
    let standIn: OpenIdStandIn | undefined;
    let base = "";
    const server = createServer((req, res) => {
      standIn!.requests++;
      const path = new URL(req.url ?? "/", "http://stand-in").pathname;
      const body =
        path === "/v1/.well-known/openidconfiguration"
          ? { issuer: CHANNEL_ISSUER, jwks_uri: `${base}/v1/.well-known/keys`, id_token_signing_alg_values_supported: ["RS256"] }
          : path === "/v1/.well-known/keys"
            ? { keys: [jwk] }
            : null;
      res.writeHead(body ? 200 : 404, { "content-type": "application/json" });
      res.end(JSON.stringify(body ?? { error: "not found" }));
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", resolve);
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    standIn = new OpenIdStandIn(server, `${base}/v1/.well-known/openidconfiguration`, keys);
    return standIn;
  }

  /** The claims of a Bot Connector token for this bot and this serviceUrl, valid for an hour. */
  static claims(appId: string, serviceUrl: string): Record<string, unknown> {
    const now = Math.floor(Date.now() / 1000);
    return { iss: CHANNEL_ISSUER, aud: appId, serviceurl: serviceUrl, nbf: now - 60, iat: now - 60, exp: now + 3600 };
  }

  /** header.payload, signed RS256 with `key` (default: the real key) under `kid`. */
  signRs256(claims: Record<string, unknown>, options: { key?: KeyObject; kid?: string } = {}): string {
    const signingInput = `${b64url(JSON.stringify({ alg: "RS256", typ: "JWT", kid: options.kid ?? REAL_KEY_ID }))}.${b64url(JSON.stringify(claims))}`;
    const signature = createSign("RSA-SHA256")
      .update(signingInput)
      .sign(options.key ?? this.privateKey);
    return `${signingInput}.${b64url(signature)}`;
  }

  /** alg "none": no signature at all. */
  static unsigned(claims: Record<string, unknown>): string {
    return `${b64url(JSON.stringify({ alg: "none", typ: "JWT", kid: REAL_KEY_ID }))}.${b64url(JSON.stringify(claims))}.`;
  }

  /** HS256 with the public key (PEM text) as the HMAC secret: the classic algorithm confusion. */
  hs256WithPublicKey(claims: Record<string, unknown>): string {
    const signingInput = `${b64url(JSON.stringify({ alg: "HS256", typ: "JWT", kid: REAL_KEY_ID }))}.${b64url(JSON.stringify(claims))}`;
    const pem = this.publicKey.export({ type: "spki", format: "pem" }).toString();
    return `${signingInput}.${createHmac("sha256", pem).update(signingInput).digest("base64url")}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
