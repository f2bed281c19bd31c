/**
 * A Validator stand-in for the RADIUS listener's tests: it records every call (so a test
 * can count evaluations) and knows a few fixed users. "slow" waits until released, for
 * retransmissions that arrive while the first copy is still being evaluated.
 */
import type { ChallengeStart, LoginAttempt, ValidationOutcome, Validator } from "../../src/features/validation/validator.js";

export const GOOD_CODE = "123456";
export const GOOD_PASSWORD = "Sommar2024!x";

export type StubCall =
  | { method: "checkCode"; attempt: LoginAttempt; code: string }
  | { method: "checkPasswordAndCode"; attempt: LoginAttempt; password: string; code: string }
  | { method: "startChallenge"; attempt: LoginAttempt; password: string }
  | { method: "answerChallenge"; attempt: LoginAttempt; state: string; code: string };

export class StubValidator implements Validator {
  readonly calls: StubCall[] = [];
  private issued = new Map<string, string>();
  private nextState = 1;
  private release: (() => void) | undefined;
  private held = new Promise<void>((resolve) => (this.release = resolve));
  private called: (() => void) | undefined;

  /** Lets every held ("slow") call finish. */
  releaseSlow(): void {
    this.release?.();
  }

  /** Resolves at the next call (for "the first copy is being evaluated now"). */
  nextCall(): Promise<void> {
    return new Promise((resolve) => (this.called = resolve));
  }

  private async record(call: StubCall): Promise<void> {
    this.calls.push(call);
    this.called?.();
    if (call.attempt.userName === "boom") throw new Error("database unavailable: connection refused");
    if (call.attempt.userName === "slow") await this.held;
  }

  private codeOutcome(userName: string, code: string): ValidationOutcome {
    if (userName === "locked") return { ok: false, reason: "locked" };
    if (userName === "nobody") return { ok: false, reason: "noToken" };
    return code === GOOD_CODE ? { ok: true, reason: "ok" } : { ok: false, reason: "wrongCode" };
  }

  async checkCode(attempt: LoginAttempt, code: string): Promise<ValidationOutcome> {
    await this.record({ method: "checkCode", attempt, code });
    return this.codeOutcome(attempt.userName, code);
  }

  async checkPasswordAndCode(attempt: LoginAttempt, password: string, code: string): Promise<ValidationOutcome> {
    await this.record({ method: "checkPasswordAndCode", attempt, password, code });
    if (password !== GOOD_PASSWORD) return { ok: false, reason: "wrongPassword" };
    return this.codeOutcome(attempt.userName, code);
  }

  async startChallenge(attempt: LoginAttempt, password: string): Promise<ChallengeStart> {
    await this.record({ method: "startChallenge", attempt, password });
    if (password !== GOOD_PASSWORD) return { ok: false, reason: "wrongPassword" };
    const state = `state-${this.nextState++}`;
    this.issued.set(state, attempt.userName);
    return { ok: true, state };
  }

  async answerChallenge(attempt: LoginAttempt, state: string, code: string): Promise<ValidationOutcome> {
    await this.record({ method: "answerChallenge", attempt, state, code });
    const owner = this.issued.get(state);
    this.issued.delete(state);
    if (owner !== attempt.userName) return { ok: false, reason: "challengeExpired" };
    return this.codeOutcome(attempt.userName, code);
  }
}
