/** The validation service's rules, with in-memory ports and a fake clock. */
import { describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/adapters/demo-directory.js";
import type { TotpMatch } from "../../src/ports/totp.js";
import { validationHarness } from "./validation-harness.js";

describe("validation: the code", () => {
  it("takes the next code after the one that activated the token, each time step once", async () => {
    const h = validationHarness();
    // The activating code's step counts as used: the first login takes the next code.
    expect(await h.service.checkCode(h.attempt(), h.code())).toEqual({ ok: false, reason: "replay" });
    h.clock.advance(30);
    const next = h.code();
    expect(await h.service.checkCode(h.attempt(), next)).toEqual({ ok: true, reason: "ok" });
    expect(await h.service.checkCode(h.attempt(), next)).toEqual({ ok: false, reason: "replay" });
    // A code from before the last accepted one is a replay too, even though it is within ±1 step.
    expect(await h.service.checkCode(h.attempt(), h.code("alexw", -1))).toEqual({ ok: false, reason: "replay" });
    expect((await h.stores.findActive("alexw"))!.lastUsedAt).toEqual(h.clock.now());
  });

  it("accepts a fresh step's code that has the same six digits as the step used last (not a replay)", async () => {
    // Found by search: for this secret, steps 59634248 and 59634250 share 565585. The last login
    // used the first; now, one step later, a phone a step ahead shows the second.
    const h = validationHarness();
    const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    const token = h.stores.tokens.find((t) => t.loginName === "alexw")!;
    token.secretSealed = h.secrets.seal(secret);
    token.lastTimeStep = 59634248;
    h.clock.advance(59634249 * 30 - h.clock.now().getTime() / 1000);
    expect(h.totp.codeAt(secret, new Date(59634250 * 30_000))).toBe("565585");
    expect(await h.service.checkCode(h.attempt(), "565585")).toEqual({ ok: true, reason: "ok" });
    expect(h.validations().at(-1)?.detail).toMatchObject({ reason: "ok", driftSteps: 1 });
    expect(await h.service.checkCode(h.attempt(), "565585")).toEqual({ ok: false, reason: "replay" });
  });

  it("accepts ±1 step, and records a phone clock further off as drift", async () => {
    const h = validationHarness();
    h.clock.advance(60);
    expect((await h.service.checkCode(h.attempt(), h.code("alexw", 1))).ok).toBe(true);
    h.clock.advance(90);
    expect(await h.service.checkCode(h.attempt(), h.code("alexw", 4))).toEqual({ ok: false, reason: "wrongCode" });
    expect(h.validations().at(-1)?.detail).toMatchObject({ reason: "wrongCode", driftSteps: 4 });
    expect(await h.service.checkCode(h.attempt(), h.code("alexw", -3))).toEqual({ ok: false, reason: "wrongCode" });
    expect(h.validations().at(-1)?.detail).toMatchObject({ driftSteps: -3 });
    expect(h.validations()[0]?.detail).toMatchObject({ reason: "ok", driftSteps: 1, client: "netscaler-1", channel: "radius" });
  });

  it("resolves the login name, DOMAIN\\login and the UPN, in any case", async () => {
    const h = validationHarness();
    h.enroll("isaiahl", "isaiah@example.com");
    for (const [name, login] of [
      ["ALEXW", "alexw"],
      ["REGION\\AlexW", "alexw"],
      ["Isaiah@Example.com", "isaiahl"],
      [" isaiahl ", "isaiahl"],
    ] as const) {
      h.clock.advance(30);
      expect(await h.service.checkCode(h.attempt(name), h.code(login))).toEqual({ ok: true, reason: "ok" });
    }
    expect(h.validations().map((e) => e.subject)).toEqual([
      "alexw@example.com",
      "alexw@example.com",
      "isaiah@example.com",
      "isaiah@example.com",
    ]);
  });

  it("refuses unknown users, disabled accounts, people with no token, and a revoked or replaced token", async () => {
    const h = validationHarness();
    h.clock.advance(30);
    expect((await h.service.checkCode(h.attempt("nobody"), "123456")).reason).toBe("unknownUser");
    expect((await h.service.checkCode(h.attempt("pattif"), "123456")).reason).toBe("disabled");
    expect((await h.service.checkCode(h.attempt("adelev"), "123456")).reason).toBe("noToken");
    expect((await h.service.checkCode(h.attempt(""), "123456")).reason).toBe("badRequest");
    expect((await h.service.checkCode(h.attempt("alexw\ud800"), "123456")).reason).toBe("badRequest");
    const oldCode = h.code();
    h.enroll("alexw", "alexw@example.com", "token-2");
    expect((await h.service.checkCode(h.attempt(), oldCode)).reason).toBe("wrongCode");
    await h.stores.revoke("alexw");
    expect((await h.service.checkCode(h.attempt(), h.code())).reason).toBe("noToken");
  });
});

describe("validation: the failure counter", () => {
  const wrong = (right: string) => (right === "000000" ? "111111" : "000000");

  it("locks the token after 10 wrong codes for 30 minutes, refusing a right code meanwhile", async () => {
    const h = validationHarness();
    h.clock.advance(30);
    for (let i = 0; i < 10; i++) expect((await h.service.checkCode(h.attempt(), wrong(h.code()))).reason).toBe("wrongCode");
    expect(h.validations().at(-1)?.detail?.lockedUntil).toBe(new Date(h.clock.now().getTime() + 30 * 60_000).toISOString());
    expect(await h.service.checkCode(h.attempt(), h.code())).toEqual({ ok: false, reason: "locked" });
    h.clock.advance(29 * 60);
    expect((await h.service.checkCode(h.attempt(), h.code())).reason).toBe("locked");
    h.clock.advance(60);
    expect((await h.service.checkCode(h.attempt(), h.code())).ok).toBe(true);
    // The lock's end started a fresh count: 9 wrong codes and a right one do not lock.
    for (let i = 0; i < 9; i++) await h.service.checkCode(h.attempt(), wrong(h.code()));
    h.clock.advance(30);
    expect((await h.service.checkCode(h.attempt(), h.code())).ok).toBe(true);
  });

  it("a right code resets the count; consecutive failures are what locks", async () => {
    const h = validationHarness({ userMaxPerMinute: 1000 });
    for (let round = 0; round < 3; round++) {
      h.clock.advance(30);
      for (let i = 0; i < 9; i++) await h.service.checkCode(h.attempt(), wrong(h.code()));
      expect((await h.service.checkCode(h.attempt(), h.code())).ok).toBe(true);
    }
  });

  it("of 40 concurrent wrong codes at most 10 are compared, and the right one after them is refused", async () => {
    const h = validationHarness({ userMaxPerMinute: 1000 });
    h.clock.advance(30);
    let compared = 0;
    const match = h.totp.match.bind(h.totp);
    h.totp.match = (...args: Parameters<typeof match>): TotpMatch | null => {
      compared++;
      return match(...args);
    };
    const answers = await Promise.all(Array.from({ length: 40 }, () => h.service.checkCode(h.attempt(), wrong(h.code()))));
    expect(compared).toBeLessThanOrEqual(10);
    expect(answers.every((a) => !a.ok)).toBe(true);
    expect((await h.service.checkCode(h.attempt(), h.code())).reason).toBe("locked");
  });

  it("the same right code sent five times at once is accepted once", async () => {
    const h = validationHarness();
    h.clock.advance(30);
    const code = h.code();
    const answers = await Promise.all(Array.from({ length: 5 }, () => h.service.checkCode(h.attempt(), code)));
    expect(answers.filter((a) => a.ok)).toHaveLength(1);
    expect(answers.filter((a) => a.reason === "replay")).toHaveLength(4);
  });
});

describe("validation: the user's request throttle", () => {
  it("refuses beyond 20 requests a minute per user name (any spelling), counted before anything else", async () => {
    const h = validationHarness();
    h.clock.advance(30);
    for (let i = 0; i < 20; i++) await h.service.checkCode(h.attempt("REGION\\alexw"), "12345");
    expect(await h.service.checkCode(h.attempt("alexw"), h.code())).toEqual({ ok: false, reason: "throttled" });
    expect(h.validations().at(-1)).toMatchObject({ subject: "alexw", outcome: "refused", detail: { reason: "throttled" } });
    // Another user behind the same NetScaler is unaffected.
    h.enroll("isaiahl", "isaiah@example.com");
    expect((await h.service.checkCode(h.attempt("isaiahl"), h.code("isaiahl", 1))).ok).toBe(true);
    h.clock.advance(61);
    expect((await h.service.checkCode(h.attempt("alexw"), h.code())).ok).toBe(true);
  });
});

describe("validation: password+otp and challenge modes", () => {
  it("password+otp checks the AD password first, through the enrollment's throttle, without touching the token", async () => {
    const h = validationHarness();
    h.clock.advance(30);
    // A wrong password, a wrong code and an unknown user answer alike (the audit keeps which).
    expect(await h.service.checkPasswordAndCode(h.attempt(), "wrong", h.code())).toEqual({ ok: false, reason: "wrongPasswordOrCode" });
    expect(h.validations().at(-1)?.detail?.reason).toBe("wrongPassword");
    expect(await h.service.checkPasswordAndCode(h.attempt("nobody"), DEMO_PASSWORD, h.code())).toEqual({
      ok: false,
      reason: "wrongPasswordOrCode",
    });
    expect(await h.stores.countSince("otpfail:token-alexw", new Date(0))).toBe(0);
    expect(await h.stores.countSince("pw:alexw@example.com", new Date(0))).toBe(1);
    expect(await h.service.checkPasswordAndCode(h.attempt(), DEMO_PASSWORD, h.code())).toEqual({ ok: true, reason: "ok" });
  });

  it("tells nothing about the account (disabled, no token) to someone without its password", async () => {
    const h = validationHarness();
    expect(await h.service.checkPasswordAndCode(h.attempt("pattif"), "guess", "123456")).toEqual({
      ok: false,
      reason: "wrongPasswordOrCode",
    });
    expect(await h.service.startChallenge(h.attempt("pattif"), "guess")).toEqual({ ok: false, reason: "wrongPassword" });
    expect(await h.service.startChallenge(h.attempt("adelev"), "guess")).toEqual({ ok: false, reason: "wrongPassword" });
    expect(await h.service.checkPasswordAndCode(h.attempt("adelev"), DEMO_PASSWORD, "123456")).toEqual({ ok: false, reason: "noToken" });
  });

  it("challenge: the password gives a single-use State that expires in 2 minutes and belongs to that user and client", async () => {
    const h = validationHarness();
    h.clock.advance(30);
    expect(await h.service.startChallenge(h.attempt(), "wrong")).toEqual({ ok: false, reason: "wrongPassword" });
    expect(await h.service.startChallenge(h.attempt("adelev"), DEMO_PASSWORD)).toEqual({ ok: false, reason: "noToken" });
    const first = await h.service.startChallenge(h.attempt(), DEMO_PASSWORD);
    if (!first.ok) throw new Error("no challenge");
    expect(await h.service.answerChallenge(h.attempt(), first.state, h.code())).toEqual({ ok: true, reason: "ok" });
    expect((await h.service.answerChallenge(h.attempt(), first.state, h.code("alexw", 1))).reason).toBe("challengeExpired");

    const second = await h.service.startChallenge(h.attempt(), DEMO_PASSWORD);
    if (!second.ok) throw new Error("no challenge");
    expect((await h.service.answerChallenge({ ...h.attempt(), client: "other" }, second.state, h.code("alexw", 1))).reason).toBe(
      "challengeExpired",
    );

    const third = await h.service.startChallenge(h.attempt(), DEMO_PASSWORD);
    if (!third.ok) throw new Error("no challenge");
    h.enroll("isaiahl", "isaiah@example.com");
    expect((await h.service.answerChallenge(h.attempt("isaiahl"), third.state, h.code("isaiahl", 1))).reason).toBe("challengeExpired");

    const fourth = await h.service.startChallenge(h.attempt(), DEMO_PASSWORD);
    if (!fourth.ok) throw new Error("no challenge");
    h.clock.advance(121);
    expect((await h.service.answerChallenge(h.attempt(), fourth.state, h.code())).reason).toBe("challengeExpired");
    // The State is stored only hashed.
    expect(JSON.stringify([...h.challenges.rows.values()])).not.toContain(fourth.state);
  });

  it("never writes a code or a password into the audit trail", async () => {
    const h = validationHarness();
    h.clock.advance(30);
    const code = h.code();
    await h.service.checkPasswordAndCode(h.attempt(), DEMO_PASSWORD, code);
    await h.service.checkCode(h.attempt(), "987654");
    const audit = JSON.stringify(h.stores.audit);
    for (const secret of [code, "987654", DEMO_PASSWORD]) expect(audit).not.toContain(secret);
    expect(h.stores.audit.map((e) => e.action)).toEqual(["login.validate", "login.validate"]);
  });
});
