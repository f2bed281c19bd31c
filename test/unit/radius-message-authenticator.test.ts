/** Message-Authenticator checked on the raw bytes in constant time (BlastRADIUS, CVE-2024-3596). */
import radius from "radius";
import { describe, expect, it } from "vitest";
import { checkMessageAuthenticator } from "../../src/radius/message-authenticator.js";
import { parseDatagram, type RadiusPacket } from "../../src/radius/radius-packet.js";
import { accessRequest } from "../support/radius-packets.js";

const secret = "unit-test-secret-abcdefgh";

function parse(datagram: Buffer): RadiusPacket {
  const parsed = parseDatagram(datagram);
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.packet;
}

/** Offset of the Message-Authenticator value in a packet the radius package built (it appends it last). */
function maOffset(packet: Buffer): number {
  return packet.length - 16;
}

describe("checkMessageAuthenticator", () => {
  it("accepts the one the radius package computes", () => {
    expect(checkMessageAuthenticator(parse(accessRequest({ secret, userName: "alexw", password: "123456" })), secret)).toBe("valid");
  });

  it("refuses it under another secret, and after any byte of the packet changed", () => {
    const packet = accessRequest({ secret, userName: "alexw", password: "123456" });
    expect(checkMessageAuthenticator(parse(packet), "another-secret-0000000")).toBe("invalid");
    for (const offset of [0, 1, 5, 19, 22, packet.length - 1]) {
      const tampered = Buffer.from(packet);
      tampered[offset]! ^= 0x01;
      const parsed = parseDatagram(tampered);
      // Flipping the code byte makes it something else, still parseable; all must fail the HMAC.
      if (parsed.ok) expect(checkMessageAuthenticator(parsed.packet, secret)).toBe("invalid");
    }
  });

  it("says absent when there is none", () => {
    expect(
      checkMessageAuthenticator(
        parse(accessRequest({ secret, userName: "alexw", password: "123456", messageAuthenticator: false })),
        secret,
      ),
    ).toBe("absent");
  });

  it("calls two of them, or one not 16 octets long, malformed", () => {
    const valid = accessRequest({ secret, userName: "alexw", password: "123456" });
    const twice = Buffer.concat([valid, valid.subarray(maOffset(valid) - 2)]);
    twice.writeUInt16BE(twice.length, 2);
    expect(checkMessageAuthenticator(parse(twice), secret)).toBe("malformed");
    const short = accessRequest({
      secret,
      userName: "alexw",
      password: "123456",
      messageAuthenticator: false,
      extra: [[80, Buffer.alloc(15)]],
    });
    expect(checkMessageAuthenticator(parse(short), secret)).toBe("malformed");
  });

  it("compares bytes where the radius package compares lossy UTF-8 strings", () => {
    // Find a request whose MA has a lone byte 0x80..0xBF between ASCII bytes: as UTF-8 it reads
    // U+FFFD, and so does 0xFF in its place, so the package takes the altered MA for the right one.
    for (let attempt = 0; attempt < 5000; attempt++) {
      const packet = accessRequest({ secret, userName: "alexw", password: "123456", identifier: attempt % 256 });
      const ma = maOffset(packet);
      for (let i = 0; i < 16; i++) {
        const byte = packet[ma + i]!;
        const before = i === 0 ? 0 : packet[ma + i - 1]!;
        const after = i === 15 ? 0 : packet[ma + i + 1]!;
        if (byte < 0x80 || byte > 0xbf || before >= 0x80 || after >= 0x80) continue;
        const forged = Buffer.from(packet);
        forged[ma + i] = 0xff;
        expect(() => radius.decode({ packet: Buffer.from(forged), secret })).not.toThrow();
        expect(checkMessageAuthenticator(parse(forged), secret)).toBe("invalid");
        return;
      }
    }
    throw new Error("no suitable Message-Authenticator found in 5000 tries");
  });
});
