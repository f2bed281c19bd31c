import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { Clock } from "../../ports/clock.js";
import type { Directory, DirectoryUser } from "../../ports/directory.js";
import type { LoginChallengeStore } from "../../ports/login-challenges.js";
import type { SecretBox } from "../../ports/secret-box.js";
import type { AuditLog, RateCounter, TokenStore } from "../../ports/stores.js";
import type { Totp } from "../../ports/totp.js";
import type { EmployeeNoticeOutbox } from "../../ports/employee-notices.js";
import type { TemporaryAccessStore } from "../../ports/temporary-access.js";
import { localTime } from "../../i18n/local-time.js";
import { normaliseTemporaryCode } from "./temporary-access-code.js";
import type { TemporaryAccessPolicy } from "./temporary-access-policy.js";
import { TemporaryAccessCheck } from "./temporary-access-check.js";
import { normaliseCode } from "../shared/codes.js";
import { PasswordThrottle } from "../enrollment/password-throttle.js";
import { validationUserRateKey } from "../shared/rate-keys.js";
import { findLoginUser, parseUserName, problemReason, type ParsedUserName } from "./login-user.js";
import { TokenLockout } from "./token-lockout.js";
import type { ValidationPolicy } from "./validation-policy.js";
import type { ChallengeStart, LoginAttempt, ValidationOutcome, ValidationReason, Validator } from "./validator.js";

export interface ValidationDeps {
  directory: Directory;
  tokens: TokenStore;
  challenges: LoginChallengeStore;
  secrets: SecretBox;
  totp: Totp;
  rates: RateCounter;
  audit: AuditLog;
  clock: Clock;
  policy: ValidationPolicy;
  /** Helpdesk-issued temporary access codes, accepted in place of a TOTP code. */
  temporaryAccess: TemporaryAccessStore;
  temporaryAccessPolicy: Pick<TemporaryAccessPolicy, "maxFailures">;
  /** The employee is told in Teams when their token locks ("if it was not you…"), through the bot. */
  notices: EmployeeNoticeOutbox;
  /** The enrollment's password-check limits: the same binds, the same throttle. */
  passwordChecks: { passwordChecksMax: number; passwordChecksWindowMinutes: number };
}

/** Codes from the previous, current and next 30 s window are accepted, as at enrollment. */
const ACCEPTED_STEPS = 1;
const MINUTE_MS = 60_000;
const AUDIT_ACTION = "login.validate";

interface Decision extends ValidationOutcome {
  /** The audit trail's subject: the account's UPN when known, else the name as sent. */
  subject: string;
  detail?: Record<string, string | number | boolean>;
}

/** What password+otp answers as "wrong password or code", so a guessed password is not confirmed. */
const HIDDEN_IN_PASSWORD_AND_CODE = new Set<ValidationReason>(["wrongPassword", "wrongCode", "unknownUser"]);

const refuse = (subject: string, reason: ValidationReason, detail?: Decision["detail"]): Decision => ({
  ok: false,
  reason,
  subject,
  detail,
});

/**
 * The second factor at the Citrix login: is this the user's active token's code now? One
 * service for RADIUS and REST. In order, each refusal before any later work: the user's
 * request throttle, the directory account (exists, enabled, eligible), the active token, its
 * failure counter (counted before the comparison), the code (±1 step), replay (each time
 * step once, never one at or before the last accepted, in one conditional write so two
 * instances accept a code once). Every answer is audited, never the code or the password.
 */
export class ValidationService implements Validator {
  private readonly lockout: TokenLockout;
  private readonly passwordThrottle: PasswordThrottle;
  private readonly temporary: TemporaryAccessCheck;

  constructor(private readonly deps: ValidationDeps) {
    this.lockout = new TokenLockout(deps.tokens, deps.policy);
    this.passwordThrottle = new PasswordThrottle(deps.rates, deps.passwordChecks);
    this.temporary = new TemporaryAccessCheck(deps.temporaryAccess, deps.secrets, deps.temporaryAccessPolicy);
  }

  checkCode(attempt: LoginAttempt, code: string): Promise<ValidationOutcome> {
    return this.answer(attempt, async (parsed, now) => {
      const user = await this.account(parsed);
      if ("reason" in user) return user;
      return this.codeDecision(user, code, now);
    });
  }

