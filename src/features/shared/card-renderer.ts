import { readFileSync } from "node:fs";
import { sep } from "node:path";
import * as ACData from "adaptivecards-templating";
import QRCode from "qrcode";
import { findAssetDir } from "../../config/asset-dir.js";
import { catalog, t, type Locale, type MessageKey } from "../../i18n/messages.js";
import type { StepView } from "../enrollment/step-view.js";
import type { Notice } from "../../ports/notice.js";
import { loginSteps, type LoginMode } from "../../i18n/login-steps.js";
import { cardParams, cardT, type ParamKind, type Params } from "./card-text.js";

export const cardsDir = findAssetDir("cards", "welcome.json") + sep;
export const ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive";

export type CardJson = Record<string, unknown>;
const templates = new Map<string, ACData.Template>();

function template(name: string): ACData.Template {
  let cached = templates.get(name);
  if (!cached) {
    cached = new ACData.Template(JSON.parse(readFileSync(`${cardsDir}${name}.json`, "utf8")));
    templates.set(name, cached);
  }
  return cached;
}

/**
 * The catalog as `s.welcome_title`, placeholders filled: templates cannot call functions.
 * The values are made inert Markdown (cardParams: people's text unless `kinds` says otherwise).
 */
export function strings(locale: Locale, params: Params, kinds?: Partial<Record<string, ParamKind>>): Record<string, string> {
  const inert = cardParams(params, kinds);
  const out: Record<string, string> = {};
  for (const key of Object.keys(catalog(locale)) as MessageKey[]) out[key.replace(/\./g, "_")] = t(locale, key, inert);
  return out;
}

/** A refusal or confirmation on a card; its placeholders' values are made inert (device names, …). */
export function noticeData(locale: Locale, notice?: Notice): { text: string; color: string } | null {
  if (!notice) return null;
  return { text: cardT(locale, notice.key, notice.params), color: notice.kind === "refusal" ? "Attention" : "Accent" };
}

/** Expands a card template; every value the templates use must be present (tests check no `${` is left). */
export function expandCard(name: string, data: Record<string, unknown>): CardJson {
  return template(name).expand({ $root: data }) as CardJson;
}

/** The card for the step the user is on. The QR is rendered here as a PNG data: URI. */
export interface HelpSection {
  id: string;
  title: string;
  body: string;
}

/** What the step cards say about this installation. */
export interface StepCardSettings {
  citrixUrl: string;
  smsCodeTtlSeconds: number;
  /** How the Citrix login asks for the code (RADIUS_MODE): the done card says so. */
  loginMode: LoginMode;
}

export async function renderStepCard(view: StepView, settings: StepCardSettings, help?: HelpSection): Promise<CardJson> {
  const params = {
    loginSteps: loginSteps(view.locale, settings.loginMode, settings.citrixUrl),
    mobile: view.maskedMobile ?? "",
    minutes: Math.round(settings.smsCodeTtlSeconds / 60),
    device: view.deviceName ?? "",
    citrixUrl: settings.citrixUrl,
    label: view.qr?.label ?? "",
    issuer: view.qr?.issuer ?? "",
  };
  const data: Record<string, unknown> = {
    // The Citrix address (configuration) and the login steps (catalog text with it) stay as they are; the masked number is the bot's own format of a normalised number.
    s: strings(view.locale, params, { citrixUrl: "trusted", loginSteps: "trusted", mobile: "trusted", label: "identifier", issuer: "identifier" }),
    flowId: view.flowId,
    notice: noticeData(view.locale, view.notice),
    username: view.username ?? "",
    deviceSuggestion: view.deviceSuggestion ?? "",
    help: help ?? null,
  };
  if (view.step === "qr" && view.qr) {
    data.qrImage = await QRCode.toDataURL(view.qr.uri, { errorCorrectionLevel: "M", margin: 2, scale: 5 });
    data.manualKey = view.qr.secret.replace(/(.{4})(?=.)/g, "$1 ");
  }
  const name = view.step === "qr" && !view.qr ? "cancelled" : view.step;
  return expandCard(name, data);
}

/**
 * The QR step as a new chat message (a resumed enrollment): no QR and no key, only a button
 * that shows them in the card itself, so they never stay in the chat history.
 */
export function renderQrResumeCard(view: StepView): CardJson {
  return expandCard("qr-resume", { s: strings(view.locale, {}), flowId: view.flowId, notice: noticeData(view.locale, view.notice) });
}

/** A card with one text: a refusal or confirmation with no step or article to show it on. */
export function noticeCard(locale: Locale, notice: Notice): CardJson {
  const { text, color } = noticeData(locale, notice)!;
  return { type: "AdaptiveCard", version: "1.5", body: [{ type: "TextBlock", text, wrap: true, color }] };
}
