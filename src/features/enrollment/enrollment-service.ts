import { randomUUID } from "node:crypto";
import type { Clock } from "../../ports/clock.js";
import type { Directory } from "../../ports/directory.js";
import type { SecretBox } from "../../ports/secret-box.js";
import type { SmsSender } from "../../ports/sms-sender.js";
import type { AuditLog, EnrollmentStore, RateCounter, TokenStore } from "../../ports/stores.js";
import type { Totp } from "../../ports/totp.js";
import { t } from "../../i18n/messages.js";
import { normaliseCode } from "../shared/codes.js";
import type { EnrollmentPolicy } from "./enrollment-policy.js";
import type { EnrollmentStep } from "../../ports/enrollment-state.js";
import type { EnrollmentState } from "../../ports/enrollment-state.js";
import { FlowEngine, type Loaded, type Transition } from "./flow-engine.js";
import { inProgressSteps } from "./steps.js";
import { foreignFlowAudit, foreignFlowView, notYourEnrollment, ownedBy } from "./flow-owner.js";
import { checkIdentity } from "./identity-check.js";
import { AttemptLimit } from "../shared/attempt-limit.js";
import { PasswordThrottle } from "./password-throttle.js";
import { confirmTryRateKey } from "../shared/rate-keys.js";
import { SmsChallenges } from "./sms-challenges.js";
import type { StepView } from "./step-view.js";
import type { Notice } from "../../ports/notice.js";
import type { Caller } from "../../ports/caller.js";
import { confirmFirstCode } from "./totp-confirmation.js";
import { buildStepView, idleTooLong } from "./step-views.js";
import { SmsDeliveryError } from "../shared/errors.js";
import type { EmployeeNoticeOutbox } from "../../ports/employee-notices.js";
import type { TemporaryAccessStore } from "../../ports/temporary-access.js";
import { localDateTime } from "../../i18n/local-time.js";
import { DEVICE_NAME } from "./device-name.js";

export interface EnrollmentDeps {
  directory: Directory;
  sms: SmsSender;
  secrets: SecretBox;
  totp: Totp;
  enrollments: EnrollmentStore;
  tokens: TokenStore;
  rates: RateCounter;
  audit: AuditLog;
  clock: Clock;
  policy: EnrollmentPolicy;
  /** A new token ends the employee's helpdesk temporary access code. */
  temporaryAccess: Pick<TemporaryAccessStore, "end">;
  /** "A new authenticator was registered" in the employee's Teams chat. */
  notices: Pick<EmployeeNoticeOutbox, "enqueue">;
}

/** The identity card's username field is at most 256 characters long. */
const MAX_USERNAME_ECHO = 256;
/** A flow's first-code tries are counted for a day (a flow that long idle has expired anyway). */
const CONFIRM_TRIES_WINDOW_MS = 24 * 3_600_000;
const refusal = (key: Notice["key"], params?: Notice["params"]): Notice => ({ key, params, kind: "refusal" });

/**
 * The enrollment journey of the customer's guide as a state machine: welcome → identity
 * (AD password) → SMS code → device name → QR → first code → done. Each public method is
 * one button of the cards; every input is validated here and a refused one changes nothing.
 */
export class EnrollmentService {
  private readonly engine: FlowEngine;
  private readonly challenges: SmsChallenges;
  private readonly passwordThrottle: PasswordThrottle;
  private readonly confirmTries: AttemptLimit;

  constructor(private readonly deps: EnrollmentDeps) {
    this.engine = new FlowEngine(deps.enrollments, deps.audit, deps.clock);
    this.challenges = new SmsChallenges(deps.rates, deps.secrets, deps.policy);
    this.passwordThrottle = new PasswordThrottle(deps.rates, deps.policy);
    this.confirmTries = new AttemptLimit(deps.rates, { max: deps.policy.confirmMaxFailures, windowMs: CONFIRM_TRIES_WINDOW_MS });
  }

  /** A greeting: continue an enrollment in progress, or show the welcome card. */
  async greet(caller: Caller): Promise<StepView> {
    const result = await this.engine.run(caller, async ({ state }, now) => {
      if (state && !ownedBy(caller, state)) return { notice: notYourEnrollment, audit: [foreignFlowAudit(state)] };
      if (state && inProgressSteps.includes(state.step) && !idleTooLong(this.deps.policy, state, now)) {
        return { notice: { key: "info.resumed", kind: "info" } };
      }
      // Already at a welcome in this language: nothing to write (a fresh one would differ only in its ids and times).
      if (state?.step === "welcome" && state.locale === caller.locale) return {};
      return { state: this.freshFlow(caller, state, "welcome", now) };
    });
    return this.view(caller, result);
  }

