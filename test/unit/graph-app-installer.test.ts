/**
 * GraphAppInstaller against a local Graph stand-in (127.0.0.1) with a fake credential: no
 * network beyond loopback, no Azure.
 */
import type { AccessToken, TokenCredential } from "@azure/identity";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { GRAPH_SCOPE, GraphAppInstaller, type GraphAppInstallerOptions } from "../../src/adapters/graph-app-installer.js";
import { GraphStandIn } from "../support/graph-stand-in.js";

const TOKEN = "eyJ0eXAi.fake-graph-token.s3cr3t-signature";
const CATALOG_ID = "1542629c-01b3-4a6d-8f76-1938b779e48d";

class FakeCredential implements TokenCredential {
  readonly scopes: (string | string[])[] = [];
  failWith: Error | undefined;
  constructor(
    private readonly token = TOKEN,
    private readonly lifetimeMs = 3_600_000,
  ) {}
  async getToken(scopes: string | string[]): Promise<AccessToken> {
    this.scopes.push(scopes);
    if (this.failWith) throw this.failWith;
    return { token: this.token, expiresOnTimestamp: Date.now() + this.lifetimeMs };
  }
}

/** Collects log lines as JSON text, as pino would write them. */
class CapturingLogger {
  readonly lines: string[] = [];
  info(obj: object, msg?: string): void {
    this.lines.push(JSON.stringify({ level: "info", ...obj, msg }));
  }
  warn(obj: object, msg?: string): void {
    this.lines.push(JSON.stringify({ level: "warn", ...obj, msg }));
  }
  get text(): string {
    return this.lines.join("\n");
  }
}

let graph: GraphStandIn;
const waits: number[] = [];

function installer(
  credential: TokenCredential,
  logger: CapturingLogger,
  options: Partial<GraphAppInstallerOptions> = {},
): GraphAppInstaller {
  return new GraphAppInstaller(credential, {
    catalogAppId: CATALOG_ID,
    graphBaseUrl: `${graph.url}/`,
    logger,
    wait: async (ms) => {
      waits.push(ms);
    },
    ...options,
  });
}

beforeAll(async () => {
  graph = await GraphStandIn.start({ token: TOKEN, catalogAppId: CATALOG_ID });
});
afterAll(async () => {
  await graph?.stop();
});
afterEach(() => {
  waits.length = 0;
});

