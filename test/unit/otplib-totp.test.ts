/** The TOTP adapter's own window check agrees with otplib (RFC 6238) and the RFC's test vector. */
import { verifySync } from "otplib";
import { describe, expect, it } from "vitest";
import { OtplibTotp } from "../../src/adapters/otplib-totp.js";

const totp = new OtplibTotp();

describe("OtplibTotp.match", () => {
  it("finds the step of a code within ±maxSteps, nearest first, as otplib's verify does", () => {
    for (let round = 0; round < 40; round++) {
      const secret = totp.generateSecret();
      const at = new Date(1_700_000_000_000 + round * 7_919_000);
      for (const delta of [0, -1, 1, -4, 7, -10, 10]) {
        const code = totp.codeAt(secret, new Date(at.getTime() + delta * 30_000));
        const ours = totp.match(secret, code, at, 10);
        const theirs = verifySync({ secret, token: code, epoch: Math.floor(at.getTime() / 1000), epochTolerance: 300 }) as {
          valid: boolean;
          delta?: number;
        };
        expect(theirs.valid).toBe(true);
        expect(ours?.delta).toBe(theirs.delta);
        expect(ours?.timeStep).toBe(Math.floor(at.getTime() / 30_000) + (ours?.delta ?? 0));
      }
    }
  });

  it("refuses codes outside the window and anything that is not six digits", () => {
    const secret = totp.generateSecret();
    const at = new Date(1_700_000_000_000);
    const far = totp.codeAt(secret, new Date(at.getTime() + 12 * 30_000));
    const near = new Set(
      [-10, -9, -8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((d) =>
        totp.codeAt(secret, new Date(at.getTime() + d * 30_000)),
      ),
    );
    if (!near.has(far)) expect(totp.match(secret, far, at, 10)).toBeNull();
    for (const bad of ["", "12345", "1234567", "12345a", " 123456"]) expect(totp.match(secret, bad, at, 10)).toBeNull();
  });

  it("prefers an unused step to a nearer used one with the same six digits, only within `prefer.within`", () => {
    // Found by search: for this secret, steps 59634248 and 59634250 share 565585, steps 59141676 and 59141677 share 212317.
    const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    const stepStart = (step: number) => new Date(step * 30_000);
    expect(totp.codeAt(secret, stepStart(59634248))).toBe("565585");
    expect(totp.codeAt(secret, stepStart(59634250))).toBe("565585");
    expect(totp.codeAt(secret, stepStart(59141677))).toBe("212317");
    const between = stepStart(59634249);
    expect(totp.match(secret, "565585", between, 10)).toEqual({ delta: -1, timeStep: 59634248 });
    expect(totp.match(secret, "565585", between, 10, { after: 59634248, within: 1 })).toEqual({ delta: 1, timeStep: 59634250 });
    // Both used: the nearest, which the validation service answers as a replay.
    expect(totp.match(secret, "565585", between, 10, { after: 59634250, within: 1 })).toEqual({ delta: -1, timeStep: 59634248 });
    expect(totp.match(secret, "212317", stepStart(59141676), 10, { after: 59141676, within: 1 })).toEqual({ delta: 1, timeStep: 59141677 });
    // An unused step further off than `within` is not preferred: it would be a phone clock two steps ahead.
    expect(totp.match(secret, "565585", stepStart(59634248), 10, { after: 59634248, within: 1 })).toEqual({ delta: 0, timeStep: 59634248 });
  });

  it("matches RFC 6238's SHA-1 test vector (T = 59 s: 94287082, last six digits)", () => {
    // The RFC's key is the ASCII "12345678901234567890", base32 below.
    expect(totp.match("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", "287082", new Date(59_000), 0)).toEqual({ delta: 0, timeStep: 1 });
  });
});