  /** "Start" / "Start over": a new flow at the identity step (the limits of the caller's own flow carry over). */
  async start(caller: Caller): Promise<StepView> {
    const result = await this.engine.run(caller, async ({ state }, now) => {
      // Another UPN's flow under this key is discarded, not continued: nothing of it (limits included) carries over.
      const own = state && ownedBy(caller, state) ? state : null;
      const next = this.freshFlow(caller, own, "identity", now);
      const account = await this.deps.directory.findByUpn(caller.upn);
      const active = account ? await this.deps.tokens.findActive(account.loginName.toLowerCase()) : null;
      next.reEnrollment = active !== null;
      next.loginHint = account?.loginName;
      return {
        state: next,
        notice: active ? { key: "info.reEnrollment", kind: "info" } : undefined,
        audit: [
          ...(state && !own ? [foreignFlowAudit(state)] : []),
          { action: "enroll.started", outcome: "ok", detail: { reEnrollment: next.reEnrollment } },
        ],
      };
    });
    return this.view(caller, result);
  }

  async submitIdentity(caller: Caller, flowId: unknown, username: unknown, password: unknown): Promise<StepView> {
    const view = await this.step(caller, flowId, "identity", async (state, now) => {
      if (state.passwordBlockedUntil && Date.parse(state.passwordBlockedUntil) > now.getTime()) {
        const minutes = Math.ceil((Date.parse(state.passwordBlockedUntil) - now.getTime()) / 60_000);
        return { notice: refusal("error.passwordBlocked", { minutes }) };
      }
      const gate = async () => {
        const verdict = await this.passwordThrottle.admit(caller.upn, now);
        return verdict.ok ? null : { minutes: verdict.minutes };
      };
      const result = await checkIdentity(this.deps.directory, caller.upn, username, password, gate);
      if (!result.ok) {
        if (result.kind === "badInput") return { notice: refusal(result.key) };
        const audit = [{ action: "enroll.identity", outcome: "refused" as const, detail: { reason: result.reason } }];
        // No bind happened; the state is left alone (a burst would only collide on it).
        if (result.kind === "throttled") return { notice: refusal(result.key, { minutes: result.minutes }), audit };
        if (result.kind === "refused") return { notice: refusal(result.key), audit, state: { ...state, lastError: result.key } };
        // A wrong password that reached the bind is audited even when a concurrent submit saved first.
        return { ...this.passwordFailure(state, result.key, now), audit, auditIfLost: audit };
      }
      const { user } = result;
      const next: EnrollmentState = {
        ...state,
        passwordFailures: 0,
        passwordBlockedUntil: undefined,
        account: { id: user.id, loginName: user.loginName, displayName: user.displayName, givenName: user.givenName, mobile: user.mobile },
      };
      const audit = [{ action: "enroll.identity", outcome: "ok" as const }];
      if (!user.mobile) {
        return {
          state: { ...next, lastError: "error.noMobile" },
          notice: refusal("error.noMobile"),
          audit: [...audit, { action: "enroll.sms", outcome: "refused", detail: { reason: "noMobile" } }],
        };
      }
      return this.sendCode({ ...next, step: "sms" }, now, audit);
    });
    // A refused identity card keeps what the user typed as username (never the password).
    if (view.step === "identity" && typeof username === "string" && username.length <= MAX_USERNAME_ECHO) view.username = username.trim();
    return view;
  }

  async resendSms(caller: Caller, flowId: unknown): Promise<StepView> {
    return this.step(caller, flowId, "sms", async (state, now) => {
      const transition = await this.sendCode(state, now, []);
      return transition.notice ? transition : { ...transition, notice: { key: "info.smsResent", kind: "info" } };
    });
  }

  async submitSms(caller: Caller, flowId: unknown, input: unknown): Promise<StepView> {
    return this.step(caller, flowId, "sms", async (state, now) => {
      const code = normaliseCode(input);
      if (!code) return { notice: refusal("error.smsCodeFormat") };
      // Counted before it is compared (a guess whose save loses the race counted too).
      const verdict = await this.challenges.verify(state, code, now);
      if (!verdict.ok) {
        const { notice } = verdict;
        const audit = [{ action: "enroll.sms.verify", outcome: "refused" as const, detail: { reason: verdict.reason } }];
        if (!verdict.compared || !state.sms)
          return state.lastError === notice.key || notice.key === "error.smsExpired"
            ? { notice, audit }
            : { state: { ...state, lastError: notice.key }, notice, audit };
        const sms = { ...state.sms, attempts: verdict.tries ?? state.sms.attempts + 1 };
        return { state: { ...state, sms, lastError: notice.key }, notice, audit };
      }
      return {
        state: {
          ...state,
          step: "device",
          sms: undefined,
          verifiedSmsCodeHash: this.challenges.hash(state.flowId, code),
          lastError: undefined,
        },
        audit: [{ action: "enroll.sms.verify", outcome: "ok" }],
      };
    });
  }

