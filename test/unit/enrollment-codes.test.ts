import { describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/adapters/demo-directory.js";
import { alex, harness } from "./enrollment-harness.js";

describe("enrollment: the SMS code", () => {
  it("expires after five minutes", async () => {
    const h = harness();
    const view = await h.walk("sms");
    h.clock.advance(301);
    expect((await h.service.submitSms(alex, view.flowId, h.sms.lastCode())).notice?.key).toBe("error.smsExpired");
  });

  it("allows five tries per code, then only a new code helps", async () => {
    const h = harness();
    const view = await h.walk("sms");
    const wrong = h.sms.lastCode() === "000000" ? "111111" : "000000";
    for (let i = 1; i <= 4; i++) {
      expect((await h.service.submitSms(alex, view.flowId, wrong)).notice).toMatchObject({
        key: "error.smsWrong",
        params: { remaining: 5 - i },
      });
    }
    expect((await h.service.submitSms(alex, view.flowId, wrong)).notice?.key).toBe("error.smsTooManyAttempts");
    expect((await h.service.submitSms(alex, view.flowId, h.sms.lastCode())).notice?.key).toBe("error.smsTooManyAttempts");
    h.clock.advance(61);
    const resent = await h.service.resendSms(alex, view.flowId);
    expect(resent).toMatchObject({ notice: { key: "info.smsResent" }, helpArticleId: "no-sms" });
    expect((await h.service.submitSms(alex, view.flowId, h.sms.lastCode())).step).toBe("device");
  });

  it("refuses malformed codes without counting them", async () => {
    const h = harness();
    const view = await h.walk("sms");
    for (const bad of ["", "12345", "abcdef", "1234567", 123456, null, "1".repeat(5000)]) {
      expect((await h.service.submitSms(alex, view.flowId, bad)).notice?.key).toBe("error.smsCodeFormat");
    }
    expect((await h.stores.load(alex.userKey))!.value.sms!.attempts).toBe(0);
    expect((await h.service.submitSms(alex, view.flowId, ` ${h.sms.lastCode().slice(0, 3)} ${h.sms.lastCode().slice(3)} `)).step).toBe(
      "device",
    );
  });

  it("enforces the resend cooldown and three codes an hour, also across starting over", async () => {
    const h = harness();
    let view = await h.walk("sms");
    expect((await h.service.resendSms(alex, view.flowId)).notice).toMatchObject({ key: "error.smsCooldown", params: { seconds: 60 } });
    h.clock.advance(61);
    await h.service.resendSms(alex, view.flowId);
    h.clock.advance(61);
    view = await h.service.start(alex);
    view = await h.service.submitIdentity(alex, view.flowId, "alexw", DEMO_PASSWORD);
    expect(h.sms.sent).toHaveLength(3);
    h.clock.advance(61);
    expect((await h.service.resendSms(alex, view.flowId)).notice?.key).toBe("error.smsHourlyCap");
    expect(h.sms.sent).toHaveLength(3);
    h.clock.advance(3600);
    view = await h.service.start(alex);
    expect((await h.service.submitIdentity(alex, view.flowId, "alexw", DEMO_PASSWORD)).notice).toBeUndefined();
    expect(h.sms.sent).toHaveLength(4);
  });

  it("caps wrong codes at 15 a day across codes and flows, then refuses even the right code and new codes", async () => {
    const h = harness();
    let view = await h.walk("sms");
    const wrongFor = () => (h.sms.lastCode() === "000000" ? "111111" : "000000");
    const guess = async (times: number) => {
      for (let i = 0; i < times; i++) view = await h.service.submitSms(alex, view.flowId, wrongFor());
    };
    const newCode = async () => {
      h.clock.advance(61);
      view = await h.service.resendSms(alex, view.flowId);
      expect(view.notice?.key).toBe("info.smsResent");
    };
    await guess(4);
    await newCode();
    await guess(4);
    await newCode();
    await guess(4);
    // Starting over (and a new password) does not reset the count.
    h.clock.advance(3600);
    view = await h.service.start(alex);
    view = await h.service.submitIdentity(alex, view.flowId, "alexw", DEMO_PASSWORD);
    expect(view.step).toBe("sms");
    await guess(2);
    expect(view.notice).toMatchObject({ key: "error.smsWrong", params: { remaining: 3 } });
    await guess(1); // the 15th
    expect(view).toMatchObject({ step: "sms", notice: { key: "error.smsTooManyToday" }, helpArticleId: "sms-expired" });
    expect(await h.stores.countSince("smsfail:alexw@example.com", new Date(0))).toBe(15);

    const sent = h.sms.sent.length;
    const right = await h.service.submitSms(alex, view.flowId, h.sms.lastCode());
    expect(right).toMatchObject({ step: "sms", notice: { key: "error.smsTooManyToday" } });
    h.clock.advance(61);
    expect((await h.service.resendSms(alex, view.flowId)).notice?.key).toBe("error.smsTooManyToday");
    expect(h.sms.sent).toHaveLength(sent);
    expect((await h.stores.load(alex.userKey))!.value.lastError).toBe("error.smsTooManyToday");
    expect(h.stores.audit.filter((e) => e.action === "enroll.sms.verify" && e.detail?.reason === "error.smsTooManyToday")).toHaveLength(1);
    // Every attempt is counted before it is compared: the refused right code too.
    expect(await h.stores.countSince("smsfail:alexw@example.com", new Date(0))).toBe(16);
    // Starting over: the password is checked, but no code is sent.
    h.clock.advance(3600);
    view = await h.service.start(alex);
    expect((await h.service.submitIdentity(alex, view.flowId, "alexw", DEMO_PASSWORD)).notice?.key).toBe("error.smsTooManyToday");
    expect(h.sms.sent).toHaveLength(sent);

    // A day after the first wrong codes, the window has room again.
    h.clock.advance(24 * 3600);
    view = await h.service.start(alex);
    view = await h.service.submitIdentity(alex, view.flowId, "alexw", DEMO_PASSWORD);
    expect(view).toMatchObject({ step: "sms", notice: undefined });
    expect((await h.service.submitSms(alex, view.flowId, h.sms.lastCode())).step).toBe("device");
  });

  it("says so when the gateway fails, and lets the user ask again", async () => {
    const h = harness();
    let view = await h.walk("identity");
    h.sms.failNext = true;
    view = await h.service.submitIdentity(alex, view.flowId, "alexw", DEMO_PASSWORD);
    expect(view).toMatchObject({ step: "sms", notice: { key: "error.smsSendFailed" } });
    expect((await h.service.resendSms(alex, view.flowId)).notice?.key).toBe("info.smsResent");
    expect(h.sms.sent).toHaveLength(1);
  });
});

describe("enrollment: the first code from the app", () => {
  it("recognises a phone clock that is off and says by how much", async () => {
    const h = harness();
    const view = await h.walk("qr");
    const at = (steps: number) => h.totp.codeAt(view.qr!.secret, new Date(h.clock.now().getTime() + steps * 30_000));
    expect((await h.service.confirm(alex, view.flowId, at(4))).notice).toMatchObject({ key: "error.clockAhead", params: { minutes: 2 } });
    expect((await h.service.confirm(alex, view.flowId, at(-10))).notice).toMatchObject({
      key: "error.clockBehind",
      params: { minutes: 5 },
    });
    expect((await h.service.confirm(alex, view.flowId, at(-12))).notice?.key).toBe("error.totpWrong");
    expect(await h.stores.findActive("alexw")).toBeNull();
  });

  it("tells the user when the SMS code is typed instead of the app's", async () => {
    const h = harness();
    const view = await h.walk("qr");
    expect((await h.service.confirm(alex, view.flowId, h.sms.lastCode())).notice?.key).toBe("error.smsCodeAsTotp");
  });

  it("starts over after five wrong codes, discarding the secret", async () => {
    const h = harness();
    const view = await h.walk("qr");
    const wrong = h.totp.codeAt(view.qr!.secret, new Date(h.clock.now().getTime() + 3_600_000));
    let result = view;
    for (let i = 0; i < 5; i++) result = await h.service.confirm(alex, view.flowId, wrong);
    expect(result).toMatchObject({ step: "identity", notice: { key: "error.totpTooMany" } });
    expect(result.flowId).not.toBe(view.flowId);
    expect((await h.stores.load(alex.userKey))!.value.pendingSecret).toBeUndefined();
    expect((await h.service.confirm(alex, view.flowId, h.totp.codeAt(view.qr!.secret, h.clock.now()))).notice?.key).toBe("error.staleCard");
  });

  it("replaces the old token on re-enrollment and tells the user by SMS", async () => {
    const h = harness();
    await h.walk("done");
    const first = await h.stores.findActive("alexw");
    h.clock.advance(3600);
    const identity = await h.service.start(alex);
    expect(identity.notice?.key).toBe("info.reEnrollment");
    await h.walk("done");
    const second = await h.stores.findActive("alexw");
    expect(second!.id).not.toBe(first!.id);
    expect(h.stores.tokens.filter((t) => t.status === "active")).toHaveLength(1);
    expect(h.sms.sent.at(-1)!.text).toContain("En ny Microsoft Authenticator (Min mobil)");
  });
});
