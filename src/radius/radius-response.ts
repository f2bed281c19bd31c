/**
 * Encodes Access-Accept, Access-Reject and Access-Challenge. Every response carries a
 * Message-Authenticator, as its FIRST attribute, also when the request had none. That is
 * the BlastRADIUS hardening (draft-ietf-radext-deprecating-radius, FreeRADIUS >= 3.2.5):
 * the forgery precomputes an MD5 collision over the response's bytes up to the attacker's
 * Proxy-State, so an unpredictable HMAC in front of them defeats it even for a NAS that
 * does not check Message-Authenticator. The npm `radius` package's encode always appends
 * it last, so this small encoder is ours; the tests check it against that package and
 * FreeRADIUS radclient.
 */
import { hash } from "node:crypto";
import { computeMessageAuthenticator, MESSAGE_AUTHENTICATOR_LENGTH } from "./message-authenticator.js";
import {
  AUTHENTICATOR_LENGTH,
  AUTHENTICATOR_OFFSET,
  MAX_ATTRIBUTE_VALUE_LENGTH,
  MAX_PACKET_LENGTH,
  RadiusAttribute,
  RadiusCode,
} from "./radius-packet.js";

export type ResponseCode = typeof RadiusCode.AccessAccept | typeof RadiusCode.AccessReject | typeof RadiusCode.AccessChallenge;

export interface ResponseAttribute {
  type: number;
  value: Buffer;
}

export interface ResponseArgs {
  code: ResponseCode;
  /** The request's Identifier and Request Authenticator: the NAS matches the answer by both. */
  identifier: number;
  requestAuthenticator: Buffer;
  secret: string;
  attributes: ResponseAttribute[];
  /** The request's Proxy-State values, copied unmodified and in order (RFC 2865 §5.33). */
  proxyStates: Buffer[];
}

export class RadiusEncodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RadiusEncodeError";
  }
}

const MA_VALUE_OFFSET = AUTHENTICATOR_OFFSET + AUTHENTICATOR_LENGTH + 2;

export function encodeResponse(args: ResponseArgs): Buffer {
  const attributes: ResponseAttribute[] = [
    { type: RadiusAttribute.MessageAuthenticator, value: Buffer.alloc(MESSAGE_AUTHENTICATOR_LENGTH) },
    ...args.attributes,
    ...args.proxyStates.map((value) => ({ type: RadiusAttribute.ProxyState, value })),
  ];
  let length = AUTHENTICATOR_OFFSET + AUTHENTICATOR_LENGTH;
  for (const { type, value } of attributes) {
    if (value.length > MAX_ATTRIBUTE_VALUE_LENGTH) throw new RadiusEncodeError(`attribute ${type} is longer than 253 octets`);
    length += 2 + value.length;
  }
  if (length > MAX_PACKET_LENGTH) throw new RadiusEncodeError("response is longer than 4096 octets");

  const packet = Buffer.alloc(length);
  packet[0] = args.code;
  packet[1] = args.identifier;
  packet.writeUInt16BE(length, 2);
  // RFC 3579 §3.2: a response's Message-Authenticator is computed with the Request Authenticator in the header.
  args.requestAuthenticator.copy(packet, AUTHENTICATOR_OFFSET);
  let offset = AUTHENTICATOR_OFFSET + AUTHENTICATOR_LENGTH;
  for (const { type, value } of attributes) {
    packet[offset] = type;
    packet[offset + 1] = 2 + value.length;
    value.copy(packet, offset + 2);
    offset += 2 + value.length;
  }
  computeMessageAuthenticator(packet, MA_VALUE_OFFSET, args.secret).copy(packet, MA_VALUE_OFFSET);
  // RFC 2865 §3: Response Authenticator = MD5(Code+Identifier+Length+RequestAuth+Attributes+Secret), after the MA is in.
  // "binary" is Node's latin1: one character per octet, with no Buffer allocated for the digest.
  const responseAuthenticator = hash("md5", Buffer.concat([packet, Buffer.from(args.secret, "utf8")]), "binary");
  packet.write(responseAuthenticator, AUTHENTICATOR_OFFSET, "latin1");
  return packet;
}

/** A Reply-Message value (UTF-8 text, RFC 2865 §5.18). */
export function replyMessage(text: string): ResponseAttribute {
  return { type: RadiusAttribute.ReplyMessage, value: Buffer.from(text, "utf8") };
}

/** A 32-bit integer attribute such as Session-Timeout. */
export function integerAttribute(type: number, value: number): ResponseAttribute {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value);
  return { type, value: bytes };
}
