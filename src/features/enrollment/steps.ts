import type { MessageKey } from "../../i18n/messages.js";
import type { EnrollmentState, EnrollmentStep } from "../../ports/enrollment-state.js";

/** A QR card left this long without a working code suggests the scan is the problem. */
const QR_STUCK_MS = 3 * 60_000;

/** Everything the bot knows about one enrollment step, apart from its transition (enrollment-service.ts). */
export interface StepEntry {
  /** The card template: cards/<card>.json. */
  readonly card: string;
  /** Unfinished: the flow expires after ENROLLMENT_IDLE_MINUTES, and its buttons act on it. */
  readonly inProgress: boolean;
  /** Knowledge articles may belong to it (front matter `step:`), for contextual help there. */
  readonly hasArticles: boolean;
  /** How the helpdesk's ticket card names it. */
  readonly helpdeskWording: MessageKey;
  /** The article to offer when the user seems stuck here without any refusal (contextual-help.ts). */
  readonly stuckHelp?: (state: EnrollmentState, now: Date) => string | undefined;
}

/**
 * The enrollment's steps, in order: one entry each. A new step is a name in the stored
 * state's EnrollmentStep (src/ports/enrollment-state.ts: the compiler then asks for its
 * entry here), its card template and texts, and its transition in enrollment-service.ts.
 */
export const enrollmentSteps = {
  welcome: { card: "welcome", inProgress: false, hasArticles: false, helpdeskWording: "helpdesk.card.stepWelcome" },
  identity: { card: "identity", inProgress: true, hasArticles: true, helpdeskWording: "helpdesk.card.stepIdentity" },
  sms: { card: "sms", inProgress: true, hasArticles: true, helpdeskWording: "helpdesk.card.stepSms" },
  device: { card: "device", inProgress: true, hasArticles: true, helpdeskWording: "helpdesk.card.stepDevice" },
  qr: {
    card: "qr",
    inProgress: true,
    hasArticles: true,
    helpdeskWording: "helpdesk.card.stepQr",
    stuckHelp: (state, now) => (state.qrShownAt && now.getTime() - Date.parse(state.qrShownAt) >= QR_STUCK_MS ? "qr-scan" : undefined),
  },
  done: { card: "done", inProgress: false, hasArticles: true, helpdeskWording: "helpdesk.card.stepDone" },
  cancelled: { card: "cancelled", inProgress: false, hasArticles: false, helpdeskWording: "helpdesk.card.stepCancelled" },
} as const satisfies Record<EnrollmentStep, StepEntry>;

type Steps = typeof enrollmentSteps;
const stepNames = Object.keys(enrollmentSteps) as EnrollmentStep[];

/** The unfinished steps: a flow there can idle out, and its buttons act on it. */
export const inProgressSteps: readonly EnrollmentStep[] = stepNames.filter((step) => enrollmentSteps[step].inProgress);

/** The steps a knowledge article can belong to. */
export type KnowledgeStep = { [S in keyof Steps]: Steps[S]["hasArticles"] extends true ? S : never }[keyof Steps];
export const knowledgeSteps = stepNames.filter((step): step is KnowledgeStep => enrollmentSteps[step].hasArticles) as [
  KnowledgeStep,
  ...KnowledgeStep[],
];

/** The entry of a step as stored (a ticket's copy may predate a rename): undefined for a name no step has. */
export function stepEntry(step: string | undefined): StepEntry | undefined {
  return step !== undefined && Object.hasOwn(enrollmentSteps, step) ? enrollmentSteps[step as EnrollmentStep] : undefined;
}
