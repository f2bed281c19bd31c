/**
 * An idle enrollment (30 minutes) is expired wherever a stored state is shown, not only on
 * a step's button: the current card (unknown verb, bad input, the helpdesk button, "show
 * the QR code"), a card from an old flow, cancel by text. The sealed secret is never opened.
 */
import { afterAll, describe, expect, it, vi } from "vitest";
import { WorkerQrImages } from "../../src/adapters/qr/worker-qr-images.js";
import { EnrollmentActions } from "../../src/features/enrollment/enrollment-route.js";
import { HelpActions } from "../../src/features/help/help-route.js";
import { findAssetDir } from "../../src/config/asset-dir.js";
import { KnowledgeBase, loadKnowledgeArticles } from "../../src/features/help/knowledge/index.js";
import { alex, harness } from "./enrollment-harness.js";

const knowledge = new KnowledgeBase(loadKnowledgeArticles(findAssetDir("knowledge", "sv")));
const qrImages = new WorkerQrImages();
afterAll(() => qrImages.close());

function actions(h: ReturnType<typeof harness>): EnrollmentActions {
  const help = new HelpActions(knowledge, { record: async () => undefined, countsByArticle: async () => [] }, h.clock, h.stores);
  return new EnrollmentActions(h.service, help, {
    citrixUrl: "https://citrix.example",
    smsCodeTtlSeconds: 300,
    loginMode: "otp",
    qrImages,
  });
}

/** The card a button press answers with (the enrollment route always answers with a card). */
const press = async (bot: EnrollmentActions, verb: string, data: Record<string, unknown>) => {
  const reply = await bot.respond(verb, data, alex);
  return "card" in reply ? reply.card : null;
};

describe("enrollment: an idle flow is shown as expired everywhere", () => {
  it("current() of a QR step left for 2 hours is the welcome view with sessionExpired; the secret is not opened", async () => {
    const h = harness();
    const qr = await h.walk("qr");
    expect((await h.service.current(alex))?.qr?.secret).toBe(qr.qr!.secret); // within 30 minutes it is still there
    h.clock.advance(2 * 3600);
    const open = vi.spyOn(h.secrets, "open");
    const before = await h.stores.load(alex.userKey);
    const current = await h.service.current(alex);
    expect(current).toEqual({ step: "welcome", flowId: qr.flowId, locale: "sv", notice: { key: "error.sessionExpired", kind: "refusal" } });
    expect(open).not.toHaveBeenCalled();
    expect(await h.stores.load(alex.userKey)).toEqual(before); // current() changes nothing

    // A card from an old flow, pressed now, shows no QR either.
    const stale = await h.service.confirm(alex, "another-flow", "123456");
    expect(stale).toMatchObject({ step: "welcome", notice: { key: "error.sessionExpired" } });
    expect(stale.qr).toBeUndefined();
    expect(open).not.toHaveBeenCalled();

    // Cancelling through the current view (what "avbryt" does) really expires it.
    const cancelled = await h.service.cancel(alex, current!.flowId);
    expect(cancelled).toMatchObject({ step: "welcome", notice: { key: "error.sessionExpired" } });
    expect((await h.stores.load(alex.userKey))!.value.pendingSecret).toBeUndefined();
    expect(h.stores.audit.at(-1)).toMatchObject({ action: "enroll.expired", detail: { atStep: "qr" } });
    expect(open).not.toHaveBeenCalled();
  });

  it("expires every in-progress step at 30 minutes idle, and not before", async () => {
    for (const step of ["identity", "sms", "device", "qr"] as const) {
      const h = harness();
      await h.walk(step);
      h.clock.advance(30 * 60);
      expect((await h.service.current(alex))?.step).toBe(step);
      h.clock.advance(1);
      expect(await h.service.current(alex)).toMatchObject({ step: "welcome", notice: { key: "error.sessionExpired" } });
    }
    const h = harness();
    await h.walk("done");
    h.clock.advance(24 * 3600);
    expect((await h.service.current(alex))?.step).toBe("done");
  });

  it("an unknown verb, 'show the QR code' and the helpdesk button after 2 hours answer with the welcome card, never the QR or key", async () => {
    const h = harness();
    const qr = await h.walk("qr");
    const bot = actions(h);
    h.clock.advance(2 * 3600);
    const open = vi.spyOn(h.secrets, "open");
    const key = qr.qr!.secret.replace(/(.{4})(?=.)/g, "$1 ");
    const cards = [
      await press(bot, "enroll.nonsense", { flowId: qr.flowId }),
      await press(bot, "enroll.showQr", { flowId: qr.flowId }),
      (await bot.presentCurrent(alex, { key: "helpdesk.employee.escalated", kind: "info" }))!,
    ];
    for (const card of cards) {
      const json = JSON.stringify(card);
      for (const secret of [qr.qr!.secret, key, qr.qr!.uri, "data:image/png"]) expect(json).not.toContain(secret);
      expect(json).toContain("Engångslösenord för inloggning utifrån"); // the welcome card
    }
    expect(JSON.stringify(cards[0])).toContain("Registreringen har legat orörd för länge");
    expect(JSON.stringify(cards[1])).toContain("Registreringen har legat orörd för länge");
    expect(open).not.toHaveBeenCalled();
  });
});
