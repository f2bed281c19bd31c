/** Strict pre-decode checks: every malformed datagram is refused with a reason, none throws. */
import radius from "radius";
import { describe, expect, it } from "vitest";
import { parseDatagram, RadiusAttribute } from "../../src/radius/radius-packet.js";
import { accessRequest } from "../support/radius-packets.js";

const secret = "unit-test-secret-abcdefgh";

function withLength(packet: Buffer, length: number): Buffer {
  const copy = Buffer.from(packet);
  copy.writeUInt16BE(length, 2);
  return copy;
}

/** A header (code 1, id 9, given length) followed by `attributes` bytes. */
function raw(attributes: number[], length = 20 + attributes.length): Buffer {
  const packet = Buffer.alloc(20 + attributes.length);
  packet[0] = 1;
  packet[1] = 9;
  packet.writeUInt16BE(length, 2);
  Buffer.from(attributes).copy(packet, 20);
  return packet;
}

describe("parseDatagram", () => {
  it("reads a well-formed Access-Request's header and attributes as views into the packet", () => {
    const packet = accessRequest({ secret, userName: "alexw", password: "123456", identifier: 42 });
    const parsed = parseDatagram(packet);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.packet.code).toBe(1);
    expect(parsed.packet.identifier).toBe(42);
    expect(parsed.packet.authenticator.equals(packet.subarray(4, 20))).toBe(true);
    expect(parsed.packet.attributes.map((a) => a.type)).toEqual([
      RadiusAttribute.UserName,
      RadiusAttribute.UserPassword,
      RadiusAttribute.MessageAuthenticator,
    ]);
    const name = parsed.packet.attributes[0]!;
    expect(name.value.toString()).toBe("alexw");
    expect(packet.subarray(name.valueOffset, name.valueOffset + 5).toString()).toBe("alexw");
  });

  it("ignores bytes beyond the Length field (RFC 2865 §3: padding)", () => {
    const packet = accessRequest({ secret, userName: "alexw", password: "123456" });
    const parsed = parseDatagram(Buffer.concat([packet, Buffer.from([1, 200, 7, 7])]));
    expect(parsed.ok && parsed.packet.bytes.length).toBe(packet.length);
  });

  it("accepts a packet of just a header", () => {
    expect(parseDatagram(raw([])).ok).toBe(true);
  });

  it.each([
    ["shorter than 20 octets", Buffer.alloc(19)],
    ["longer than 4096 octets", Buffer.alloc(4097)],
    ["length field below 20", raw([], 19)],
    ["length field beyond the datagram", raw([1, 3, 65], 30)],
    ["attribute length below 2", raw([1, 0, 1, 0])],
    ["attribute length below 2", raw([1, 1, 65, 65])],
    ["attribute runs past the packet", raw([1, 9, 65, 65])],
    ["attribute header cut off", raw([1, 3, 65, 80])],
  ])("refuses a datagram whose %s", (problem, datagram) => {
    expect(parseDatagram(datagram)).toEqual({ ok: false, problem });
  });

  it("refuses an attribute that only fits the datagram when the Length field is ignored", () => {
    const packet = accessRequest({ secret, userName: "alexw", password: "123456" });
    // Cut the Length field inside the last attribute: that attribute now runs past the packet.
    expect(parseDatagram(withLength(packet, packet.length - 3))).toEqual({ ok: false, problem: "attribute runs past the packet" });
  });

  it("never throws on random bytes, where the radius package's decode does", () => {
    let seed = 12345;
    const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 256;
    let packageThrew = 0;
    for (let i = 0; i < 1000; i++) {
      const datagram = Buffer.from(Array.from({ length: 1 + ((next() * 7) % 300) }, next));
      if (i % 2 === 0 && datagram.length >= 4) datagram.writeUInt16BE(datagram.length, 2);
      expect(() => parseDatagram(datagram)).not.toThrow();
      try {
        radius.decode({ packet: datagram, secret });
      } catch {
        packageThrew++;
      }
    }
    expect(packageThrew).toBeGreaterThan(0);
  });
});
