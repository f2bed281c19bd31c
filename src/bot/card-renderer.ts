import { existsSync, readFileSync } from "node:fs";
import { dirname, join, sep } from "node:path";
import { fileURLToPath } from "node:url";
import * as ACData from "adaptivecards-templating";
import QRCode from "qrcode";
import { catalog, t, type Locale, type MessageKey } from "../i18n/messages.js";
import type { Notice, StepView } from "../domain/step-view.js";

/** The repository's cards/ folder, found upwards from this file (works from src/ and dist/). */
function findCardsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "cards", "welcome.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error("The cards/ folder with the Adaptive Card templates was not found.");
    dir = parent;
  }
  return join(dir, "cards") + sep;
}

export const cardsDir = findCardsDir();
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

/** The catalog as `s.welcome_title`, placeholders filled: templates cannot call functions. */
export function strings(locale: Locale, params: Record<string, string | number>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(catalog(locale)) as MessageKey[]) out[key.replace(/\./g, "_")] = t(locale, key, params);
  return out;
}

export function noticeData(locale: Locale, notice?: Notice): { text: string; color: string } | null {
  if (!notice) return null;
  return { text: t(locale, notice.key, notice.params), color: notice.kind === "refusal" ? "Attention" : "Accent" };
}

/** Expands a card template; every value the templates use must be present (tests check no `${` is left). */
export function expandCard(name: string, data: Record<string, unknown>): CardJson {
  return template(name).expand({ $root: data }) as CardJson;
}

/** The card for the step the user is on. The QR is rendered here as a PNG data: URI. */
export async function renderStepCard(view: StepView, settings: { citrixUrl: string; smsCodeTtlSeconds: number }): Promise<CardJson> {
  const params = {
    mobile: view.maskedMobile ?? "",
    minutes: Math.round(settings.smsCodeTtlSeconds / 60),
    device: view.deviceName ?? "",
    citrixUrl: settings.citrixUrl,
    label: view.qr?.label ?? "",
    issuer: view.qr?.issuer ?? "",
  };
  const data: Record<string, unknown> = {
    s: strings(view.locale, params),
    flowId: view.flowId,
    notice: noticeData(view.locale, view.notice),
    username: view.username ?? "",
    deviceSuggestion: view.deviceSuggestion ?? "",
  };
  if (view.step === "qr" && view.qr) {
    data.qrImage = await QRCode.toDataURL(view.qr.uri, { errorCorrectionLevel: "M", margin: 2, scale: 5 });
    data.manualKey = view.qr.secret.replace(/(.{4})(?=.)/g, "$1 ");
  }
  const name = view.step === "qr" && !view.qr ? "cancelled" : view.step;
  return expandCard(name, data);
}
