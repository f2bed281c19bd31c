/**
 * What the SMS stand-ins share: node:http on 127.0.0.1 (free port), each request's raw body,
 * a queue of scripted answers (status, Retry-After, a delay for timeouts), and the messages
 * that got through. Each stand-in checks its API's shape and authentication itself.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface Delivered {
  from: string;
  to: string;
  text: string;
}

export interface ScriptedSmsAnswer {
  status: number;
  retryAfter?: string;
  /** Answer this much later (a gateway that hangs). */
  delayMs?: number;
  /** ACS only: per-recipient results in a 202 (`successful: false` for a partial failure). */
  recipient?: { successful: boolean; httpStatusCode: number; errorMessage?: string };
}

export interface RawRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

/** A request's verdict from a stand-in: an error answer, or the message it carries. */
export type Verdict =
  | { status: number; error: string }
  | { message: Delivered; answer: (script: ScriptedSmsAnswer) => { status: number; body: unknown } };

export class SmsStandInServer {
  readonly requests: RawRequest[] = [];
  readonly delivered: Delivered[] = [];
  private readonly script: ScriptedSmsAnswer[] = [];
  private readonly sockets = new Set<import("node:net").Socket>();

  private constructor(
    private readonly server: Server,
    readonly origin: string,
  ) {
    server.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
  }

  static async start(judge: (request: RawRequest, origin: string) => Verdict): Promise<SmsStandInServer> {
    let standIn: SmsStandInServer | undefined;
    const server = createServer((req, res) => void standIn!.handle(req, res, judge));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    standIn = new SmsStandInServer(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return standIn;
  }

  /** The next answers, in order; afterwards every request succeeds. */
  answer(...answers: ScriptedSmsAnswer[]): void {
    this.script.push(...answers);
  }

  reset(): void {
    this.requests.length = 0;
    this.delivered.length = 0;
    this.script.length = 0;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse, judge: (request: RawRequest, origin: string) => Verdict): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const request = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
    this.requests.push(request);
    const verdict = judge(request, this.origin);
    if ("error" in verdict) return send(res, verdict.status, { error: verdict.error });
    const scripted = this.script.shift() ?? { status: 0 };
    if (scripted.delayMs) await new Promise((resolve) => setTimeout(resolve, scripted.delayMs));
    if (res.destroyed) return;
    const { status, body } = verdict.answer(scripted);
    const succeeded = status < 300 && scripted.recipient?.successful !== false;
    if (succeeded) this.delivered.push(verdict.message);
    send(res, status, body, scripted.retryAfter);
  }
}

function send(res: ServerResponse, status: number, body: unknown, retryAfter?: string): void {
  res.writeHead(status, { "content-type": "application/json", ...(retryAfter ? { "retry-after": retryAfter } : {}) });
  res.end(JSON.stringify(body));
}
