import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { stepCardSettings } from "../support/step-card-settings.js";
import { cardsDir } from "../../src/features/shared/card-renderer.js";
import { renderQrResumeCard, renderStepCard } from "../../src/features/enrollment/step-cards.js";
import { cardActions as actions, cardProblems as parse } from "../support/card-validation.js";
import { verbs } from "../../src/features/enrollment/card-action.js";
import type { StepView } from "../../src/features/enrollment/step-view.js";
import { en } from "../../src/i18n/en.js";
import { sv } from "../../src/i18n/sv.js";

const settings = stepCardSettings();
const qr = {
  uri: "otpauth://totp/Region%20JH:alexw?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Region%20JH",
  secret: "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
  issuer: "Region JH",
  label: "alexw",
};
const refusal = { key: "error.wrongPassword", params: { remaining: 3 }, kind: "refusal" } as const;

function views(locale: "sv" | "en"): StepView[] {
  const base = { flowId: "flow-1", locale };
  return [
    { ...base, step: "welcome" },
    { ...base, step: "identity" },
    { ...base, step: "identity", notice: refusal },
    { ...base, step: "sms", maskedMobile: "+46 70 *** ** 05" },
    { ...base, step: "device", deviceSuggestion: "Min mobil" },
    { ...base, step: "qr", qr, notice: { key: "error.clockAhead", params: { minutes: 2 }, kind: "refusal" } },
    { ...base, step: "done", deviceName: "Jobbmobil" },
    { ...base, step: "cancelled", notice: { key: "info.alreadyHandled", kind: "info" } },
  ];
}

describe.each(["sv", "en"] as const)("cards in %s", (locale) => {
  it.each(views(locale).map((v) => [v.step, v] as const))(
    "%s is a valid Adaptive Card 1.5 with every placeholder filled",
    async (_step, view) => {
      const card = await renderStepCard(view, settings);
      expect(card.version).toBe("1.5");
      expect(parse(card)).toEqual([]);
      expect(JSON.stringify(card)).not.toContain("${");
      for (const action of actions(card).filter((a) => a.type === "Action.Execute")) {
        if (action.verb === "language.switch") continue; // the edge's own button (test/unit/phone-cards.test.ts)
        expect(verbs).toContain(action.verb);
        if (action.verb !== "enroll.start") expect(action.data).toEqual({ flowId: "flow-1" });
        if (action.verb === "enroll.cancel" || action.verb === "enroll.resendSms") expect(action.associatedInputs).toBe("none");
      }
      expect(actions(card).some((a) => a.type === "Action.Submit")).toBe(false);
    },
  );

  it("shows the QR as a PNG data URI and the key grouped for typing", async () => {
    const card = await renderStepCard(views(locale).find((v) => v.step === "qr")!, settings);
    const text = JSON.stringify(card);
    expect(text).toMatch(/"url":"data:image\/png;base64,[A-Za-z0-9+/=]+"/);
    expect(text).toContain("JBSW Y3DP EHPK 3PXP");
    expect(text).toContain(locale === "sv" ? "Annat konto (Google, Facebook osv.)" : "Other account (Google, Facebook, etc.)");
  });

  it("resumes the QR step in a new message without the QR or the key", () => {
    const card = renderQrResumeCard({ step: "qr", flowId: "flow-1", locale, qr, notice: { key: "info.resumed", kind: "info" } });
    expect(parse(card)).toEqual([]);
    const text = JSON.stringify(card);
    expect(text).not.toContain("data:image");
    expect(text).not.toContain(qr.secret.slice(0, 8));
    expect(actions(card).map((a) => [a.verb, a.data])).toEqual([
      ["enroll.showQr", { flowId: "flow-1" }],
      ["enroll.cancel", { flowId: "flow-1" }],
    ]);
  });

  it("masks the password field", async () => {
    const card = await renderStepCard(views(locale)[1]!, settings);
    expect(JSON.stringify(card)).toMatch(/"id":"password","label":"[^"]+","style":"Password"/);
  });
});

describe("templates and texts", () => {
  it("has a template for every step", () => {
    expect(readdirSync(cardsDir)).toEqual(
      expect.arrayContaining([
        "cancelled.json",
        "device.json",
        "done.json",
        "helpdesk-ticket.json",
        "identity.json",
        "qr.json",
        "sms.json",
        "welcome.json",
      ]),
    );
  });

  it("has every text in both languages, none empty, with the same placeholders", () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(sv).sort());
    for (const key of Object.keys(sv) as (keyof typeof sv)[]) {
      expect(sv[key].trim(), key).not.toBe("");
      const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(names(en[key]), key).toEqual(names(sv[key]));
    }
  });
});
