/**
 * Access-Requests built with the npm `radius` package (an implementation independent of
 * ours) and a raw UDP client on loopback that records every datagram it gets back.
 */
import { createSocket, type Socket } from "node:dgram";
import radius from "radius";
import { computeMessageAuthenticator } from "../../src/radius/message-authenticator.js";
import { parseDatagram, RadiusAttribute } from "../../src/radius/radius-packet.js";

export interface RequestOptions {
  secret: string;
  userName?: string;
  password?: string;
  state?: Buffer;
  identifier?: number;
  messageAuthenticator?: boolean;
  extra?: [string | number, string | number | Buffer][];
}

/** An Access-Request (with a Message-Authenticator unless told otherwise). */
export function accessRequest(options: RequestOptions): Buffer {
  const attributes: [string | number, string | number | Buffer][] = [];
  if (options.userName !== undefined) attributes.push(["User-Name", options.userName]);
  if (options.password !== undefined) attributes.push(["User-Password", options.password]);
  if (options.state) attributes.push(["State", options.state]);
  attributes.push(...(options.extra ?? []));
  return radius.encode({
    code: "Access-Request",
    secret: options.secret,
    identifier: options.identifier ?? 7,
    attributes,
    add_message_authenticator: options.messageAuthenticator ?? true,
  });
}

/** RFC 3579 §3.2 for a response: HMAC with the Request Authenticator in the header and the MA zeroed. */
export function responseMessageAuthenticatorIsValid(response: Buffer, request: Buffer, key: string): boolean {
  const parsed = parseDatagram(response);
  if (!parsed.ok) return false;
  const ma = parsed.packet.attributes.filter((a) => a.type === RadiusAttribute.MessageAuthenticator);
  if (ma.length !== 1) return false;
  const copy = Buffer.from(parsed.packet.bytes);
  request.copy(copy, 4, 4, 20);
  return computeMessageAuthenticator(copy, ma[0]!.valueOffset, key).equals(ma[0]!.value);
}

export class RawRadiusClient {
  readonly received: Buffer[] = [];
  private waiters: (() => void)[] = [];

  private constructor(
    private readonly socket: Socket,
    private readonly serverPort: number,
    private readonly serverHost: string,
  ) {
    socket.on("message", (packet) => {
      this.received.push(packet);
      for (const waiter of this.waiters) waiter();
    });
  }

  /** A socket bound to `address` (any 127.0.0.0/8 address works on Linux loopback; "::1" for IPv6). */
  static async open(serverPort: number, address = "127.0.0.1"): Promise<RawRadiusClient> {
    const ipv6 = address.includes(":");
    const socket = createSocket(ipv6 ? "udp6" : "udp4");
    await new Promise<void>((resolve) => socket.bind(0, address, resolve));
    return new RawRadiusClient(socket, serverPort, ipv6 ? "::1" : "127.0.0.1");
  }

  send(packet: Buffer): Promise<void> {
    return new Promise((resolve, reject) =>
      this.socket.send(packet, this.serverPort, this.serverHost, (error) => (error ? reject(error) : resolve())),
    );
  }

  /** Every answer received so far with this Identifier. */
  answersTo(identifier: number): Buffer[] {
    return this.received.filter((packet) => packet[1] === identifier);
  }

  /**
   * The `nth` answer with this Identifier. The deadline only keeps a broken server from
   * hanging the suite; tests assert what arrives, never how fast.
   */
  answerTo(identifier: number, nth = 1, deadlineMs = 5_000): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const answer = this.answersTo(identifier)[nth - 1];
        if (!answer) return false;
        this.waiters = this.waiters.filter((waiter) => waiter !== onMessage);
        clearTimeout(timer);
        resolve(answer);
        return true;
      };
      const onMessage = (): void => void check();
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((waiter) => waiter !== onMessage);
        reject(new Error(`no RADIUS answer #${nth} to Identifier ${identifier}`));
      }, deadlineMs);
      if (!check()) this.waiters.push(onMessage);
    });
  }

  /** Sends and waits for the next answer with the packet's Identifier. */
  async exchange(packet: Buffer): Promise<Buffer> {
    const identifier = packet[1]!;
    const before = this.answersTo(identifier).length;
    await this.send(packet);
    return this.answerTo(identifier, before + 1);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}
