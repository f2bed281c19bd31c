/** The three modes as calls on the Validator, and what each answer looks like on the wire. */
import { describe, expect, it } from "vitest";
import type { ChallengeStart } from "../../src/features/validation/validator.js";
import { validationEn } from "../../src/i18n/validation-en.js";
import { validationSv } from "../../src/i18n/validation-sv.js";
import { ChallengeStateError, evaluateLogin, splitPasswordAndCode } from "../../src/radius/login-modes.js";
import { CHALLENGE_TIMEOUT_SECONDS, rejectText, replyFor } from "../../src/radius/radius-replies.js";
import { GOOD_CODE, GOOD_PASSWORD, StubValidator } from "../support/radius-stub-validator.js";

const attempt = { userName: "alexw", client: "nsg1", channel: "radius" as const };

describe("splitPasswordAndCode", () => {
  it.each([
    ["Sommar2024!x123456", { password: "Sommar2024!x", code: "123456" }],
    ["1234567", { password: "1", code: "234567" }],
    ["lösen€123456", { password: "lösen€", code: "123456" }],
    ["123456", null],
    ["Sommar2024!x12345", null],
    ["Sommar2024!x12345a", null],
    ["Sommar2024!x١٢٣٤٥٦", null],
    ["", null],
  ])("%s", (value, expected) => {
    expect(splitPasswordAndCode(value)).toEqual(expected);
  });
});

describe("evaluateLogin", () => {
  it("otp: the User-Password is the code, passed unchanged", async () => {
    const validator = new StubValidator();
    expect(await evaluateLogin("otp", validator, attempt, { userName: "alexw", password: GOOD_CODE })).toEqual({ kind: "accept" });
    expect(await evaluateLogin("otp", validator, attempt, { userName: "alexw", password: "TAC-ABCD-1234" })).toEqual({
      kind: "reject",
      reason: "wrongCode",
    });
    expect(validator.calls.map((c) => c.method === "checkCode" && c.code)).toEqual([GOOD_CODE, "TAC-ABCD-1234"]);
  });

  it("password+otp: split apart; no six digits at the end is a bad request without asking", async () => {
    const validator = new StubValidator();
    expect(await evaluateLogin("password+otp", validator, attempt, { userName: "alexw", password: GOOD_PASSWORD + GOOD_CODE })).toEqual({
      kind: "accept",
    });
    expect(await evaluateLogin("password+otp", validator, attempt, { userName: "alexw", password: GOOD_PASSWORD })).toEqual({
      kind: "reject",
      reason: "badRequest",
    });
    expect(await evaluateLogin("password+otp", validator, attempt, { userName: "alexw", password: GOOD_CODE })).toEqual({
      kind: "reject",
      reason: "badRequest",
    });
    expect(validator.calls).toEqual([{ method: "checkPasswordAndCode", attempt, password: GOOD_PASSWORD, code: GOOD_CODE }]);
  });

  it("challenge: password first (a State comes back), then the code with that State", async () => {
    const validator = new StubValidator();
    const first = await evaluateLogin("challenge", validator, attempt, { userName: "alexw", password: GOOD_PASSWORD });
    expect(first).toEqual({ kind: "challenge", state: "state-1" });
    expect(await evaluateLogin("challenge", validator, attempt, { userName: "alexw", password: GOOD_CODE, state: "state-1" })).toEqual({
      kind: "accept",
    });
    expect(await evaluateLogin("challenge", validator, attempt, { userName: "alexw", password: GOOD_CODE, state: "state-1" })).toEqual({
      kind: "reject",
      reason: "challengeExpired",
    });
    expect(await evaluateLogin("challenge", validator, attempt, { userName: "alexw", password: "wrong" })).toEqual({
      kind: "reject",
      reason: "wrongPassword",
    });
  });

  it("never sends an empty password or code to the validator", async () => {
    const validator = new StubValidator();
    for (const mode of ["otp", "password+otp", "challenge"] as const) {
      expect(await evaluateLogin(mode, validator, attempt, { userName: "alexw", password: "" })).toEqual({
        kind: "reject",
        reason: "badRequest",
      });
    }
    expect(validator.calls).toEqual([]);
  });

  it("refuses a State that cannot travel in one attribute, and a refusal that says ok", async () => {
    const longState = new StubValidator();
    longState.startChallenge = async (): Promise<ChallengeStart> => ({ ok: true, state: "s".repeat(254) });
    await expect(evaluateLogin("challenge", longState, attempt, { userName: "alexw", password: "x" })).rejects.toThrow(ChallengeStateError);
    const confused = new StubValidator();
    confused.checkCode = async () => ({ ok: false, reason: "ok" });
    expect(await evaluateLogin("otp", confused, attempt, { userName: "alexw", password: GOOD_CODE })).toEqual({
      kind: "reject",
      reason: "badRequest",
    });
  });
});

describe("replies", () => {
  it("an accept is bare; a reject carries the Swedish text for its reason", () => {
    expect(replyFor({ kind: "accept" })).toEqual({ code: 2, attributes: [] });
    expect(replyFor({ kind: "reject", reason: "wrongCode" })).toEqual({
      code: 3,
      attributes: [{ type: 18, value: Buffer.from("Fel kod. Vänta på nästa kod och försök igen.") }],
    });
  });

  it("a challenge carries the State, the Swedish prompt and a Session-Timeout", () => {
    const reply = replyFor({ kind: "challenge", state: "state-7" });
    expect(reply.code).toBe(11);
    expect(reply.attributes).toEqual([
      { type: 24, value: Buffer.from("state-7") },
      { type: 18, value: Buffer.from("Ange engångskoden från Microsoft Authenticator.") },
      { type: 27, value: Buffer.from([0, 0, 0, CHALLENGE_TIMEOUT_SECONDS]) },
    ]);
  });

  it("every text fits one Reply-Message, and unknown users read like wrong passwords", () => {
    for (const text of [...Object.values(validationSv), ...Object.values(validationEn)])
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(253);
    expect(Object.keys(validationEn).sort()).toEqual(Object.keys(validationSv).sort());
    expect(rejectText("unknownUser")).toBe(rejectText("wrongPassword"));
  });
});