  async checkPasswordAndCode(attempt: LoginAttempt, password: string, code: string): Promise<ValidationOutcome> {
    const outcome = await this.answer(attempt, async (parsed, now) => {
      const user = await this.passwordChecked(parsed, password, now);
      return "reason" in user ? user : this.codeDecision(user, code, now);
    });
    return HIDDEN_IN_PASSWORD_AND_CODE.has(outcome.reason) ? { ok: false, reason: "wrongPasswordOrCode" } : outcome;
  }

  async startChallenge(attempt: LoginAttempt, password: string): Promise<ChallengeStart> {
    let state = "";
    const outcome = await this.answer(
      attempt,
      async (parsed, now) => {
        const user = await this.passwordChecked(parsed, password, now);
        if ("reason" in user) return user;
        if (!(await this.deps.tokens.findActive(user.loginName))) return refuse(user.upn, "noToken", { round: "password" });
        state = randomBytes(18).toString("base64url");
        const expiresAt = new Date(now.getTime() + this.deps.policy.challengeSeconds * 1000);
        await this.deps.challenges.create({
          stateHash: stateHash(state),
          loginName: user.loginName.toLowerCase(),
          client: attempt.client,
          expiresAt,
        });
        return { ok: true, reason: "ok", subject: user.upn, detail: { round: "password" } };
      },
      "login.password",
    );
    return outcome.ok ? { ok: true, state } : { ok: false, reason: outcome.reason };
  }

  answerChallenge(attempt: LoginAttempt, state: string, code: string): Promise<ValidationOutcome> {
    return this.answer(attempt, async (parsed, now) => {
      // Any answer consumes the State, right or wrong: a second try needs the password again.
      const pending = typeof state === "string" && state.length <= 64 ? await this.deps.challenges.consume(stateHash(state), now) : null;
      const user = await this.account(parsed);
      if ("reason" in user) return user;
      if (!pending || pending.loginName !== user.loginName.toLowerCase() || pending.client !== attempt.client) {
        return refuse(user.upn, "challengeExpired");
      }
      return this.codeDecision(user, code, now);
    });
  }

  /** The throttle, the parse and the audit around every question. */
  private async answer(
    attempt: LoginAttempt,
    decide: (parsed: ParsedUserName, now: Date) => Promise<Decision>,
    action = AUDIT_ACTION,
  ): Promise<ValidationOutcome> {
    const now = this.deps.clock.now();
    const parsed = parseUserName(attempt.userName);
    let decision: Decision;
    if (!parsed) decision = refuse("unknown", "badRequest");
    else if (!(await this.admitRequest(parsed, now))) decision = refuse(parsed.value, "throttled");
    else decision = await decide(parsed, now);
    await this.deps.audit.append({
      at: now,
      subject: decision.subject,
      actor: attempt.channel === "radius" ? `radius:${attempt.client}` : attempt.client,
      action,
      outcome: decision.ok ? "ok" : "refused",
      // Object.assign, not a spread: see the comment in radius-server.ts's respond.
      detail: Object.assign({ reason: decision.reason, channel: attempt.channel, client: attempt.client }, decision.detail),
    });
    return { ok: decision.ok, reason: decision.reason };
  }

  /**
   * The user's request throttle, counted before any other work in one atomic write: a
   * window of a minute opens at the first request and admits `userMaxPerMinute`.
   */
  private async admitRequest(parsed: ParsedUserName, now: Date): Promise<boolean> {
    return (await this.deps.rates.hit(validationUserRateKey(parsed.value), now, MINUTE_MS)) <= this.deps.policy.userMaxPerMinute;
  }

  /** The directory account, if it may log in (as at enrollment: enabled, not locked out, eligible). */
  private async account(parsed: ParsedUserName): Promise<DirectoryUser | Decision> {
    const user = await this.found(parsed);
    return "reason" in user || !user.problem ? user : refuse(user.upn, problemReason[user.problem]);
  }

