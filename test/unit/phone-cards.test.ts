/**
 * Issue 13, "cards a nurse can follow on a phone": every card rendered through its template in
 * both languages and validated with the adaptivecards parser, one block per point of the issue.
 * The edge's part (language from the words, old QR cards replaced, no second welcome card) is
 * tested over HTTP in test/e2e/phone-cards-over-http.test.ts and in the browser test.
 */
import { describe, expect, it } from "vitest";
import { stepCardSettings } from "../support/step-card-settings.js";
import { DEMO_PASSWORD } from "../../src/adapters/demo-directory.js";
import { defaultEnrollmentPolicy } from "../../src/features/enrollment/enrollment-policy.js";
import { renderQrExpiredCard, renderQrResumeCard, renderStepCard } from "../../src/features/enrollment/step-cards.js";
import type { StepView } from "../../src/features/enrollment/step-view.js";
import { suggestedDeviceName } from "../../src/features/enrollment/step-views.js";
import { t, type Locale } from "../../src/i18n/messages.js";
import { cardActions, cardProblems } from "../support/card-validation.js";
import { alex, harness } from "./enrollment-harness.js";

const settings = stepCardSettings();
const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
const qr = { uri: `otpauth://totp/Region%20JH:alexw?secret=${secret}&issuer=Region%20JH`, secret, issuer: "Region JH", label: "alexw" };
const help = { id: "sms-missing", title: "Inget sms?", body: "Kontrollera att telefonen har täckning." };

type Element = Record<string, unknown> & { type?: string; id?: string; items?: Element[] };

/** Every element of the card's body, depth first (containers' items included), in reading order. */
function elements(card: Record<string, unknown>): Element[] {
  const out: Element[] = [];
  const walk = (list: Element[] | undefined) => {
    for (const element of list ?? []) {
      out.push(element);
      walk(element.items);
    }
  };
  walk(card.body as Element[]);
  return out;
}

async function render(view: Omit<StepView, "flowId"> & { flowId?: string }, withHelp = false) {
  const card = await renderStepCard({ flowId: "flow-1", ...view }, settings, withHelp ? help : undefined);
  expect(cardProblems(card)).toEqual([]);
  return card;
}

