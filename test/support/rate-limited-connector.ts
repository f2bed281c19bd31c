/**
 * A local Bot Connector stand-in that ENFORCES Teams' proactive limits: 50 accepted
 * requests per 1 s for the app overall, and per conversation 7/1 s, 8/2 s, 60/30 s,
 * 1800/3600 s (sliding windows over accepted requests). A request over a limit gets 429 with
 * Retry-After (whole seconds, as Teams sends). It can also inject 429s and 5xx (random with
 * a seed, or scripted per conversation), and records every accepted activity per conversation.
 * node:http on 127.0.0.1, free port.
 *
 * When a request is counted (and refused if over a limit), as Teams may count it:
 * - by default at ARRIVAL, the moment the request handler is entered;
 * - with `jitterMs` (the issue's stand-in), still at arrival, then 0–jitterMs of random delay
 *   before it is handled and 0–jitterMs more before it is answered: a sender sees its answer
 *   0–2 × jitterMs after the count;
 * - with `transitMs` (stricter), after 0–transitMs of random transit: the count can fall anywhere
 *   between the send and the answer, which a sender cannot see;
 * - with `latencyMs`, after that fixed delay (the count close to the answer).
 * Now and then (`stallProbability`, per leg) a leg stalls for `stallMs` more.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

export interface Limit {
  limit: number;
  ms: number;
}

export interface RateLimitedConnectorOptions {
  global?: Limit[];
  perConversation?: Limit[];
  /** Probability that an otherwise accepted request gets an injected 429. */
  inject429?: number;
  /** Probability of an injected 5xx (one of `statuses5xx`). */
  inject5xx?: number;
  statuses5xx?: number[];
  /** Retry-After (s) on injected 429s. */
  retryAfterSeconds?: number;
  /** Seed of the injection PRNG. */
  seed?: number;
  /** Fixed delay (ms) before the request is counted, like a real round trip. */
  latencyMs?: number;
  /** Random transit (ms) before the request is counted (0–transitMs); 0: counted at arrival. */
  transitMs?: number;
  /** Random delay (ms) after the count, before handling and again before answering (0–jitterMs each); 0: none. */
  jitterMs?: number;
  /** Probability that a leg (transit, handling, answer) stalls for `stallMs` more. */
  stallProbability?: number;
  stallMs?: number;
  /** false: keep only how many activities each conversation got (benchmarks of big campaigns). */
  keepActivities?: boolean;
}

export interface Delivered {
  id: string;
  at: number;
  activity: Record<string, unknown> & { attachments?: { contentType: string; content: Record<string, unknown> }[] };
}

/** Sliding windows over accepted requests (also the plain stand-in's, see connector-stand-in.ts). */
export class Window {
  private readonly times: number[] = [];
  private start = 0;
  constructor(private readonly limits: Limit[]) {}
  /** ms until one more fits, 0 if it fits now. */
  waitMs(now: number): number {
    let wait = 0;
    const n = this.times.length - this.start;
    for (const { limit, ms } of this.limits) {
      if (n >= limit) {
        const oldest = this.times[this.times.length - limit]!;
        if (oldest > now - ms) wait = Math.max(wait, oldest + ms - now);
      }
    }
    return wait;
  }
  add(now: number): void {
    this.times.push(now);
    const max = Math.max(...this.limits.map((l) => l.limit));
    if (this.times.length - this.start > max) this.start++;
    if (this.start > 4096) {
      this.times.splice(0, this.start);
      this.start = 0;
    }
  }
}

/** What the stand-in answers a request, decided when it counts it. */
interface Verdict {
  status: number;
  payload: unknown;
  headers: Record<string, string>;
  accepted?: { id: string; conversationId: string; at: number };
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Teams' limits per conversation: 7/1 s, 8/2 s, 60/30 s, 1800/3600 s. */
export const TEAMS_PER_CONVERSATION: Limit[] = [
  { limit: 7, ms: 1_000 },
  { limit: 8, ms: 2_000 },
  { limit: 60, ms: 30_000 },
  { limit: 1800, ms: 3_600_000 },
];

export class RateLimitedConnector {
  readonly delivered = new Map<string, Delivered[]>();
  /** Accepted activities per conversation when `keepActivities` is false. */
  private readonly counts = new Map<string, number>();
  /** Server times (ms, performance clock) of accepted requests, in order. */
  readonly acceptedAt: number[] = [];
  readonly stats = { requests: 0, accepted: 0, limited429: 0, injected429: 0, injected5xx: 0 };
  private readonly global: Window;
  private readonly conversations = new Map<string, Window>();
  private readonly scripted = new Map<string, number[]>();
  private readonly random: () => number;
  /** Separate from `random`, so that jitter does not change which requests get injected errors. */
  private readonly jitterRandom: () => number;
  readonly options: Required<RateLimitedConnectorOptions>;

  private constructor(
    private readonly server: Server,
    readonly url: string,
    options: Required<RateLimitedConnectorOptions>,
  ) {
    this.options = options;
    this.global = new Window(options.global);
    this.random = mulberry32(options.seed);
    this.jitterRandom = mulberry32(options.seed ^ 0x5eed);
  }

