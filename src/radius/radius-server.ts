/**
 * The RADIUS listener (RFC 2865 authentication over UDP) that NetScaler asks. Per datagram,
 * cheapest check first, each on what the previous one established:
 *   source address → a configured client (else dropped: we know no secret to answer with)
 *   structure      → well-formed Access-Request (else dropped, RFC 2865 §3)
 *   Message-Authenticator → valid, or absent where the client allows it (else dropped:
 *                    a forged or wrong-secret request gets no answer to learn from)
 *   retransmission → the first answer again, not a second evaluation
 *   client ceiling → Access-Reject "throttled" without asking the validator
 *   fields + mode  → the Validator → Access-Accept / Access-Reject / Access-Challenge
 * The secret, the User-Password and the code never reach a log line.
 */
import { createSocket, type RemoteInfo, type Socket } from "node:dgram";
import { isIPv6 } from "node:net";
import type { Logger } from "pino";
import { errorFields } from "../adapters/logger.js";
import type { Validator } from "../features/validation/validator.js";
import { type Clock } from "../ports/clock.js";
import { systemClock } from "../adapters/real-time.js";
import { readAccessRequest } from "./access-request.js";
import { ClientRateLimit } from "./client-rate-limit.js";
import { evaluateLogin, type LoginAnswer, type RadiusMode } from "./login-modes.js";
import { checkMessageAuthenticator } from "./message-authenticator.js";
import { createClientTable, type RadiusClient } from "./radius-clients.js";
import { attributesOf, parseDatagram, RadiusAttribute, RadiusCode, type RadiusPacket } from "./radius-packet.js";
import { replyFor } from "./radius-replies.js";
import { encodeResponse } from "./radius-response.js";
import { RateLimitedLog } from "./rate-limited-log.js";
import { RetransmissionCache, retransmissionKey } from "./retransmission-cache.js";

const RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024;

export interface RadiusServerOptions {
  /** The address to bind: an IPv6 address (including "::") gives a udp6 socket, anything else udp4. */
  host: string;
  /** 0 picks a free port (tests); NetScaler's default is 1812. */
  port: number;
  clients: readonly RadiusClient[];
  mode: RadiusMode;
  validator: Validator;
  logger: Logger;
  /** Flood protection per client; the per-user throttles are the validator's. */
  maxRequestsPerClientPerSecond: number;
  /** For the retransmission window, the client ceiling and the log rate limit (tests pass their own). */
  clock?: Clock;
}

export interface RadiusServer {
  /** The bound port (the real one when options.port was 0). */
  port: number;
  /** Stops taking requests, sends the answers still being evaluated (waiting at most `graceMs`), then closes the socket. */
  close(graceMs?: number): Promise<void>;
}

const THROTTLED: LoginAnswer = { kind: "reject", reason: "throttled" };
const BAD_REQUEST: LoginAnswer = { kind: "reject", reason: "badRequest" };