describe.each(["sv", "en"] as const)("cards on a phone in %s", (locale: Locale) => {
  const other = locale === "sv" ? "en" : "sv";

  it("1. the welcome card offers the other language as a button", async () => {
    const card = await render({ step: "welcome", locale });
    const button = cardActions(card).find((a) => a.verb === "language.switch");
    expect(button).toMatchObject({ title: t(locale, "welcome.switchLanguage"), data: { locale: other }, associatedInputs: "none" });
    expect(button?.title).toBe(locale === "sv" ? "In English" : "På svenska");
  });

  it("2. the QR card: a real alt text, 'I'm on my phone' swaps the QR for the key and the exact taps, one account type", async () => {
    const card = await render({ step: "qr", locale, qr });
    const image = elements(card).find((e) => e.type === "Image");
    expect(image?.altText).toBe(t(locale, "qr.alt", { label: "alexw", issuer: "Region JH" }));
    const toggle = cardActions(card).find((a) => a.title === t(locale, "qr.onPhone"));
    expect(toggle).toMatchObject({ type: "Action.ToggleVisibility", targetElements: ["scan", "phone", "toPhone", "toScan"] });
    const phone = elements(card).find((e) => e.id === "phone");
    expect(phone?.isVisible).toBe(false);
    // The key: one block, groups of four with one space between them (the only place a line may break).
    const keyBlocks = elements({ body: phone?.items }).filter(
      (e) => typeof e.text === "string" && (e.text as string).replace(/ /g, "") === secret,
    );
    expect(keyBlocks).toHaveLength(1);
    expect(keyBlocks[0]!.text).toBe("JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP");
    expect(keyBlocks[0]!.fontType).toBe("Monospace");
    // The same account type on both paths, the one Microsoft Authenticator uses for a TOTP key of another issuer.
    const otherAccount = locale === "sv" ? "**Annat konto (Google, Facebook osv.)**" : "**Other account (Google, Facebook, etc.)**";
    const text = JSON.stringify(card);
    expect(t(locale, "qr.body")).toContain(otherAccount);
    expect(t(locale, "qr.manual")).toContain(otherAccount);
    expect(text).not.toMatch(/Work or school|Arbets- eller skolkonto/);
    // Manual entry asks for the account name and the secret key, then Finish; TOTP's defaults need no choice.
    const fields =
      locale === "sv" ? ["**Kontonamn**", "**Hemlig nyckel**", "**Slutför**"] : ["**Account name**", "**Secret key**", "**Finish**"];
    for (const field of fields) expect(t(locale, "qr.manual")).toContain(field);
  });

  it("3. a refused new code (hourly cap) hides the resend button and does not claim a code was sent", async () => {
    const capped = { key: "error.smsHourlyCap", params: { time: "10:02" }, kind: "refusal" } as const;
    const noCode = await render({ step: "sms", locale, maskedMobile: "+46 70 *** ** 05", notice: capped, resendBlocked: true });
    const text = JSON.stringify(noCode);
    expect(text).toContain(t(locale, "error.smsHourlyCap", { time: "10:02" }));
    expect(text).toContain(t(locale, "sms.bodyNoCode", { mobile: "+46 70 *** ** 05" }));
    expect(text).not.toContain(locale === "sv" ? "Vi skickade" : "We sent");
    expect(cardActions(noCode).map((a) => a.verb)).not.toContain("enroll.resendSms");
    // With an earlier code still valid, the card says when it was sent (Swedish time), never "just now".
    const sentAt = new Date("2026-11-25T09:00:00Z");
    const earlier = await render({
      step: "sms",
      locale,
      maskedMobile: "+46 70 *** ** 05",
      smsSentAt: sentAt,
      notice: capped,
      resendBlocked: true,
    });
    expect(JSON.stringify(earlier)).toContain(
      locale === "sv" ? "Vi skickade en sexsiffrig kod kl. 10:00" : "We sent a six-digit code at 10:00",
    );
    const normal = await render({ step: "sms", locale, maskedMobile: "+46 70 *** ** 05", smsSentAt: sentAt });
    expect(cardActions(normal).map((a) => a.verb)).toContain("enroll.resendSms");
  });

  it("3. the resume card does not claim a code was just sent", () => {
    const card = renderQrResumeCard({ step: "qr", flowId: "flow-1", locale, qr, notice: { key: "info.resumed", kind: "info" } });
    expect(cardProblems(card)).toEqual([]);
    expect(JSON.stringify(card)).not.toMatch(/skickat|sent/i);
  });

  it("4. the card that replaces an old QR card has no QR and no key", () => {
    const card = renderQrExpiredCard(locale);
    expect(cardProblems(card)).toEqual([]);
    const text = JSON.stringify(card);
    expect(text).toContain(t(locale, "qr.expiredTitle"));
    expect(text).not.toContain("data:image");
    expect(text).not.toContain(secret.slice(0, 4));
    expect(cardActions(card)).toEqual([]);
  });

  it("5. code inputs bring up the phone's number pad, with a placeholder that is not a code", async () => {
    for (const [view, id] of [
      [{ step: "sms", locale, maskedMobile: "+46 70 *** ** 05" }, "smsCode"],
      [{ step: "qr", locale, qr }, "totpCode"],
    ] as const) {
      const input = elements(await render(view)).find((e) => e.id === id);
      expect(input).toMatchObject({ type: "Input.Text", style: "Tel", placeholder: t(locale, "code.placeholder") });
      expect(input?.placeholder).not.toMatch(/\d/);
    }
  });

  it("5. the username comes pre-filled (editable) and a refused device name stays as typed, with the allowed characters", async () => {
    const h = harness();
    const caller = { ...alex, locale };
    const identity = await h.service.start(caller);
    expect(identity.username).toBe("alexw");
    const username = elements(await render(identity)).find((e) => e.id === "username");
    expect(username).toMatchObject({ type: "Input.Text", value: "alexw" });
    let view = await h.service.submitIdentity(caller, identity.flowId, "alexw", DEMO_PASSWORD);
    view = await h.service.submitSms(caller, view.flowId, h.sms.lastCode());
    const refused = await h.service.submitDevice(caller, view.flowId, "Alex <telefon>");
    expect(refused.notice?.key).toBe("error.deviceNameInvalid");
    const card = await render(refused);
    expect(elements(card).find((e) => e.id === "deviceName")?.value).toBe("Alex <telefon>");
    expect(JSON.stringify(card)).toContain(". _ ' ( ) -"); // the allowed punctuation, listed
  });

  it("5. the suggested device name comes from the Teams client's platform, else 'My phone'", () => {
    const state = { account: { id: "1", loginName: "alexw", displayName: "Alex Wilber", givenName: "Alex" } } as never;
    expect(suggestedDeviceName({ locale, clientPlatform: "iOS" }, state)).toBe("Alex iPhone");
    expect(suggestedDeviceName({ locale, clientPlatform: "android" }, state)).toBe("Alex Android");
    expect(suggestedDeviceName({ locale, clientPlatform: "Web" }, state)).toBe(t(locale, "device.suggestion"));
    expect(suggestedDeviceName({ locale }, state)).toBe(locale === "sv" ? "Min mobil" : "My phone");
  });

  it("6. the hourly cap says from when a new code can be asked for, in Swedish time", async () => {
    const h = harness();
    const caller = { ...alex, locale };
    let view = await h.walk("sms", caller);
    for (let i = 0; i < 2; i++) {
      h.clock.advance(61);
      await h.service.resendSms(caller, view.flowId);
    }
    h.clock.advance(61);
    view = await h.service.resendSms(caller, view.flowId);
    // Three codes at 10:00, 10:01, 10:02 Stockholm time (09:0x UTC): the next from 11:03 (an hour after the newest, rounded up).
    expect(view.notice).toMatchObject({ key: "error.smsHourlyCap", params: { time: "11:03" } });
    expect(view.resendBlocked).toBe(true);
    expect(view.smsSentAt).toBeDefined(); // the third code is still valid: the card says when it was sent
  });

  it("6. the re-enrollment SMS names the helpdesk's number when HELPDESK_PHONE is set", async () => {
    const h = harness(undefined, { ...defaultEnrollmentPolicy, helpdeskPhone: "08-123 456 00" });
    const caller = { ...alex, locale };
    await h.walk("done", caller);
    h.clock.advance(120);
    await h.walk("done", caller);
    const notice = h.sms.sent.at(-1)?.text ?? "";
    expect(notice).toContain("08-123 456 00");
    expect(notice).toContain("2026-11-25 10:02"); // Swedish local time of the activation (09:02 UTC)
  });

  it("7. a failing step keeps the input and its button above the help, which is collapsed behind 'Show help'", async () => {
    const refusal = { key: "error.smsWrong", params: { remaining: 2 }, kind: "refusal" } as const;
    const card = await render({ step: "sms", locale, maskedMobile: "+46 70 *** ** 05", notice: refusal }, true);
    const order = elements(card);
    const input = order.findIndex((e) => e.id === "smsCode");
    const submit = order.findIndex((e) => e.type === "ActionSet" && JSON.stringify(e).includes('"enroll.sms"'));
    const toggle = order.findIndex((e) => e.type === "ActionSet" && JSON.stringify(e).includes("Action.ToggleVisibility"));
    const helpBox = order.findIndex((e) => e.id === "help");
    expect(input).toBeGreaterThan(0);
    expect(submit).toBe(input + 1);
    expect(toggle).toBeGreaterThan(submit);
    expect(helpBox).toBeGreaterThan(toggle);
    expect(order[helpBox]?.isVisible).toBe(false);
    expect(cardActions(card).find((a) => a.type === "Action.ToggleVisibility")).toMatchObject({
      title: t(locale, "help.expand"),
      targetElements: ["help"],
    });
  });

  it("7. every action title of every step card is short enough for a 340 px phone", async () => {
    const views: Omit<StepView, "flowId">[] = [
      { step: "welcome", locale },
      { step: "identity", locale },
      { step: "sms", locale, maskedMobile: "+46 70 *** ** 05" },
      { step: "device", locale, deviceSuggestion: "Min mobil" },
      { step: "qr", locale, qr },
      { step: "done", locale, deviceName: "Jobbmobil" },
      { step: "cancelled", locale },
    ];
    for (const view of views) {
      for (const action of cardActions(await render(view, true))) expect(action.title?.length ?? 0, action.title).toBeLessThanOrEqual(30);
    }
  });
});
