/**
 * A local stand-in for Microsoft Graph's Teams app installation for users:
 *   POST /v1.0/users/{id}/teamwork/installedApps  { "teamsApp@odata.bind": ".../appCatalogs/teamsApps/{appId}" }
 * 401 without the expected bearer token, 400 on a wrong bind, 201 on the first install for a
 * user, 409 after that. Answers can be scripted per user (status, Retry-After, Graph error);
 * `onInstall` lets a test play Teams' conversationUpdate to the bot. Every request is recorded.
 * node:http on 127.0.0.1, free port.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface GraphRequest {
  method: string;
  path: string;
  /** The user segment of the path, decoded. */
  user?: string;
  authorization?: string;
  contentType?: string;
  body: unknown;
  status: number;
}

export interface ScriptedAnswer {
  status: number;
  retryAfter?: string;
  error?: { code: string; message: string };
  /** Answer this much later (a slow Graph). */
  delayMs?: number;
}

export interface GraphStandInOptions {
  /** The bearer token a request must carry. */
  token: string;
  /** The catalog app id the bind must point to. */
  catalogAppId: string;
  onInstall?: (user: string) => void | Promise<void>;
}

const INSTALL_PATH = /^\/v1\.0\/users\/([^/]+)\/teamwork\/installedApps$/;

export class GraphStandIn {
  readonly requests: GraphRequest[] = [];
  readonly installed = new Set<string>();
  private readonly scripts = new Map<string, ScriptedAnswer[]>();
  private readonly pending = new Set<Promise<void>>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly options: GraphStandInOptions,
  ) {}

  static async start(options: GraphStandInOptions): Promise<GraphStandIn> {
    let standIn: GraphStandIn | undefined;
    const server = createServer((req, res) => void standIn!.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    standIn = new GraphStandIn(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`, options);
    return standIn;
  }

  /** The next requests for `user` (id or UPN as in the path, lower case) get these answers, in order. */
  script(user: string, ...answers: (number | ScriptedAnswer)[]): void {
    this.scripts.set(
      user.toLowerCase(),
      answers.map((a) => (typeof a === "number" ? { status: a } : a)),
    );
  }

  /** Marks the app as installed for `user` already (409 on the next install). */
  preinstall(user: string): void {
    this.installed.add(user.toLowerCase());
  }

  requestsFor(user: string): GraphRequest[] {
    return this.requests.filter((r) => r.user === user.toLowerCase());
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // recorded as text
    }
    const path = (req.url ?? "").split("?")[0]!;
    const match = INSTALL_PATH.exec(path);
    const user = match ? decodeURIComponent(match[1]!).toLowerCase() : undefined;
    const record: GraphRequest = { method: req.method ?? "", path, body, status: 0 };
    if (user) record.user = user;
    if (req.headers.authorization) record.authorization = req.headers.authorization;
    if (req.headers["content-type"]) record.contentType = req.headers["content-type"];
    this.requests.push(record);

    const answer = (status: number, extra: { retryAfter?: string; error?: { code: string; message: string } } = {}) => {
      record.status = status;
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (extra.retryAfter) headers["retry-after"] = extra.retryAfter;
      res.writeHead(status, headers);
      res.end(status === 201 ? JSON.stringify({ id: `inst-${user}` }) : extra.error ? JSON.stringify({ error: extra.error }) : "");
    };

    if (req.method !== "POST" || !user) return answer(404, { error: { code: "NotFound", message: "Resource not found" } });
    if (req.headers.authorization !== `Bearer ${this.options.token}`) {
      return answer(401, { error: { code: "InvalidAuthenticationToken", message: "Access token is empty or invalid." } });
    }
    const bind = (body as Record<string, unknown> | undefined)?.["teamsApp@odata.bind"];
    if (bind !== `${this.url}/v1.0/appCatalogs/teamsApps/${this.options.catalogAppId}`) {
      return answer(400, { error: { code: "BadRequest", message: `unexpected teamsApp@odata.bind ${String(bind)}` } });
    }
    const scripted = this.scripts.get(user)?.shift();
    if (scripted) {
      if (scripted.delayMs) await new Promise((resolve) => setTimeout(resolve, scripted.delayMs));
      if (res.destroyed) return;
      const extra: { retryAfter?: string; error?: { code: string; message: string } } = {};
      if (scripted.retryAfter) extra.retryAfter = scripted.retryAfter;
      extra.error = scripted.error ?? { code: `Status${scripted.status}`, message: `scripted ${scripted.status}` };
      if (scripted.status === 201) this.installed.add(user);
      if (scripted.status !== 201 && scripted.status !== 409) return answer(scripted.status, extra);
      if (scripted.status === 201) return this.installedNow(user, answer);
      return answer(409, { error: { code: "Conflict", message: "App is already installed." } });
    }
    if (this.installed.has(user)) return answer(409, { error: { code: "Conflict", message: "App is already installed." } });
    this.installed.add(user);
    this.installedNow(user, answer);
  }

  /** 201, then (like Teams, after the answer) the conversationUpdate to the bot. */
  private installedNow(user: string, answer: (status: number) => void): void {
    answer(201);
    if (!this.options.onInstall) return;
    const done = Promise.resolve(this.options.onInstall(user)).finally(() => this.pending.delete(done));
    this.pending.add(done);
  }

  /** Waits for the `onInstall` callbacks started so far. */
  async idle(): Promise<void> {
    await Promise.all([...this.pending]);
  }
}
