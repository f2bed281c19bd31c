/** Helpdesk temporary access codes at the login: in-memory ports, a fake clock. */
import { describe, expect, it } from "vitest";
import {
  generateTemporaryCode,
  normaliseTemporaryCode,
  TEMPORARY_CODE_LENGTH,
} from "../../src/features/validation/temporary-access-code.js";
import { TemporaryAccessIssuer } from "../../src/features/validation/temporary-access-issuer.js";
import { splitPasswordAndCode } from "../../src/radius/login-modes.js";
import { validationHarness } from "./validation-harness.js";

function setUp(policy: { hours?: number; reusable?: boolean } = {}) {
  const h = validationHarness();
  const issuer = new TemporaryAccessIssuer(h.temporaryAccess, h.secrets, { hours: policy.hours ?? 8, reusable: policy.reusable ?? false });
  const issue = (login = "alexw", upn = "alexw@example.com") =>
    issuer.issue({ loginName: login, upn }, "meganb@example.com", h.clock.now());
  return { ...h, issue };
}

describe("temporary access codes", () => {
  it("are 10 characters from an unambiguous alphabet, end in a letter, and are typed in any case with spaces", () => {
    const codes = new Set(Array.from({ length: 2000 }, generateTemporaryCode));
    expect(codes.size).toBe(2000);
    for (const code of codes) {
      expect(code).toHaveLength(TEMPORARY_CODE_LENGTH);
      expect(code).toMatch(/^[A-Z2-9]{9}[A-Z]$/);
      expect(code).not.toMatch(/[01OILS5]/);
      expect(normaliseTemporaryCode(code)).toBe(code);
      expect(normaliseTemporaryCode(`${code.slice(0, 5).toLowerCase()} ${code.slice(5)}`)).toBe(code);
      // A password followed by a temporary code never reads as a password followed by six digits.
      expect(splitPasswordAndCode(`Passw0rd!${code}`)).toEqual({ password: "Passw0rd!", code });
      expect(splitPasswordAndCode(`Passw0rd!${code}123456`)).toEqual({ password: `Passw0rd!${code}`, code: "123456" });
    }
    for (const bad of ["123456", "ABCDEFGHJ2", "ABCDEFGHJ", "ABCDEFGHJKM", "ABCDE0GHJK", 42, null, "A".repeat(40)])
      expect(normaliseTemporaryCode(bad)).toBeNull();
  });

  it("are accepted once in place of a TOTP code, then refused as used", async () => {
    const h = setUp();
    const { code, expiresAt } = await h.issue();
    expect(expiresAt).toEqual(new Date(h.clock.now().getTime() + 8 * 3_600_000));
    expect(await h.service.checkCode(h.attempt(), code.toLowerCase())).toEqual({ ok: true, reason: "ok" });
    expect(h.validations().at(-1)).toMatchObject({ outcome: "ok", detail: { reason: "ok", method: "temporaryAccess" } });
    expect(await h.service.checkCode(h.attempt(), code)).toEqual({ ok: false, reason: "replay" });
    // The TOTP token still works beside it.
    h.clock.advance(30);
    expect((await h.service.checkCode(h.attempt(), h.code())).ok).toBe(true);
  });

  it("work without a token (the lost phone's token revoked) and are refused after they expire", async () => {
    const h = setUp({ hours: 1 });
    await h.stores.revoke("alexw");
    const { code } = await h.issue();
    h.clock.advance(3600);
    expect(await h.service.checkCode(h.attempt(), code)).toEqual({ ok: false, reason: "temporaryAccessExpired" });
    const second = await h.issue();
    h.clock.advance(3599);
    expect(await h.service.checkCode(h.attempt(), second.code)).toEqual({ ok: true, reason: "ok" });
  });

  it("a new code replaces the old one, and ending it (enrollment, Clear) refuses it", async () => {
    const h = setUp();
    const first = await h.issue();
    const second = await h.issue();
    expect(await h.service.checkCode(h.attempt(), first.code)).toEqual({ ok: false, reason: "wrongCode" });
    await h.temporaryAccess.end("alexw", h.clock.now());
    expect(await h.service.checkCode(h.attempt(), second.code)).toEqual({ ok: false, reason: "wrongCode" });
    // Another person's code is no use to alexw.
    const isaiahs = await h.issue("isaiahl", "isaiah@example.com");
    expect(await h.service.checkCode(h.attempt(), isaiahs.code)).toEqual({ ok: false, reason: "wrongCode" });
  });

  it("reusable codes (TEMP_ACCESS_REUSABLE) work again until they expire", async () => {
    const h = setUp({ reusable: true, hours: 2 });
    const { code } = await h.issue();
    for (let i = 0; i < 3; i++) {
      expect((await h.service.checkCode(h.attempt(), code)).ok).toBe(true);
      h.clock.advance(1800);
    }
    h.clock.advance(1800);
    expect(await h.service.checkCode(h.attempt(), code)).toEqual({ ok: false, reason: "temporaryAccessExpired" });
  });

  it("count each wrong try before comparing; 10 wrong tries end the code", async () => {
    const h = setUp();
    const { code } = await h.issue();
    for (let i = 0; i < 10; i++) expect((await h.service.checkCode(h.attempt(), generateTemporaryCode())).reason).toBe("wrongCode");
    h.clock.advance(61);
    expect(await h.service.checkCode(h.attempt(), code)).toEqual({ ok: false, reason: "wrongCode" });
    expect((await h.temporaryAccess.latest("alexw"))?.endedAt).toEqual(new Date(h.clock.now().getTime() - 61_000));
  });

  it("are accepted in password+otp and challenge modes after the AD password", async () => {
    const h = setUp();
    const { code } = await h.issue();
    expect(await h.service.checkPasswordAndCode(h.attempt(), "Passw0rd!", code)).toEqual({ ok: true, reason: "ok" });
    const next = await h.issue();
    const started = await h.service.startChallenge(h.attempt(), "Passw0rd!");
    expect(started.ok).toBe(true);
    expect(await h.service.answerChallenge(h.attempt(), started.ok ? started.state : "", next.code)).toEqual({ ok: true, reason: "ok" });
  });

  it("two instances answering the same single-use code at once accept it once", async () => {
    const h = setUp();
    const { code } = await h.issue();
    const answers = await Promise.all(Array.from({ length: 5 }, () => h.service.checkCode(h.attempt(), code)));
    expect(answers.filter((a) => a.ok)).toHaveLength(1);
  });
});
