/**
 * A local stand-in for Azure Key Vault's key REST API over HTTPS (a self-signed certificate
 * made here with openssl): GET a key, POST wrapkey / unwrapkey (RSA-OAEP-256), behind the
 * bearer challenge the real vault sends, with tokens from a local token endpoint
 * (client_credentials). The real @azure/keyvault-keys client talks to it.
 */
import { execFileSync } from "node:child_process";
import { constants, generateKeyPairSync, type KeyObject, privateDecrypt, publicEncrypt, randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, request, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AccessToken, TokenCredential } from "@azure/identity";

export interface KeyVaultStandIn {
  /** https://127.0.0.1:PORT/keys/<name> (no version: the newest). */
  keyId: string;
  /** PEM of the self-signed certificate the client must trust. */
  ca: string;
  credential: TokenCredential;
  /** Adds a key version (what rotating the key in the portal does). */
  rotateKey(): string;
  /** While down, every request gets 503. */
  setDown(down: boolean): void;
  /** wrapkey / unwrapkey / get counts. */
  calls: { wrap: number; unwrap: number; get: number };
  stop(): Promise<void>;
}

const CLIENT_ID = "stand-in-app";
const CLIENT_SECRET = randomBytes(16).toString("hex");

export async function startKeyVaultStandIn(name = "kek"): Promise<KeyVaultStandIn> {
  const dir = mkdtempSync(join(tmpdir(), "kv-stand-in-"));
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      join(dir, "key.pem"),
      "-out",
      join(dir, "cert.pem"),
      "-days",
      "1",
      "-subj",
      "/CN=127.0.0.1",
      "-addext",
      "subjectAltName=IP:127.0.0.1",
    ],
    { stdio: "ignore" },
  );
  const ca = readFileSync(join(dir, "cert.pem"), "utf8");
  const versions = new Map<string, { publicKey: KeyObject; privateKey: KeyObject; created: number }>();
  let newest = "";
  const rotateKey = () => {
    newest = randomUUID().replaceAll("-", "");
    versions.set(newest, { ...generateKeyPairSync("rsa", { modulusLength: 2048 }), created: Math.floor(Date.now() / 1000) });
    return newest;
  };
  rotateKey();
  const tokens = new Set<string>();
  const calls = { wrap: 0, unwrap: 0, get: 0 };
  let down = false;
  let base = "";

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await new Promise<string>((resolve) => {
      let text = "";
      req.on("data", (chunk) => (text += chunk));
      req.on("end", () => resolve(text));
    });
    const send = (status: number, json: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(JSON.stringify(json));
    };
    if (down) return send(503, { error: { code: "ServiceUnavailable", message: "down" } });
    const url = new URL(req.url ?? "/", base);
    if (req.method === "POST" && url.pathname === "/tenant/oauth2/v2.0/token") {
      const form = new URLSearchParams(body);
      if (form.get("client_id") !== CLIENT_ID || form.get("client_secret") !== CLIENT_SECRET) return send(401, { error: "invalid_client" });
      const token = randomBytes(24).toString("base64url");
      tokens.add(token);
      return send(200, { access_token: token, token_type: "Bearer", expires_in: 3600 });
    }
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    if (!bearer || !tokens.has(bearer)) {
      return send(
        401,
        { error: { code: "Unauthorized" } },
        { "www-authenticate": `Bearer authorization="${base}/tenant", resource="https://vault.azure.net"` },
      );
    }
    const match = /^\/keys\/([^/]+)(?:\/([^/]*))?(?:\/(wrapkey|unwrapkey))?$/.exec(url.pathname);
    if (!match || match[1] !== name) return send(404, { error: { code: "KeyNotFound" } });
    const version = match[2] || newest;
    const key = versions.get(version);
    if (!key) return send(404, { error: { code: "KeyNotFound" } });
    const kid = `${base}/keys/${name}/${version}`;
    if (req.method === "GET" && !match[3]) {
      calls.get++;
      const jwk = key.publicKey.export({ format: "jwk" });
      return send(200, {
        key: { kid, kty: "RSA", key_ops: ["wrapKey", "unwrapKey"], n: jwk.n, e: jwk.e },
        attributes: { enabled: true, created: key.created, updated: key.created },
      });
    }
    const input = JSON.parse(body) as { alg: string; value: string };
    if (input.alg !== "RSA-OAEP-256") return send(400, { error: { code: "BadParameter", message: "alg" } });
    const oaep = { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" };
    try {
      if (match[3] === "wrapkey") {
        calls.wrap++;
        return send(200, {
          kid,
          value: publicEncrypt({ key: key.publicKey, ...oaep }, Buffer.from(input.value, "base64url")).toString("base64url"),
        });
      }
      calls.unwrap++;
      return send(200, {
        kid,
        value: privateDecrypt({ key: key.privateKey, ...oaep }, Buffer.from(input.value, "base64url")).toString("base64url"),
      });
    } catch {
      return send(400, { error: { code: "BadParameter", message: "The parameter is incorrect." } });
    }
  };

  const server: Server = createServer({ key: readFileSync(join(dir, "key.pem")), cert: ca }, (req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  base = `https://127.0.0.1:${port}`;

  /** A client-credentials token from the stand-in's token endpoint, as ClientSecretCredential would get one. */
  const credential: TokenCredential = {
    async getToken(): Promise<AccessToken> {
      const form = new URLSearchParams({
        grant_type: "client_credentials",
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        scope: "https://vault.azure.net/.default",
      }).toString();
      const text = await new Promise<string>((resolve, reject) => {
        const req = request(
          `${base}/tenant/oauth2/v2.0/token`,
          { method: "POST", ca, headers: { "content-type": "application/x-www-form-urlencoded" } },
          (res) => {
            let data = "";
            res.on("data", (chunk) => (data += chunk));
            res.on("end", () => (res.statusCode === 200 ? resolve(data) : reject(new Error(`token endpoint ${res.statusCode}`))));
          },
        );
        req.on("error", reject);
        req.end(form);
      });
      const token = JSON.parse(text) as { access_token: string; expires_in: number };
      return { token: token.access_token, expiresOnTimestamp: Date.now() + token.expires_in * 1000 };
    },
  };

  return {
    keyId: `${base}/keys/${name}`,
    ca,
    credential,
    rotateKey,
    setDown: (value) => void (down = value),
    calls,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
