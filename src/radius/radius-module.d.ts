/**
 * The part of npm `radius` 1.1.4 (CommonJS, no types shipped) that we use. The listener
 * encodes and checks packets itself (see radius-response.ts, message-authenticator.ts);
 * the tests use this package as an independent implementation to check ours against.
 */
declare module "radius" {
  /** [name or id, value]; the package maps names through its dictionaries. */
  type RadiusAttributeInput = [string | number, string | number | Buffer];

  interface EncodeArgs {
    code: string;
    secret: string;
    identifier?: number;
    authenticator?: Buffer;
    attributes?: RadiusAttributeInput[] | Record<string, string | number | Buffer>;
    add_message_authenticator?: boolean;
  }

  interface DecodedPacket {
    code: string;
    identifier: number;
    length: number;
    authenticator: Buffer;
    attributes: Record<string, unknown>;
    raw_attributes: [number, Buffer][];
  }

  interface Radius {
    encode(args: EncodeArgs): Buffer;
    encode_response(args: { packet: DecodedPacket; code: string; secret: string; attributes?: RadiusAttributeInput[] }): Buffer;
    /** Throws on malformed packets and on a Message-Authenticator mismatch. */
    decode(args: { packet: Buffer; secret: string }): DecodedPacket;
    /** Checks a response's Response Authenticator and, when the request had one, its Message-Authenticator. */
    verify_response(args: { request: Buffer; response: Buffer; secret: string }): boolean;
  }

  const radius: Radius;
  export default radius;
}