export async function startRadiusServer(options: RadiusServerOptions): Promise<RadiusServer> {
  const { logger, validator, mode } = options;
  const clock = options.clock ?? systemClock;
  const table = createClientTable(options.clients);
  const limit = new ClientRateLimit(options.maxRequestsPerClientPerSecond, clock);
  const cache = new RetransmissionCache<string | null>(clock);
  const drops = new RateLimitedLog(logger, clock);
  // A burst (many NetScaler logins at once) queues in the kernel while we answer: with the
  // default buffer (about 270 small datagrams) the rest are dropped and wait for NetScaler's
  // retransmission. Linux caps this at net.core.rmem_max.
  const socket: Socket = createSocket({ type: isIPv6(options.host) ? "udp6" : "udp4", recvBufferSize: RECEIVE_BUFFER_BYTES });
  let closed = false;
  let accepting = true;
  /** Answers being evaluated, so close() can send them before the socket goes. */
  const pending = new Set<Promise<void>>();

  /**
   * The response bytes as a latin1 string (one small object where a Buffer is three: the
   * retransmission cache keeps every answer for its window), or null for "no answer". Never
   * rejects (the retransmission cache hands this promise to every copy of the request).
   *
   * When the validator throws (database or directory down) we answer NOTHING rather than
   * Access-Reject. Both refuse the login, but silence makes NetScaler retry and then fail
   * over to the other validation instance, while a reject would count as a failed login
   * and tell the user their code was wrong. The silence is cached like any answer, so the
   * retransmissions do not evaluate the same guess again.
   */
  async function respond(client: RadiusClient, packet: RadiusPacket): Promise<string | null> {
    let userName: string | undefined;
    try {
      let answer: LoginAnswer;
      if (!limit.allow(client.name)) {
        // Cheap on purpose: no decryption, no validator, and a rate-limited line instead of one per request.
        drops.warn("clientThrottled", { client: client.name }, "RADIUS client over its request ceiling: answering Access-Reject");
        answer = THROTTLED;
      } else {
        const read = readAccessRequest(packet, client.secret);
        if (read.ok) {
          userName = read.fields.userName;
          const attempt = { userName, client: client.name, channel: "radius" as const };
          answer = await evaluateLogin(mode, validator, attempt, read.fields);
        } else {
          drops.warn(
            "badRequest",
            { client: client.name, problem: read.problem },
            "RADIUS Access-Request unusable: answering Access-Reject",
          );
          answer = BAD_REQUEST;
        }
        logger.info(
          { client: client.name, user: userName, outcome: answer.kind, reason: answer.kind === "reject" ? answer.reason : "ok" },
          "RADIUS login answered",
        );
      }
      // No object spread on a login's path: with spreads, V8 copied about 0.7 MB of dead objects
      // into the old generation at every young collection, and each pause took about twice as
      // long (README, benchmark, fifth round).
      const reply = replyFor(answer);
      return encodeResponse({
        code: reply.code,
        attributes: reply.attributes,
        identifier: packet.identifier,
        requestAuthenticator: packet.authenticator,
        secret: client.secret,
        proxyStates: attributesOf(packet, RadiusAttribute.ProxyState).map((attribute) => attribute.value),
      }).toString("latin1");
    } catch (error) {
      logger.error({ client: client.name, user: userName, err: errorFields(error) }, "RADIUS login not answered: the check failed");
      return null;
    }
  }

  function send(bytes: string, to: RemoteInfo): void {
    if (closed) return;
    try {
      socket.send(Buffer.from(bytes, "latin1"), to.port, to.address, (error) => {
        if (error) drops.warn("sendFailed", { address: to.address, err: errorFields(error) }, "RADIUS answer could not be sent");
      });
    } catch (error) {
      drops.warn("sendFailed", { address: to.address, err: errorFields(error) }, "RADIUS answer could not be sent");
    }
  }

  function onDatagram(datagram: Buffer, from: RemoteInfo): void {
    if (!accepting) return;
    try {
      const client = table.find(from.address);
      if (!client) {
        drops.warn("unknownClient", { address: from.address }, "RADIUS datagram from an address that is no configured client dropped");
        return;
      }
      const parsed = parseDatagram(datagram);
      if (!parsed.ok) {
        drops.warn("malformed", { client: client.name, problem: parsed.problem }, "malformed RADIUS datagram dropped");
        return;
      }
      const packet = parsed.packet;
      if (packet.code !== RadiusCode.AccessRequest) {
        // Accounting, CoA, Status-Server: not ours to answer.
        drops.warn("notAccessRequest", { client: client.name, packetCode: packet.code }, "RADIUS packet that is no Access-Request dropped");
        return;
      }
      const authenticator = checkMessageAuthenticator(packet, client.secret);
      if (
        authenticator === "invalid" ||
        authenticator === "malformed" ||
        (authenticator === "absent" && client.requireMessageAuthenticator)
      ) {
        drops.warn(
          `messageAuthenticator-${authenticator}`,
          { client: client.name, messageAuthenticator: authenticator },
          authenticator === "invalid"
            ? "RADIUS Access-Request with a wrong Message-Authenticator dropped (wrong shared secret, or forged)"
            : "RADIUS Access-Request without a usable Message-Authenticator dropped",
        );
        return;
      }
      const key = retransmissionKey(client.name, from.address, from.port, packet.identifier, packet.authenticator);
      const { answer, retransmission } = cache.answer(key, () => respond(client, packet));
      if (retransmission) logger.debug({ client: client.name }, "RADIUS retransmission: answering from the cache");
      const sent = answer.then((bytes) => {
        if (bytes) send(bytes, from);
      });
      pending.add(sent);
      void sent.finally(() => pending.delete(sent));
    } catch (error) {
      // Whatever a datagram does, the listener keeps serving the next one.
      drops.warn("handlerFailed", { err: errorFields(error) }, "RADIUS datagram could not be handled");
    }
  }

  socket.on("message", onDatagram);
  await new Promise<void>((resolve, reject) => {
    socket.once("error", (error) => {
      socket.close();
      reject(error);
    });
    socket.bind(options.port, options.host, () => {
      socket.removeAllListeners("error");
      resolve();
    });
  });
  socket.on("error", (error) => logger.error({ err: errorFields(error) }, "RADIUS socket error"));
  const port = socket.address().port;
  logger.info({ host: options.host, port, mode, clients: options.clients.map((client) => client.name) }, "RADIUS listener started");

  return {
    port,
    close: async (graceMs = 0) => {
      if (closed) return;
      accepting = false;
      await Promise.race([Promise.allSettled([...pending]), new Promise((resolve) => setTimeout(resolve, graceMs).unref())]);
      closed = true;
      await new Promise<void>((resolve) => socket.close(() => resolve()));
    },
  };
}
