import { createHmac, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { type HmacAlgorithm, KeyedHmac } from "../../src/features/shared/keyed-hmac.js";

describe("KeyedHmac", () => {
  it("gives RFC 2202's HMAC-MD5 and HMAC-SHA-1 test case 2 and RFC 4231's HMAC-SHA-256 test case 2", () => {
    const message = Buffer.from("what do ya want for nothing?");
    expect(new KeyedHmac("md5", "Jefe").digest(message).toString("hex")).toBe("750c783e6ab0b503eaa86e310a5db738");
    expect(new KeyedHmac("sha1", "Jefe").digest(message).toString("hex")).toBe("effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
    expect(new KeyedHmac("sha256", "Jefe").digest(message).toString("hex")).toBe(
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    );
  });

  it("matches createHmac for keys shorter than, as long as and longer than the block, and for split messages", () => {
    for (const algorithm of ["md5", "sha1", "sha256"] as HmacAlgorithm[]) {
      for (const keyLength of [0, 1, 20, 63, 64, 65, 200]) {
        const key = randomBytes(keyLength);
        const parts = [randomBytes(7), Buffer.alloc(0), randomBytes(100)];
        const expected = createHmac(algorithm, key).update(Buffer.concat(parts)).digest();
        const keyed = new KeyedHmac(algorithm, key);
        expect(keyed.digest(...parts)).toEqual(expected);
        // The same instance again, one part (its reused buffer): nothing of the first message stays behind.
        expect(keyed.digest(Buffer.concat(parts))).toEqual(expected);
        expect(Buffer.from(keyed.octets(Buffer.concat(parts)), "latin1")).toEqual(expected);
        expect(keyed.digest(randomBytes(3))).not.toEqual(expected);
        expect(keyed.digest(Buffer.concat(parts))).toEqual(expected);
      }
    }
  });

  it("takes a text key as its UTF-8 bytes, as createHmac does", () => {
    const message = Buffer.from("Access-Request");
    expect(new KeyedHmac("md5", "hemlig-nyckel-åäö").digest(message)).toEqual(
      createHmac("md5", "hemlig-nyckel-åäö").update(message).digest(),
    );
  });
});
