import type { RadiusMode as LoginMode } from "../radius/login-modes.js";
import { t, type Locale, type MessageKey } from "./messages.js";

export type { LoginMode };

const keys: Record<LoginMode, MessageKey> = { otp: "login.otp", "password+otp": "login.passwordOtp", challenge: "login.challenge" };

/** How an employee logs in to Citrix in the configured mode: the done card and the Citrix article say the same. */
export function loginSteps(locale: Locale, mode: LoginMode, citrixUrl: string): string {
  return t(locale, keys[mode], { citrixUrl });
}
