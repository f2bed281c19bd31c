import type { Clock } from "../../ports/clock.js";
import type { AuditLog, AuditOutcome, EnrollmentStore, NewToken } from "../../ports/stores.js";
import { forStorage } from "./enrollment-state.js";
import type { EnrollmentState } from "../../ports/enrollment-state.js";
import { ConcurrentUpdateError, DirectoryUnavailableError } from "../shared/errors.js";
import type { Notice } from "../../ports/notice.js";
import type { Caller } from "../../ports/caller.js";

export interface AuditNote {
  action: string;
  outcome: AuditOutcome;
  detail?: Record<string, string | number | boolean>;
}

/** What a handler decided. `state` undefined means: change nothing. */
export interface Transition {
  state?: EnrollmentState;
  notice?: Notice;
  audit?: AuditNote[];
  /**
   * Audited even when another save won the race: what happened outside the state anyway
   * (a password check that reached the directory).
   */
  auditIfLost?: AuditNote[];
  activate?: NewToken;
  /**
   * Side effects that must happen once, so only after the save won the race (one SMS even
   * when the same card is submitted twice). May return a follow-up state and notice.
   */
  afterSave?: (saved: EnrollmentState) => Promise<{ state?: EnrollmentState; notice?: Notice } | void>;
}

export interface Loaded {
  state: EnrollmentState | null;
  version: number | null;
}

export type Handler = (loaded: Loaded, now: Date) => Promise<Transition>;

/**
 * Runs one user action as load → decide → compare-and-set save → audit → side effects.
 * A lost race changes nothing and shows the winner's state.
 */
export class FlowEngine {
  constructor(
    private readonly enrollments: EnrollmentStore,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  async run(caller: Caller, handler: Handler): Promise<{ state: EnrollmentState | null; notice?: Notice }> {
    const now = this.clock.now();
    const record = await this.enrollments.load(caller.userKey);
    const loaded: Loaded = { state: record?.value ?? null, version: record?.version ?? null };
    let transition: Transition;
    try {
      transition = await handler(loaded, now);
    } catch (error) {
      if (!(error instanceof DirectoryUnavailableError)) throw error;
      await this.append(caller.upn, now, [{ action: "directory.unavailable", outcome: "error" }]);
      return { state: loaded.state, notice: { key: "error.directoryUnavailable", kind: "refusal" } };
    }
    if (!transition.state) {
      await this.append(caller.upn, now, transition.audit ?? []);
      return { state: loaded.state, notice: transition.notice };
    }
    const next = forStorage({ ...transition.state, updatedAt: now.toISOString() });
    let version: number;
    try {
      version = await this.enrollments.save(caller.userKey, next, loaded.version, transition.activate);
    } catch (error) {
      if (!(error instanceof ConcurrentUpdateError)) throw error;
      await this.append(caller.upn, now, transition.auditIfLost ?? []);
      const winner = await this.enrollments.load(caller.userKey);
      return { state: winner?.value ?? null, notice: { key: "info.alreadyHandled", kind: "info" } };
    }
    await this.append(caller.upn, now, transition.audit ?? []);
    const followUp = transition.afterSave ? await transition.afterSave(next) : undefined;
    if (followUp?.state) {
      const stored = forStorage(followUp.state);
      await this.enrollments.save(caller.userKey, stored, version);
      return { state: stored, notice: followUp.notice };
    }
    return { state: next, notice: followUp?.notice ?? transition.notice };
  }

  /** Audit events the user caused about themselves. */
  async append(upn: string, at: Date, notes: AuditNote[]): Promise<void> {
    for (const note of notes) {
      await this.audit.append({ at, subject: upn, actor: upn, ...note });
    }
  }
}