  async submitDevice(caller: Caller, flowId: unknown, input: unknown): Promise<StepView> {
    const view = await this.step(caller, flowId, "device", async (state, now) => {
      const deviceName = typeof input === "string" ? input.trim().normalize("NFC") : "";
      if (!DEVICE_NAME.test(deviceName)) return { notice: refusal("error.deviceNameInvalid") };
      const secret = this.deps.totp.generateSecret();
      return {
        state: {
          ...state,
          step: "qr",
          deviceName,
          pendingSecret: this.deps.secrets.seal(secret),
          qrShownAt: now.toISOString(),
          confirmFailures: 0,
        },
        audit: [{ action: "enroll.qr.shown", outcome: "ok", detail: { deviceName } }],
      };
    });
    // A refused name stays in the field as typed, so the user corrects it rather than starting again.
    if (view.step === "device" && view.notice?.key === "error.deviceNameInvalid" && typeof input === "string" && input.length <= 40) {
      view.deviceSuggestion = input;
    }
    return view;
  }

  async confirm(caller: Caller, flowId: unknown, input: unknown): Promise<StepView> {
    return this.step(caller, flowId, "qr", async (state, now) => {
      const code = normaliseCode(input);
      if (!code) return { notice: refusal("error.totpFormat") };
      if (!state.pendingSecret) return { notice: refusal("error.staleCard") };
      // Counted before it is compared (concurrent guesses cannot outrun the limit).
      const attempt = await this.confirmTries.admit(confirmTryRateKey(state.flowId), now);
      const transition = confirmFirstCode(this.deps, state, code, now, attempt);
      if (transition.state?.step === "identity") {
        transition.state = { ...this.freshFlow(caller, state, "identity", now), lastError: "error.totpTooMany" };
      }
      if (transition.activate) transition.afterSave = () => this.afterActivation(caller, state, now);
      return transition;
    });
  }

  async cancel(caller: Caller, flowId: unknown): Promise<StepView> {
    return this.step(caller, flowId, [...inProgressSteps], async (state) => ({
      state: { ...state, step: "cancelled", sms: undefined, pendingSecret: undefined, verifiedSmsCodeHash: undefined, account: undefined },
      audit: [{ action: "enroll.cancelled", outcome: "ok", detail: { atStep: state.step } }],
    }));
  }

  /**
   * The current card, e.g. for a command the bot does not understand. Changes nothing; an
   * idle flow is shown as expired (the welcome card with "session expired", the secret is
   * not opened) and is really expired by the next step action or greeting.
   */
  async current(caller: Caller): Promise<StepView | null> {
    const record = await this.deps.enrollments.load(caller.userKey);
    if (record && !ownedBy(caller, record.value)) {
      await this.engine.append(caller.upn, this.deps.clock.now(), [foreignFlowAudit(record.value)]);
      return foreignFlowView(caller);
    }
    return record ? this.view(caller, { state: record.value }) : null;
  }

  /** Guards every card action: the caller's own flow, right flow, right step, not idle too long. */
  private async step(
    caller: Caller,
    flowId: unknown,
    expected: EnrollmentStep | EnrollmentStep[],
    handler: (state: EnrollmentState, now: Date) => Promise<Transition>,
  ): Promise<StepView> {
    const steps = Array.isArray(expected) ? expected : [expected];
    const result = await this.engine.run(caller, async ({ state }: Loaded, now) => {
      // Before the flow id: another UPN's flow is refused and audited whatever card was pressed.
      if (state && !ownedBy(caller, state)) return { notice: notYourEnrollment, audit: [foreignFlowAudit(state)] };
      if (!state || typeof flowId !== "string" || flowId !== state.flowId) return { notice: refusal("error.staleCard") };
      if (idleTooLong(this.deps.policy, state, now)) {
        return {
          state: this.freshFlow(caller, state, "welcome", now),
          notice: refusal("error.sessionExpired"),
          audit: [{ action: "enroll.expired", outcome: "refused", detail: { atStep: state.step } }],
        };
      }
      if (!steps.includes(state.step)) return { notice: { key: "info.alreadyHandled", kind: "info" } };
      return handler({ ...state, locale: caller.locale }, now);
    });
    return this.view(caller, result);
  }