describe("GraphAppInstaller", () => {
  it("201 → installed: POSTs the odata bind with the app-only bearer token", async () => {
    const credential = new FakeCredential();
    const logger = new CapturingLogger();
    expect(await installer(credential, logger).install({ upn: "Anna.Berg@region.se" })).toBe("installed");
    const [request] = graph.requestsFor("anna.berg@region.se");
    expect(request).toMatchObject({
      method: "POST",
      path: "/v1.0/users/Anna.Berg%40region.se/teamwork/installedApps",
      authorization: `Bearer ${TOKEN}`,
      contentType: "application/json",
      body: { "teamsApp@odata.bind": `${graph.url}/v1.0/appCatalogs/teamsApps/${CATALOG_ID}` },
      status: 201,
    });
    expect(credential.scopes).toEqual([GRAPH_SCOPE]);
    expect(GRAPH_SCOPE).toBe("https://graph.microsoft.com/.default");
  });

  it("addresses the user by Entra object id when it is known", async () => {
    const id = "6f1c1b8e-2a2f-4c65-9d61-0c2f8f3a1d11";
    expect(await installer(new FakeCredential(), new CapturingLogger()).install({ upn: "x@region.se", aadObjectId: id })).toBe("installed");
    expect(graph.requestsFor(id)).toHaveLength(1);
    expect(graph.requestsFor("x@region.se")).toHaveLength(0);
  });

  it("409 → alreadyInstalled", async () => {
    graph.preinstall("bo@region.se");
    expect(await installer(new FakeCredential(), new CapturingLogger()).install({ upn: "bo@region.se" })).toBe("alreadyInstalled");
  });

  it("429 with Retry-After, then 201 → installed after waiting what Graph asked", async () => {
    graph.script("cia@region.se", { status: 429, retryAfter: "7" }, 201);
    expect(await installer(new FakeCredential(), new CapturingLogger()).install({ upn: "cia@region.se" })).toBe("installed");
    expect(graph.requestsFor("cia@region.se").map((r) => r.status)).toEqual([429, 201]);
    expect(waits).toEqual([7_000]);
  });

  it("503 without Retry-After backs off; a 409 after an ambiguous 503 is our own install", async () => {
    graph.script("dan@region.se", 503, 409);
    expect(await installer(new FakeCredential(), new CapturingLogger(), { baseBackoffMs: 250 }).install({ upn: "dan@region.se" })).toBe(
      "installed",
    );
    expect(waits).toEqual([250]);
  });

  it("caps a long Retry-After and gives up after a bounded number of tries, recording why", async () => {
    graph.script("eva@region.se", { status: 429, retryAfter: "3600" }, 503, 503, 503, 201);
    const logger = new CapturingLogger();
    expect(
      await installer(new FakeCredential(), logger, { maxAttempts: 3, maxRetryAfterMs: 30_000, baseBackoffMs: 100 }).install({
        upn: "eva@region.se",
      }),
    ).toBe("failed");
    expect(graph.requestsFor("eva@region.se")).toHaveLength(3);
    expect(waits).toEqual([30_000, 200]);
    expect(logger.text).toContain("gave up after 3 tries; last 503");
    expect(logger.text).toContain("eva@region.se");
  });

  it("403 → failed, with Graph's code and message logged and the token nowhere", async () => {
    graph.script("fia@region.se", {
      status: 403,
      error: { code: "Forbidden", message: `Missing role TeamsAppInstallation.ReadWriteSelfForUser.All` },
    });
    const logger = new CapturingLogger();
    expect(await installer(new FakeCredential(), logger).install({ upn: "fia@region.se" })).toBe("failed");
    expect(graph.requestsFor("fia@region.se")).toHaveLength(1); // not retried
    expect(logger.text).toMatch(/"reason":"403: Forbidden: Missing role TeamsAppInstallation/);
    expect(logger.text).not.toContain(TOKEN);
    expect(logger.text).not.toContain("s3cr3t");
  });

  it("a wrong token is a 401 failure that never echoes either token", async () => {
    const logger = new CapturingLogger();
    expect(await installer(new FakeCredential("other-token-value"), logger).install({ upn: "gun@region.se" })).toBe("failed");
    expect(logger.text).toMatch(/401: InvalidAuthenticationToken/);
    expect(logger.text).not.toContain("other-token-value");
    expect(logger.text).not.toContain(TOKEN);
  });

  it("a credential that fails → failed without a request; fails fast for a while, then tries again", async () => {
    let now = Date.now();
    const credential = new FakeCredential();
    credential.failWith = Object.assign(new Error("AADSTS7000215: Invalid client secret provided.\nTrace ID: 1"), {
      name: "AuthenticationError",
    });
    const logger = new CapturingLogger();
    const subject = installer(credential, logger, { now: () => now, credentialFailureMs: 60_000 });
    const before = graph.requests.length;
    expect(await subject.install({ upn: "hans@region.se" })).toBe("failed");
    expect(await subject.install({ upn: "ida@region.se" })).toBe("failed");
    expect(credential.scopes).toHaveLength(1);
    expect(graph.requests.length).toBe(before);
    expect(logger.text).toContain("token: AuthenticationError: AADSTS7000215: Invalid client secret provided.");
    expect(logger.text).not.toContain("Trace ID");
    credential.failWith = undefined;
    now += 61_000;
    expect(await subject.install({ upn: "ida@region.se" })).toBe("installed");
    expect(credential.scopes).toHaveLength(2);
  });

  it("reuses the token until shortly before it expires", async () => {
    const credential = new FakeCredential(TOKEN, 3_600_000);
    const subject = installer(credential, new CapturingLogger());
    await Promise.all(["j1", "j2", "j3"].map((n) => subject.install({ upn: `${n}@region.se` })));
    expect(credential.scopes).toHaveLength(1);
    const shortLived = new FakeCredential(TOKEN, 60_000); // inside the 5-minute renewal margin
    const renewing = installer(shortLived, new CapturingLogger());
    await renewing.install({ upn: "k1@region.se" });
    await renewing.install({ upn: "k2@region.se" });
    expect(shortLived.scopes).toHaveLength(2);
  });

  it("a Graph that cannot be reached (or answers too slowly) → failed after bounded tries, reason recorded", async () => {
    const logger = new CapturingLogger();
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const subject = installer(new FakeCredential(), logger, {
      graphBaseUrl: `http://127.0.0.1:${port}`,
      maxAttempts: 2,
      baseBackoffMs: 10,
    });
    expect(await subject.install({ upn: "lo@region.se" })).toBe("failed");
    expect(waits).toEqual([10]);
    expect(logger.text).toMatch(/gave up after 2 tries; last network: ECONNREFUSED/);

    graph.script("slow@region.se", { status: 201, delayMs: 500 });
    const slow = installer(new FakeCredential(), logger, { timeoutMs: 50, maxAttempts: 1 });
    expect(await slow.install({ upn: "slow@region.se" })).toBe("failed");
    expect(logger.text).toMatch(/gave up after 1 tries; last network: timeout/);
  });
});
