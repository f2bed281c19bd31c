/**
 * The three ways NetScaler can be set up to ask us, turned into calls on the Validator.
 * What a field means depends only on the configured mode, never on what the packet looks
 * like, so a request cannot pick a weaker mode for itself.
 */
import type { LoginAttempt, ValidationReason, Validator } from "../features/validation/validator.js";
import { normaliseTemporaryCode, TEMPORARY_CODE_LENGTH } from "../features/validation/temporary-access-code.js";
import type { AccessRequestFields } from "./access-request.js";
import { MAX_ATTRIBUTE_VALUE_LENGTH } from "./radius-packet.js";

export type RadiusMode = "otp" | "password+otp" | "challenge";
export const RADIUS_MODES: readonly RadiusMode[] = ["otp", "password+otp", "challenge"];

export type RejectReason = Exclude<ValidationReason, "ok">;

export type LoginAnswer =
  | { kind: "accept" }
  | { kind: "reject"; reason: RejectReason }
  /** challenge mode, first round passed: ask for the code, carrying `state` to the second round. */
  | { kind: "challenge"; state: string };

export class ChallengeStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ChallengeStateError";
  }
}

const CODE_LENGTH = 6;
const SIX_DIGITS = /^[0-9]{6}$/;

/**
 * password+otp: NetScaler sends the AD password immediately followed by the six digits (or
 * by a helpdesk temporary access code, which always ends in a letter, so the two never
 * overlap). Null when neither follows or no password is left: an empty password must never
 * reach the directory, where AD may treat it as an anonymous bind.
 */
export function splitPasswordAndCode(value: string): { password: string; code: string } | null {
  for (const [length, isCode] of CODE_SHAPES) {
    const code = value.slice(-length);
    const password = value.slice(0, -length);
    if (password.length > 0 && isCode(code)) return { password, code };
  }
  return null;
}

const CODE_SHAPES: [number, (code: string) => boolean][] = [
  [CODE_LENGTH, (code) => SIX_DIGITS.test(code)],
  [TEMPORARY_CODE_LENGTH, (code) => normaliseTemporaryCode(code) === code.toUpperCase()],
];

function outcome(result: { ok: boolean; reason: ValidationReason }): LoginAnswer {
  if (result.ok) return { kind: "accept" };
  // A refusal that says "ok" is a validator bug: refuse rather than trust either half.
  return { kind: "reject", reason: result.reason === "ok" ? "badRequest" : result.reason };
}

const badRequest: LoginAnswer = { kind: "reject", reason: "badRequest" };

/**
 * Asks the validator. Throws what the validator throws, and ChallengeStateError when it
 * hands out a State that cannot travel in one RADIUS attribute.
 */
export async function evaluateLogin(
  mode: RadiusMode,
  validator: Validator,
  attempt: LoginAttempt,
  fields: AccessRequestFields,
): Promise<LoginAnswer> {
  if (fields.password.length === 0) return badRequest;
  switch (mode) {
    case "otp":
      // Passed unchanged: the validator also accepts helpdesk temporary access codes here.
      return outcome(await validator.checkCode(attempt, fields.password));
    case "password+otp": {
      const split = splitPasswordAndCode(fields.password);
      if (!split) return badRequest;
      return outcome(await validator.checkPasswordAndCode(attempt, split.password, split.code));
    }
    case "challenge": {
      if (fields.state !== undefined) return outcome(await validator.answerChallenge(attempt, fields.state, fields.password));
      const started = await validator.startChallenge(attempt, fields.password);
      if (!started.ok) return outcome(started);
      const octets = Buffer.byteLength(started.state, "utf8");
      if (octets === 0 || octets > MAX_ATTRIBUTE_VALUE_LENGTH)
        throw new ChallengeStateError(`the validator's State is ${octets} octets (1 to 253 fit)`);
      return { kind: "challenge", state: started.state };
    }
  }
}
