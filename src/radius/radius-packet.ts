/**
 * RADIUS datagrams (RFC 2865 §3, §5) checked strictly before anything reads them. Every
 * check here runs on bytes from anyone who can send a UDP datagram to the port, before the
 * shared secret has proven anything, so it only walks the structure: it never decrypts,
 * never allocates per attribute beyond a small record, and never throws.
 */

export const RadiusCode = {
  AccessRequest: 1,
  AccessAccept: 2,
  AccessReject: 3,
  AccessChallenge: 11,
} as const;

export const RadiusAttribute = {
  UserName: 1,
  UserPassword: 2,
  ChapPassword: 3,
  ReplyMessage: 18,
  State: 24,
  SessionTimeout: 27,
  ProxyState: 33,
  MessageAuthenticator: 80,
} as const;

/** RFC 2865 §3: a packet is 20 to 4096 octets. */
export const MIN_PACKET_LENGTH = 20;
export const MAX_PACKET_LENGTH = 4096;
/** Code (1) + Identifier (1) + Length (2) before the 16-octet Authenticator. */
export const AUTHENTICATOR_OFFSET = 4;
export const AUTHENTICATOR_LENGTH = 16;
/** An attribute's value is at most 255 − 2 (type and length) octets. */
export const MAX_ATTRIBUTE_VALUE_LENGTH = 253;

export interface Attribute {
  type: number;
  /** The value octets (a view into the packet, not a copy). */
  value: Buffer;
  /** Where the value starts inside `bytes`: the Message-Authenticator check zeroes it there. */
  valueOffset: number;
}

export interface RadiusPacket {
  code: number;
  identifier: number;
  /** The Request Authenticator (a view into the packet). */
  authenticator: Buffer;
  /** Exactly Length octets: trailing bytes of the datagram are padding and ignored (RFC 2865 §3). */
  bytes: Buffer;
  attributes: Attribute[];
}

export type ParsedDatagram = { ok: true; packet: RadiusPacket } | { ok: false; problem: string };

/**
 * The structure of one datagram, or why it is malformed. Malformed datagrams are silently
 * discarded by the caller (RFC 2865 §3), so `problem` is for a rate-limited log line only.
 */
export function parseDatagram(datagram: Buffer): ParsedDatagram {
  if (datagram.length < MIN_PACKET_LENGTH) return { ok: false, problem: "shorter than 20 octets" };
  if (datagram.length > MAX_PACKET_LENGTH) return { ok: false, problem: "longer than 4096 octets" };
  const length = datagram.readUInt16BE(2);
  if (length < MIN_PACKET_LENGTH) return { ok: false, problem: "length field below 20" };
  if (length > datagram.length) return { ok: false, problem: "length field beyond the datagram" };
  const bytes = datagram.subarray(0, length);
  const attributes: Attribute[] = [];
  let offset = AUTHENTICATOR_OFFSET + AUTHENTICATOR_LENGTH;
  while (offset < length) {
    if (offset + 2 > length) return { ok: false, problem: "attribute header cut off" };
    const type = bytes[offset]!;
    const attributeLength = bytes[offset + 1]!;
    // A length below 2 would not advance (an endless loop in naive parsers); beyond the end it reads foreign bytes.
    if (attributeLength < 2) return { ok: false, problem: "attribute length below 2" };
    if (offset + attributeLength > length) return { ok: false, problem: "attribute runs past the packet" };
    attributes.push({ type, value: bytes.subarray(offset + 2, offset + attributeLength), valueOffset: offset + 2 });
    offset += attributeLength;
  }
  return {
    ok: true,
    packet: {
      code: bytes[0]!,
      identifier: bytes[1]!,
      authenticator: bytes.subarray(AUTHENTICATOR_OFFSET, AUTHENTICATOR_OFFSET + AUTHENTICATOR_LENGTH),
      bytes,
      attributes,
    },
  };
}

/** Every attribute of one type, in packet order. */
export function attributesOf(packet: RadiusPacket, type: number): Attribute[] {
  return packet.attributes.filter((attribute) => attribute.type === type);
}