  static async start(options: RateLimitedConnectorOptions = {}): Promise<RateLimitedConnector> {
    const full: Required<RateLimitedConnectorOptions> = {
      global: [{ limit: 50, ms: 1_000 }],
      perConversation: TEAMS_PER_CONVERSATION,
      inject429: 0,
      inject5xx: 0,
      statuses5xx: [502, 503, 504],
      retryAfterSeconds: 1,
      seed: 42,
      latencyMs: 0,
      transitMs: 0,
      jitterMs: 0,
      stallProbability: 0,
      stallMs: 200,
      keepActivities: true,
      ...options,
    };
    let standIn: RateLimitedConnector | undefined;
    const server = createServer((req, res) => {
      void standIn!.handle(req, res).catch(() => {
        if (!res.headersSent) send(res, 500, { error: "stand-in failure" });
      });
    });
    server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", resolve);
    });
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : 0;
    standIn = new RateLimitedConnector(server, `http://127.0.0.1:${port}/`, full);
    return standIn;
  }

  /** The next requests to this conversation get these statuses, in order (before any limit check). */
  failNext(conversationId: string, ...statuses: number[]): void {
    this.scripted.set(conversationId, [...(this.scripted.get(conversationId) ?? []), ...statuses]);
  }

  /** Activities accepted per conversation: more than one to a conversation in one round is a duplicate. */
  count(conversationId: string): number {
    return this.delivered.get(conversationId)?.length ?? this.counts.get(conversationId) ?? 0;
  }

  /** The most requests accepted in any window of `ms` (must stay ≤ the limit). */
  maxInWindow(ms: number): number {
    let max = 0;
    let start = 0;
    for (let end = 0; end < this.acceptedAt.length; end++) {
      while (this.acceptedAt[end]! - this.acceptedAt[start]! >= ms) start++;
      max = Math.max(max, end - start + 1);
    }
    return max;
  }

  /** One leg of the jittery network: a random delay of 0–maxMs, now and then a stall (none when maxMs is 0). */
  private async leg(maxMs: number): Promise<void> {
    if (maxMs <= 0) return;
    const stall = this.jitterRandom() < this.options.stallProbability ? this.options.stallMs : 0;
    await sleep(this.jitterRandom() * maxMs + stall);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const parts = new URL(req.url ?? "/", "http://stand-in").pathname.split("/").filter(Boolean).map(decodeURIComponent);
    if (this.options.latencyMs > 0) await sleep(this.options.latencyMs);
    await this.leg(this.options.transitMs); // to the point where the server counts it (none: at arrival)
    // Counted (and refused if over a limit) synchronously at that moment, so the windows see requests in time order.
    const verdict = this.judge(req.method, parts);
    const body = await readBody(req);
    await this.leg(this.options.jitterMs); // before handling
    if (verdict.accepted) this.keep(verdict.accepted, body);
    await this.leg(this.options.jitterMs); // before answering
    send(res, verdict.status, verdict.payload, verdict.headers);
  }

  /** Counts one request now: its answer, and for an accepted activity its id and time. */
  private judge(method: string | undefined, parts: string[]): Verdict {
    const refuse = (status: number, code: string, headers: Record<string, string> = {}): Verdict => ({
      status,
      payload: { error: { code } },
      headers,
    });
    if (method !== "POST" || parts[0] !== "v3" || parts[1] !== "conversations" || parts[3] !== "activities" || parts.length > 5) {
      return refuse(404, "NotFound");
    }
    const conversationId = parts[2]!;
    this.stats.requests++;
    const scripted = this.scripted.get(conversationId);
    if (scripted && scripted.length > 0) {
      const status = scripted.shift()!;
      if (status === 429) this.stats.injected429++;
      else this.stats.injected5xx++;
      return refuse(status, "Injected", status === 429 ? { "retry-after": String(this.options.retryAfterSeconds) } : {});
    }
    const now = performance.now();
    let conversation = this.conversations.get(conversationId);
    if (!conversation) {
      conversation = new Window(this.options.perConversation);
      this.conversations.set(conversationId, conversation);
    }
    const wait = Math.max(this.global.waitMs(now), conversation.waitMs(now));
    if (wait > 0) {
      this.stats.limited429++;
      return refuse(429, "TooManyRequests", { "retry-after": String(Math.max(1, Math.ceil(wait / 1000))) });
    }
    const roll = this.random();
    if (roll < this.options.inject429) {
      this.stats.injected429++;
      return refuse(429, "Injected", { "retry-after": String(this.options.retryAfterSeconds) });
    }
    if (roll < this.options.inject429 + this.options.inject5xx) {
      this.stats.injected5xx++;
      return refuse(this.options.statuses5xx[Math.floor(this.random() * this.options.statuses5xx.length)]!, "Injected");
    }
    this.global.add(now);
    conversation.add(now);
    this.acceptedAt.push(now);
    this.stats.accepted++;
    const accepted = { id: randomUUID(), conversationId, at: now };
    return { status: 200, payload: { id: accepted.id }, headers: {}, accepted };
  }

  /** Records an accepted activity (or only its count, without `keepActivities`). */
  private keep({ id, conversationId, at }: NonNullable<Verdict["accepted"]>, body: string): void {
    if (!this.options.keepActivities) {
      this.counts.set(conversationId, (this.counts.get(conversationId) ?? 0) + 1);
      return;
    }
    const activity = (body ? JSON.parse(body) : {}) as Delivered["activity"];
    const list = this.delivered.get(conversationId) ?? [];
    list.push({ id, at, activity });
    this.delivered.set(conversationId, list);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
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