  private async sendCode(state: EnrollmentState, now: Date, audit: NonNullable<Transition["audit"]>): Promise<Transition> {
    const refused = await this.challenges.quotaRefusal(state, now);
    if (refused)
      return {
        state: { ...state, lastError: refused.key },
        notice: refused,
        audit: [...audit, { action: "enroll.sms.send", outcome: "refused", detail: { reason: refused.key } }],
      };
    const { code, challenge } = this.challenges.issue(state.flowId, now);
    const mobile = state.account?.mobile ?? "";
    return {
      state: { ...state, sms: challenge, lastSmsSentAt: now.toISOString(), lastError: undefined },
      audit,
      afterSave: async (saved) => {
        await this.challenges.recordSent(state.callerUpn, now);
        const text = t(state.locale, "smsText.code", { code, minutes: Math.round(this.deps.policy.smsCodeTtlSeconds / 60) });
        try {
          await this.deps.sms.send(mobile, text, { notAfter: new Date(challenge.expiresAt) });
          await this.engine.append(state.callerUpn, now, [{ action: "enroll.sms.sent", outcome: "ok" }]);
        } catch (error) {
          if (!(error instanceof SmsDeliveryError)) throw error;
          const detail = {
            reason: error.message,
            ...(error.status && { status: error.status }),
            ...(error.attempts && { attempts: error.attempts }),
          };
          await this.engine.append(state.callerUpn, now, [{ action: "enroll.sms.sent", outcome: "error", detail }]);
          return {
            state: { ...saved, sms: undefined, lastSmsSentAt: undefined, lastError: "error.smsSendFailed" },
            notice: refusal("error.smsSendFailed"),
          };
        }
      },
    };
  }

  /**
   * The new token is active: an open temporary access code ends (the employee has their
   * codes again), they are told in Teams, and on re-enrollment also by SMS.
   */
  private async afterActivation(caller: Caller, state: EnrollmentState, now: Date): Promise<void> {
    const loginName = state.account?.loginName.toLowerCase();
    if (loginName && (await this.deps.temporaryAccess.end(loginName, now))) {
      await this.engine.append(caller.upn, now, [{ action: "temporaryAccess.ended", outcome: "ok", detail: { reason: "enrolled" } }]);
    }
    const params = { device: state.deviceName ?? "", time: localDateTime(now) };
    await this.deps.notices.enqueue({
      id: randomUUID(),
      upn: caller.upn.toLowerCase(),
      key: "notice.newAuthenticator",
      params,
      createdAt: now,
    });
    if (state.reEnrollment) await this.noticeNewAuthenticator(caller, state, now);
  }

  /**
   * Re-enrollment: an SMS that a new authenticator replaced the old one. The flow no longer
   * stores the number (forStorage), so it is the one the directory has now. The token is
   * already active: a notice that cannot go out is audited, not an error for the user.
   */
  private async noticeNewAuthenticator(caller: Caller, state: EnrollmentState, now: Date): Promise<void> {
    const failed = (kind: string) =>
      this.engine.append(caller.upn, now, [{ action: "sms.notice.failed", outcome: "error", detail: { kind } }]);
    let to: string | undefined;
    try {
      to = state.account ? (await this.deps.directory.findByLoginName(state.account.loginName))?.mobile : undefined;
    } catch {
      return failed("directory");
    }
    if (!to) return failed("noMobile");
    const phone = this.deps.policy.helpdeskPhone;
    const params = { device: state.deviceName ?? "", time: localDateTime(now), ...(phone && { phone }) };
    const text = t(state.locale, phone ? "smsText.newAuthenticatorCall" : "smsText.newAuthenticator", params);
    await this.deps.sms.send(to, text).catch((error: unknown) => failed(error instanceof SmsDeliveryError ? "delivery" : "unexpected"));
  }

  private passwordFailure(state: EnrollmentState, key: Notice["key"], now: Date): Transition {
    const failures = state.passwordFailures + 1;
    if (failures >= this.deps.policy.passwordMaxFailures) {
      const until = new Date(now.getTime() + this.deps.policy.passwordBlockMinutes * 60_000);
      return {
        state: { ...state, passwordFailures: 0, passwordBlockedUntil: until.toISOString(), lastError: "error.passwordBlocked" },
        notice: refusal("error.passwordBlocked", { minutes: this.deps.policy.passwordBlockMinutes }),
      };
    }
    const remaining = this.deps.policy.passwordMaxFailures - failures;
    return { state: { ...state, passwordFailures: failures, lastError: key }, notice: refusal(key, { remaining }) };
  }

  /** A new flow id; the limits that must survive starting over are carried along. */
  private freshFlow(caller: Caller, previous: EnrollmentState | null, step: EnrollmentStep, now: Date): EnrollmentState {
    return {
      flowId: randomUUID(),
      step,
      locale: caller.locale,
      startedAt: now.toISOString(),
      updatedAt: now.toISOString(),
      callerUpn: caller.upn,
      passwordFailures: previous?.passwordFailures ?? 0,
      passwordBlockedUntil: previous?.passwordBlockedUntil,
      lastSmsSentAt: previous?.lastSmsSentAt,
      confirmFailures: 0,
    };
  }

  private view(caller: Caller, result: { state: EnrollmentState | null; notice?: Notice }): StepView {
    return buildStepView(this.deps, caller, result.state, this.deps.clock.now(), result.notice);
  }
}
