/** User-Password (RFC 2865 §5.2) decrypted exactly, or refused; and the request fields around it. */
import { createHash, randomBytes } from "node:crypto";
import radius from "radius";
import { describe, expect, it } from "vitest";
import { readAccessRequest } from "../../src/radius/access-request.js";
import { parseDatagram, type RadiusPacket } from "../../src/radius/radius-packet.js";
import { decryptUserPassword } from "../../src/radius/user-password.js";
import { accessRequest } from "../support/radius-packets.js";

const secret = "unit-test-secret-abcdefgh";

function parse(datagram: Buffer): RadiusPacket {
  const parsed = parseDatagram(datagram);
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.packet;
}

/** RFC 2865 §5.2 encryption of raw octets (already padded by the caller). */
function encrypt(clear: Buffer, authenticator: Buffer): Buffer {
  const out = Buffer.alloc(clear.length);
  let chain = authenticator;
  for (let start = 0; start < clear.length; start += 16) {
    const pad = createHash("md5").update(secret).update(chain).digest();
    for (let i = 0; i < 16; i++) out[start + i] = clear[start + i]! ^ pad[i]!;
    chain = out.subarray(start, start + 16);
  }
  return out;
}

function padded(text: string | Buffer, length: number): Buffer {
  const bytes = Buffer.alloc(length);
  Buffer.from(text).copy(bytes);
  return bytes;
}

describe("decryptUserPassword", () => {
  it.each(["1", "123456", "exactly16chars!!", "seventeen chars!!", "Sommar2024!x123456", "lösenord€😀123456", "x".repeat(128)])(
    "reads back what the radius package encrypted: %s",
    (password) => {
      const packet = parse(accessRequest({ secret, userName: "alexw", password }));
      expect(readAccessRequest(packet, secret)).toEqual({ ok: true, fields: { userName: "alexw", password } });
    },
  );

  it("refuses values that cannot be a User-Password: not whole blocks, too short, too long", () => {
    const authenticator = randomBytes(16);
    expect(decryptUserPassword(Buffer.alloc(15), secret, authenticator)).toBeNull();
    expect(decryptUserPassword(Buffer.alloc(17), secret, authenticator)).toBeNull();
    expect(decryptUserPassword(encrypt(padded("x", 144), authenticator), secret, authenticator)).toBeNull();
  });

  it("refuses a NUL inside the password, which the radius package silently cuts out", () => {
    const authenticator = randomBytes(16);
    const clear = padded(Buffer.concat([Buffer.from("Sommar\0garbage!!"), Buffer.from("2024!x123456")]), 32);
    expect(decryptUserPassword(encrypt(clear, authenticator), secret, authenticator)).toBeNull();
    const packet = radius.encode({
      code: "Access-Request",
      secret,
      authenticator,
      attributes: [
        ["User-Name", "alexw"],
        [2, encrypt(clear, authenticator)],
      ],
    });
    expect(radius.decode({ packet, secret }).attributes["User-Password"]).toBe("Sommar2024!x123456");
  });

  it("refuses invalid UTF-8 rather than replacing it", () => {
    const authenticator = randomBytes(16);
    expect(decryptUserPassword(encrypt(padded(Buffer.from([0x61, 0xff, 0x62]), 16), authenticator), secret, authenticator)).toBeNull();
  });

  it("under the wrong secret gives something else, never the password", () => {
    const packet = parse(accessRequest({ secret, userName: "alexw", password: "123456" }));
    const read = readAccessRequest(packet, "another-secret-0000000");
    expect(read.ok && read.fields.password).not.toBe("123456");
  });
});

describe("readAccessRequest", () => {
  const read = (options: Parameters<typeof accessRequest>[0]) => readAccessRequest(parse(accessRequest(options)), secret);

  it("passes the user name through unchanged (UPN, DOMAIN\\login, any case)", () => {
    for (const userName of ["AlexW@Region.example", "REGION\\alexw", "alexw"]) {
      expect(read({ secret, userName, password: "123456" })).toEqual({ ok: true, fields: { userName, password: "123456" } });
    }
  });

  it("reads the State as text", () => {
    expect(read({ secret, userName: "alexw", password: "123456", state: Buffer.from("state-1") })).toEqual({
      ok: true,
      fields: { userName: "alexw", password: "123456", state: "state-1" },
    });
  });

  it.each([
    ["no User-Name", { password: "123456" }],
    ["no User-Password", { userName: "alexw" }],
    ["more than one User-Name", { userName: "alexw", password: "123456", extra: [["User-Name", "mallory"]] }],
    ["more than one User-Password", { userName: "alexw", password: "123456", extra: [[2, Buffer.alloc(16)]] }],
    ["more than one State", { userName: "alexw", password: "123456", state: Buffer.from("a"), extra: [[24, Buffer.from("b")]] }],
    ["User-Name is not plain UTF-8 text", { userName: "alexw\nadmin", password: "123456" }],
    ["User-Name is not plain UTF-8 text", { userName: "", password: "123456", extra: [[1, Buffer.from([0x61, 0xc3])]] }],
    ["CHAP-Password is not supported", { userName: "alexw", extra: [[3, Buffer.alloc(17)]] }],
    ["State is not one we issued", { userName: "alexw", password: "123456", state: Buffer.from([0xff, 0xfe]) }],
  ] as const)("refuses a request with %s", (problem, options) => {
    const result = read({ secret, ...(options as object) } as Parameters<typeof accessRequest>[0]);
    expect(result).toEqual({ ok: false, problem });
  });
});
