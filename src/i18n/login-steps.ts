import type { RadiusMode as LoginMode } from "../radius/login-modes.js";
import { t, type Locale, type MessageKey } from "./messages.js";

export type { LoginMode };

const keys: Record<LoginMode, MessageKey> = { otp: "login.otp", "password+otp": "login.passwordOtp", challenge: "login.challenge" };

/** How an employee logs in to Citrix in the configured mode: the done card and the Citrix article say the same. */
export function loginSteps(locale: Locale, mode: LoginMode, citrixUrl: string): string {
  return t(locale, keys[mode], { citrixUrl });
}

/** Articles may say `{loginSteps}` where the configured mode's steps belong (knowledge/README.md). */
const PLACEHOLDER = "{loginSteps}";

/** The articles with `{loginSteps}` filled in for the configured mode. */
export function withLoginSteps<A extends { locale: Locale; body: string }>(articles: A[], mode: LoginMode, citrixUrl: string): A[] {
  return articles.map((article) => ({
    ...article,
    body: article.body.replaceAll(PLACEHOLDER, loginSteps(article.locale, mode, citrixUrl)),
  }));
}