  /** The directory account the name denotes (UPN in lower case, as the audit trail keys it), or "unknown user". */
  private async found(parsed: ParsedUserName): Promise<DirectoryUser | Decision> {
    const user = await findLoginUser(this.deps.directory, parsed);
    // Object.assign, not a spread: see the comment in radius-server.ts's respond.
    return user ? Object.assign({}, user, { upn: user.upn.toLowerCase() }) : refuse(parsed.value, "unknownUser");
  }

  /**
   * password+otp and challenge: the account, proven by its AD password before anything about
   * it is told (disabled, not eligible, no token): a caller without the password learns
   * only "wrong password".
   */
  private async passwordChecked(parsed: ParsedUserName, password: string, now: Date): Promise<DirectoryUser | Decision> {
    const user = await this.found(parsed);
    if ("reason" in user) return user;
    const refused = await this.passwordRefusal(user, password, now);
    if (refused) return refused;
    return user.problem ? refuse(user.upn, problemReason[user.problem]) : user;
  }

  /** The AD password, through the enrollment's throttle and bind. */
  private async passwordRefusal(user: DirectoryUser, password: string, now: Date): Promise<Decision | null> {
    if (typeof password !== "string" || password === "" || password.length > 512) return refuse(user.upn, "wrongPassword");
    const verdict = await this.passwordThrottle.admit(user.upn, now);
    if (!verdict.ok) return refuse(user.upn, "throttled", { check: "password" });
    const check = await this.deps.directory.verifyPassword(user, password);
    if (check.ok) return null;
    return refuse(user.upn, check.reason === "invalidCredentials" ? "wrongPassword" : problemReason[check.reason]);
  }

  private async codeDecision(user: DirectoryUser, input: string, now: Date): Promise<Decision> {
    const temporaryCode = normaliseTemporaryCode(input);
    if (temporaryCode) {
      const verdict = await this.temporary.check(user.loginName, temporaryCode, now);
      return verdict.reason === "ok"
        ? { ok: true, reason: "ok", subject: user.upn, detail: verdict.detail }
        : refuse(user.upn, verdict.reason, verdict.detail);
    }
    const code = normaliseCode(input);
    // Not six digits: nothing to compare, so nothing is counted against the token.
    if (!code)
      return (await this.deps.tokens.findActive(user.loginName))
        ? refuse(user.upn, "wrongCode", { format: false })
        : refuse(user.upn, "noToken");
    const tries = await this.lockout.admit(user.loginName, now);
    if (!tries) return refuse(user.upn, "noToken");
    if (!tries.admitted) return refuse(user.upn, "locked", { lockedUntil: tries.lockedUntil.toISOString() });
    const { token } = tries;
    // A step not yet used is preferred within the accepted window: its six digits may be those of the used one too.
    const match = this.deps.totp.match(this.deps.secrets.open(token.secretSealed), code, now, this.deps.policy.clockDriftMaxSteps, {
      after: token.lastTimeStep,
      within: ACCEPTED_STEPS,
    });
    let refused: Decision | null = null;
    if (!match) refused = refuse(user.upn, "wrongCode");
    else if (Math.abs(match.delta) > ACCEPTED_STEPS) refused = refuse(user.upn, "wrongCode", { driftSteps: match.delta });
    else if (match.timeStep <= token.lastTimeStep || !(await this.deps.tokens.advanceTimeStep(token.id, match.timeStep, now))) {
      refused = refuse(user.upn, "replay");
    }
    if (!refused) {
      // advanceTimeStep recorded now as the last use and started the count of tries afresh.
      return { ok: true, reason: "ok", subject: user.upn, detail: match && match.delta !== 0 ? { driftSteps: match.delta } : undefined };
    }
    if (tries.remaining === 0) {
      const until = await this.lockout.lock(token.id, now);
      refused.detail = { ...refused.detail, lockedUntil: until.toISOString() };
      await this.deps.notices.enqueue({
        id: randomUUID(),
        upn: user.upn,
        key: "notice.tokenLocked",
        params: { time: localTime(until) },
        createdAt: now,
      });
    }
    return refused;
  }
}

/** The State is stored only hashed: reading the database does not let anyone answer a challenge. */
function stateHash(state: string): string {
  return createHash("sha256").update(state).digest("hex");
}
