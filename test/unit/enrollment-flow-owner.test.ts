import { describe, expect, it, vi } from "vitest";
import { DEMO_PASSWORD } from "../../src/adapters/demo-directory.js";
import type { StepView } from "../../src/features/enrollment/step-view.js";
import type { Caller } from "../../src/ports/caller.js";
import { alex, harness } from "./enrollment-harness.js";

/**
 * A stored flow belongs to the UPN that started it (`callerUpn`). Whoever else reaches it
 * under the same state key is refused by every step: nothing shown, resumed or advanced,
 * the sealed secret never opened, and the attempt audited.
 */
const isaiah: Caller = { userKey: alex.userKey, upn: "isaiah@example.com", locale: "sv" };

function expectNothingOfTheFlow(view: StepView | null, flowId: string): void {
  expect(view).toMatchObject({ step: "welcome", flowId: "", notice: { key: "error.notYourEnrollment", kind: "refusal" } });
  expect(view?.qr).toBeUndefined();
  expect(view?.maskedMobile).toBeUndefined();
  expect(JSON.stringify(view)).not.toContain(flowId);
}

describe("enrollment: a flow of another UPN under the caller's key", () => {
  it("is refused by every step at every step, changing nothing and opening no secret", async () => {
    for (const at of ["identity", "sms", "device", "qr"] as const) {
      const h = harness();
      const view = await h.walk(at);
      const before = await h.stores.load(alex.userKey);
      const smsBefore = h.sms.sent.length;
      const open = vi.spyOn(h.secrets, "open");
      const smsCode = at === "sms" ? h.sms.lastCode() : "123456";
      const totpCode = view.qr ? h.totp.codeAt(view.qr.secret, h.clock.now()) : "123456";

      const answers = [
        await h.service.submitIdentity(isaiah, view.flowId, "isaiahl", DEMO_PASSWORD),
        await h.service.resendSms(isaiah, view.flowId),
        await h.service.submitSms(isaiah, view.flowId, smsCode),
        await h.service.submitDevice(isaiah, view.flowId, "Min mobil"),
        await h.service.confirm(isaiah, view.flowId, totpCode),
        await h.service.cancel(isaiah, view.flowId),
      ];
      for (const answer of answers) expectNothingOfTheFlow(answer, view.flowId);

      expect(await h.stores.load(alex.userKey), at).toEqual(before);
      expect(h.sms.sent).toHaveLength(smsBefore);
      expect(h.stores.tokens).toEqual([]);
      expect(open).not.toHaveBeenCalled();
      const refused = h.stores.audit.filter((e) => e.action === "enroll.foreignFlow");
      expect(refused).toHaveLength(answers.length);
      expect(refused[0]).toMatchObject({
        subject: isaiah.upn,
        actor: isaiah.upn,
        outcome: "refused",
        detail: { atStep: at, flowOwner: alex.upn },
      });
    }
  });

  it("is neither shown by current() nor resumed by greet() (the QR step included)", async () => {
    const h = harness();
    const qr = await h.walk("qr");
    const before = await h.stores.load(alex.userKey);
    const open = vi.spyOn(h.secrets, "open");

    expectNothingOfTheFlow(await h.service.current(isaiah), qr.flowId);
    expectNothingOfTheFlow(await h.service.greet(isaiah), qr.flowId);

    expect(await h.stores.load(alex.userKey)).toEqual(before);
    expect(open).not.toHaveBeenCalled();
    expect(h.stores.audit.filter((e) => e.action === "enroll.foreignFlow")).toHaveLength(2);
    // The owner still has the flow, QR and all.
    expect(await h.service.current(alex)).toMatchObject({ step: "qr", flowId: qr.flowId, qr: { secret: qr.qr!.secret } });
  });

  it("is replaced by the caller's own fresh flow on start, carrying nothing of it along", async () => {
    const h = harness();
    const identity = await h.walk("identity");
    await h.service.submitIdentity(alex, identity.flowId, "alexw", "wrong password");
    const started = await h.service.start(isaiah);
    expect(started).toMatchObject({ step: "identity" });
    expect(started.flowId).not.toBe(identity.flowId);
    const stored = (await h.stores.load(isaiah.userKey))!.value;
    expect(stored).toMatchObject({ callerUpn: isaiah.upn, passwordFailures: 0, step: "identity" });
    expect(stored.account).toBeUndefined();
    expect(h.stores.audit.filter((e) => e.action === "enroll.foreignFlow")).toMatchObject([
      { subject: isaiah.upn, outcome: "refused", detail: { atStep: "identity", flowOwner: alex.upn } },
    ]);
  });
});
