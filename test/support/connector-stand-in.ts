/**
 * A local stand-in for the Bot Connector service (what Teams' `serviceUrl` points at):
 * captures the activities the bot sends and answers Teams member look-ups, on a plain
 * node:http server on 127.0.0.1 and a free port.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";
import { Window, type Limit } from "./rate-limited-connector.js";

export interface TeamsMember {
  id: string;
  name: string;
  aadObjectId: string;
  userPrincipalName: string;
  email: string;
  givenName: string;
  surname: string;
  tenantId: string;
}

/** One activity the bot posted to the connector. */
export interface CapturedReply {
  conversationId: string;
  /** The activity replied to (`…/activities/:activityId`), if any; for an update (PUT), the activity replaced. */
  replyToId?: string;
  /** POST: a new message (or reply); PUT: an earlier message updated in place (updateActivity). */
  method: "POST" | "PUT";
  id: string;
  activity: Record<string, unknown> & {
    type?: string;
    text?: string;
    attachments?: { contentType: string; content: Record<string, unknown> }[];
  };
}

interface Waiter {
  conversationId: string;
  resolve: (reply: CapturedReply) => void;
}

export interface ConnectorStandInOptions {
  /**
   * Enforce Teams' per-conversation limits on what the bot writes (POST and PUT of
   * activities; e.g. TEAMS_PER_CONVERSATION): a write over them is answered 429 with
   * Retry-After (whole seconds, as Teams sends), not captured, and listed in `throttled`.
   */
  perConversationLimits?: Limit[];
}

export class ConnectorStandIn {
  readonly replies: CapturedReply[] = [];
  /** Every request, for assertions about what the bot asked ("GET /v3/…"). */
  readonly requests: string[] = [];
  /** The writes answered 429 because of perConversationLimits ("PUT /v3/…"). */
  readonly throttled: string[] = [];
  private readonly windows = new Map<string, Window>();
  private readonly members = new Map<string, TeamsMember>();
  private readonly consumed = new Set<CapturedReply>();
  private waiters: Waiter[] = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly options: ConnectorStandInOptions,
  ) {}

  static async start(options: ConnectorStandInOptions = {}): Promise<ConnectorStandIn> {
    let standIn: ConnectorStandIn | undefined;
    const server = createServer((req, res) => {
      void standIn!.handle(req, res).catch(() => {
        if (!res.headersSent) send(res, 500, { error: "stand-in failure" });
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", resolve);
    });
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : 0;
    standIn = new ConnectorStandIn(server, `http://127.0.0.1:${port}/`, options);
    return standIn;
  }

  /** Member info Teams would return for `member.id` in any conversation. */
  addMember(member: TeamsMember): void {
    this.members.set(member.id, member);
  }

  /** Teams no longer knows this member: look-ups answer 404. */
  removeMember(memberId: string): void {
    this.members.delete(memberId);
  }

  /** The next reply in this conversation not yet returned by nextReply/takeReplies. */
  nextReply(conversationId: string, timeoutMs = 10_000): Promise<CapturedReply> {
    const ready = this.replies.find((r) => r.conversationId === conversationId && !this.consumed.has(r));
    if (ready) {
      this.consumed.add(ready);
      return Promise.resolve(ready);
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        conversationId,
        resolve: (reply) => {
          clearTimeout(timer);
          resolve(reply);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no reply in conversation ${conversationId} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Every reply in this conversation not yet taken, marking them taken. */
  takeReplies(conversationId: string): CapturedReply[] {
    const fresh = this.replies.filter((r) => r.conversationId === conversationId && !this.consumed.has(r));
    for (const reply of fresh) this.consumed.add(reply);
    return fresh;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", "http://stand-in").pathname;
    const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
    this.requests.push(`${req.method} /${parts.join("/")}`);
    // v3 / conversations / :conversationId / (activities[/:activityId] | members/:userId)
    if (parts[0] !== "v3" || parts[1] !== "conversations" || parts.length < 4) return send(res, 404, { error: { code: "NotFound" } });
    const conversationId = parts[2]!;
    const body = await readBody(req);

    if (req.method === "GET" && parts[3] === "members" && parts.length === 5) {
      const member = this.members.get(parts[4]!);
      return member ? send(res, 200, member) : send(res, 404, { error: { code: "MemberNotFound", message: "The member was not found." } });
    }
    if ((req.method === "POST" || req.method === "PUT") && parts[3] === "activities" && parts.length <= 5) {
      const waitMs = this.overLimit(conversationId);
      if (waitMs > 0) {
        this.throttled.push(`${req.method} /${parts.join("/")}`);
        return send(res, 429, { error: { code: "TooManyRequests" } }, { "retry-after": String(Math.max(1, Math.ceil(waitMs / 1000))) });
      }
      const activity = (body ? JSON.parse(body) : {}) as CapturedReply["activity"];
      const id = randomUUID();
      const reply: CapturedReply = { conversationId, replyToId: parts[4], method: req.method, id, activity };
      this.replies.push(reply);
      const waiter = this.waiters.find((w) => w.conversationId === conversationId);
      if (waiter) {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        this.consumed.add(reply);
        waiter.resolve(reply);
      }
      return send(res, 200, { id });
    }
    return send(res, 404, { error: { code: "NotFound" } });
  }

  /** With perConversationLimits: 0 when one more write fits (and counts it), else ms until it would. */
  private overLimit(conversationId: string): number {
    const limits = this.options.perConversationLimits;
    if (!limits) return 0;
    let window = this.windows.get(conversationId);
    if (!window) this.windows.set(conversationId, (window = new Window(limits)));
    const now = performance.now();
    const waitMs = window.waitMs(now);
    if (waitMs === 0) window.add(now);
    return waitMs;
  }
}

/** The Adaptive Card a captured activity carries (throws when it has none). */
export function cardOfReply(reply: CapturedReply): Record<string, unknown> {
  const card = reply.activity.attachments?.find((a) => a.contentType === "application/vnd.microsoft.card.adaptive")?.content;
  if (!card) throw new Error(`the activity carries no Adaptive Card: ${JSON.stringify(reply.activity).slice(0, 500)}`);
  return card;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
