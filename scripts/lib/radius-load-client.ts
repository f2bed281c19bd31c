/**
 * The load generator of `npm run bench:radius`: Access-Requests with User-Name,
 * User-Password and Message-Authenticator built with node:crypto directly, on connected UDP
 * sockets, with one timer for all time-outs. On this 2-core machine it shares the CPU with
 * the server it measures, so it must cost much less per request than the server does (it
 * prints its own CPU per request next to the server's): the npm `radius` package's encoder
 * and otplib's generateSync with a timer per request capped the old generator near
 * 3,000 requests/s against a server that answered without checking anything. One-shot
 * hashes, not createHash/createHmac objects: those are freed at the young-generation
 * collections, whose pauses then count in every latency measured here.
 */
import { hash, randomFillSync } from "node:crypto";
import { createSocket, type Socket } from "node:dgram";
import { KeyedHmac } from "../../src/features/shared/keyed-hmac.js";

export interface Answer {
  code: "accept" | "reject" | "challenge" | "timeout";
  ms: number;
}

const ACCESS_REQUEST = 1;
const USER_NAME = 1;
const USER_PASSWORD = 2;
const MESSAGE_AUTHENTICATOR = 80;
const TIMEOUT_MS = 3000;
const PER_SOCKET = 200;
const ANSWER_CODES: Record<number, Answer["code"]> = { 2: "accept", 3: "reject", 11: "challenge" };

/** An Access-Request (RFC 2865 §3, User-Password §5.2 for up to 16 octets, Message-Authenticator RFC 3579 §3.2). */
export function encodeAccessRequest(
  identifier: number,
  userName: string,
  password: string,
  secret: KeyedHmac,
  secretBytes: Buffer,
): Buffer {
  const name = Buffer.from(userName);
  const length = 20 + 2 + name.length + 18 + 18;
  // From Node's pool, not an ArrayBuffer of its own: every octet is written below.
  const packet = Buffer.allocUnsafe(length);
  packet[0] = ACCESS_REQUEST;
  packet[1] = identifier;
  packet.writeUInt16BE(length, 2);
  const authenticator = packet.subarray(4, 20);
  randomAuthenticator().copy(authenticator);
  let at = 20;
  packet[at++] = USER_NAME;
  packet[at++] = 2 + name.length;
  at += name.copy(packet, at);
  packet[at++] = USER_PASSWORD;
  packet[at++] = 18;
  const pad = hash("md5", Buffer.concat([secretBytes, authenticator]), "binary");
  const clear = Buffer.allocUnsafe(16).fill(0);
  clear.write(password);
  for (let i = 0; i < 16; i++) packet[at + i] = clear[i]! ^ pad.charCodeAt(i);
  at += 16;
  packet[at++] = MESSAGE_AUTHENTICATOR;
  packet[at++] = 18;
  // Computed over the packet with its own value zeroed.
  packet.fill(0, at);
  packet.write(secret.octets(packet), at, "latin1");
  return packet;
}

/**
 * Random octets for 1,024 Request Authenticators at a time. A randomFillSync per request makes
 * a native object per request (a crypto job), and freeing thousands of them made each of this
 * generator's young-generation collections pause it 12-44 ms, counted in the server's latency.
 */
const randomPool = Buffer.alloc(16 * 1024);
let randomUsed = randomPool.length;

function randomAuthenticator(): Buffer {
  if (randomUsed === randomPool.length) {
    randomFillSync(randomPool);
    randomUsed = 0;
  }
  randomUsed += 16;
  return randomPool.subarray(randomUsed - 16, randomUsed);
}

interface Lane {
  socket: Socket;
  pending: Map<number, { started: number; resolve: (answer: Answer) => void }>;
  next: number;
}

/** Up to 200 requests in flight per socket (identifiers are one byte). */
export class RadiusLoadClient {
  private readonly lanes: Lane[] = [];
  private readonly sweeper: NodeJS.Timeout;
  private readonly secret: KeyedHmac;
  private readonly secretBytes: Buffer;
  private readonly toHandOn: { answer: Answer; resolve: (answer: Answer) => void }[] = [];

  private constructor(sockets: Socket[], secret: string) {
    this.secret = new KeyedHmac("md5", secret);
    this.secretBytes = Buffer.from(secret, "utf8");
    for (const socket of sockets) {
      const lane: Lane = { socket, pending: new Map(), next: 0 };
      socket.on("message", (message) => {
        const waiter = lane.pending.get(message[1]!);
        if (!waiter) return;
        lane.pending.delete(message[1]!);
        this.answered({ code: ANSWER_CODES[message[0]!] ?? "reject", ms: performance.now() - waiter.started }, waiter.resolve);
      });
      this.lanes.push(lane);
    }
    this.sweeper = setInterval(() => this.expire(), 250);
  }

  static async open(port: number, inFlight: number, secret: string): Promise<RadiusLoadClient> {
    const sockets = await Promise.all(
      Array.from({ length: Math.ceil(inFlight / PER_SOCKET) }, async () => {
        const socket = createSocket("udp4");
        await new Promise<void>((resolve) => socket.connect(port, "127.0.0.1", resolve));
        return socket;
      }),
    );
    return new RadiusLoadClient(sockets, secret);
  }

  ask(userName: string, password: string, slot: number): Promise<Answer> {
    const lane = this.lanes[slot % this.lanes.length]!;
    const identifier = lane.next;
    lane.next = (lane.next + 1) % 256;
    const packet = encodeAccessRequest(identifier, userName, password, this.secret, this.secretBytes);
    // An identifier still unanswered after 256 more requests on this lane: given up on, so no promise is left hanging.
    lane.pending.get(identifier)?.resolve({ code: "timeout", ms: TIMEOUT_MS });
    return new Promise((resolve) => {
      lane.pending.set(identifier, { started: performance.now(), resolve });
      lane.socket.send(packet);
    });
  }

  /**
   * The answer is timed when its datagram is read, and handed on after the datagrams read
   * with it: otherwise the next request each answer starts (built and sent before Node reads
   * the next datagram) would be counted in the latency of the answers still unread.
   */
  private answered(answer: Answer, resolve: (answer: Answer) => void): void {
    if (this.toHandOn.length === 0) setImmediate(() => this.handOn());
    this.toHandOn.push({ answer, resolve });
  }

  private handOn(): void {
    const answers = this.toHandOn.splice(0);
    for (const { answer, resolve } of answers) resolve(answer);
  }

  close(): void {
    clearInterval(this.sweeper);
    for (const { socket } of this.lanes) socket.close();
  }

  private expire(): void {
    const now = performance.now();
    for (const lane of this.lanes)
      for (const [identifier, waiter] of lane.pending)
        if (now - waiter.started > TIMEOUT_MS) {
          lane.pending.delete(identifier);
          waiter.resolve({ code: "timeout", ms: TIMEOUT_MS });
        }
  }
}
