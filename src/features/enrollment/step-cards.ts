import { LRUCache } from "lru-cache";
import { loginSteps, type LoginMode } from "../../i18n/login-steps.js";
import { localTime } from "../../i18n/local-time.js";
import { locales, type Locale } from "../../i18n/messages.js";
import { expandCard, noticeData, strings, type CardJson } from "../shared/card-renderer.js";
import type { QrImages } from "../../ports/qr-images.js";
import type { StepView } from "./step-view.js";
import { enrollmentSteps } from "./steps.js";

export interface HelpSection {
  id: string;
  title: string;
  body: string;
}

/** What the step cards say about this installation, and what draws their QR. */
export interface StepCardSettings {
  citrixUrl: string;
  smsCodeTtlSeconds: number;
  /** How the Citrix login asks for the code (RADIUS_MODE): the done card says so. */
  loginMode: LoginMode;
  /** Draws the QR step's PNG (on a worker thread in the bot: src/adapters/qr/worker-qr-images.ts). */
  qrImages: QrImages;
}

/** The login steps of each language and installation (the same text at every step card): filled in once. */
const filledLoginSteps = new LRUCache<string, string>({ max: 100 });

function loginStepsOf(locale: Locale, settings: StepCardSettings): string {
  const key = `${locale}\n${settings.loginMode}\n${settings.citrixUrl}`;
  let text = filledLoginSteps.get(key);
  if (text === undefined) filledLoginSteps.set(key, (text = loginSteps(locale, settings.loginMode, settings.citrixUrl)));
  return text;
}

/** The card for the step the user is on. The QR is drawn as a PNG data: URI. */
export async function renderStepCard(view: StepView, settings: StepCardSettings, help?: HelpSection): Promise<CardJson> {
  const params = {
    loginSteps: loginStepsOf(view.locale, settings),
    mobile: view.maskedMobile ?? "",
    minutes: Math.round(settings.smsCodeTtlSeconds / 60),
    device: view.deviceName ?? "",
    citrixUrl: settings.citrixUrl,
    label: view.qr?.label ?? "",
    issuer: view.qr?.issuer ?? "",
    sentAt: view.smsSentAt ? localTime(view.smsSentAt) : "",
  };
  const data: Record<string, unknown> = {
    // The Citrix address (configuration) and the login steps (catalog text with it) stay as they are; the masked number is the bot's own format of a normalised number.
    s: strings(view.locale, params, {
      citrixUrl: "trusted",
      loginSteps: "trusted",
      mobile: "trusted",
      label: "identifier",
      issuer: "identifier",
      sentAt: "trusted",
    }),
    flowId: view.flowId,
    notice: noticeData(view.locale, view.notice),
    username: view.username ?? "",
    deviceSuggestion: view.deviceSuggestion ?? "",
    help: help ?? null,
    smsSent: view.smsSentAt !== undefined,
    canResend: !view.resendBlocked,
    otherLocale: locales.find((locale) => locale !== view.locale) ?? view.locale,
  };
  if (view.step === "qr" && view.qr) {
    data.qrImage = await settings.qrImages.pngDataUri(view.qr.uri);
    data.manualKey = view.qr.secret.replace(/(.{4})(?=.)/g, "$1 ");
  }
  // A QR step without its secret (the flow is gone) shows as cancelled rather than an empty QR.
  return expandCard(enrollmentSteps[view.step === "qr" && !view.qr ? "cancelled" : view.step].card, data, { reuse: true });
}

/**
 * The QR step as a new chat message (a resumed enrollment): no QR and no key, only a button
 * that shows them in the card itself, so they never stay in the chat history.
 */
export function renderQrResumeCard(view: StepView): CardJson {
  const data = { s: strings(view.locale, {}), flowId: view.flowId, notice: noticeData(view.locale, view.notice) };
  return expandCard("qr-resume", data, { reuse: true });
}

/** What replaces a QR card left in the chat once its flow has moved on, expired or been cancelled: no QR, no key. */
export function renderQrExpiredCard(locale: Locale): CardJson {
  return expandCard("qr-expired", { s: strings(locale, {}) }, { reuse: true });
}
