import { describe, expect, it } from "vitest";
import { DEMO_PASSWORD, DemoDirectory } from "../../src/adapters/demo-directory.js";
import { DirectoryUnavailableError } from "../../src/features/shared/errors.js";
import { alex, harness } from "./enrollment-harness.js";

describe("enrollment: the happy path", () => {
  it("takes a user from welcome to an active token, with both proofs", async () => {
    const h = harness();
    expect((await h.service.greet(alex)).step).toBe("welcome");
    const identity = await h.service.start(alex);
    expect(identity.step).toBe("identity");
    const sms = await h.service.submitIdentity(alex, identity.flowId, "alexw", DEMO_PASSWORD);
    expect(sms).toMatchObject({ step: "sms", maskedMobile: "+46 70 *** ** 05" });
    expect(h.sms.sent).toHaveLength(1);
    expect(h.sms.sent[0]!.to).toBe("+46701740605");
    const device = await h.service.submitSms(alex, sms.flowId, h.sms.lastCode());
    expect(device).toMatchObject({ step: "device", deviceSuggestion: "Min mobil" });
    const qr = await h.service.submitDevice(alex, device.flowId, "Jobbmobil");
    expect(qr.step).toBe("qr");
    expect(qr.qr!.uri).toMatch(/^otpauth:\/\/totp\/Region%20JH:alexw\?secret=[A-Z2-7]{32}&issuer=Region%20JH$/);
    const done = await h.service.confirm(alex, qr.flowId, h.totp.codeAt(qr.qr!.secret, h.clock.now()));
    expect(done).toMatchObject({ step: "done", deviceName: "Jobbmobil" });
    const token = await h.stores.findActive("alexw");
    expect(token).toMatchObject({ deviceName: "Jobbmobil", upn: "alexw@example.com", status: "active" });
    expect(h.secrets.open(token!.secretSealed)).toBe(qr.qr!.secret);
    expect(token!.lastTimeStep).toBe(Math.floor(h.clock.now().getTime() / 30_000));
  });

  it("accepts the code of the neighbouring window (±1 step)", async () => {
    const h = harness();
    const qr = await h.walk("qr");
    const previous = h.totp.codeAt(qr.qr!.secret, new Date(h.clock.now().getTime() - 30_000));
    expect((await h.service.confirm(alex, qr.flowId, previous)).step).toBe("done");
  });

  it("keeps no password, code or secret in the state or the audit trail", async () => {
    const h = harness();
    const qr = await h.walk("qr");
    const code = h.totp.codeAt(qr.qr!.secret, h.clock.now());
    await h.service.confirm(alex, qr.flowId, code);
    const stored = JSON.stringify([...h.stores.rows.values(), h.stores.audit, h.stores.tokens]);
    for (const secret of [DEMO_PASSWORD, qr.qr!.secret, qr.qr!.uri, code, h.sms.lastCode()]) expect(stored).not.toContain(secret);
    expect(h.stores.audit.map((e) => e.action)).toEqual(
      expect.arrayContaining([
        "enroll.started",
        "enroll.identity",
        "enroll.sms.sent",
        "enroll.sms.verify",
        "enroll.qr.shown",
        "enroll.token.activated",
      ]),
    );
  });
});

describe("enrollment: identity", () => {
  it("refuses an empty password before any bind, and another person's username", async () => {
    const h = harness();
    const view = await h.walk("identity");
    expect((await h.service.submitIdentity(alex, view.flowId, "alexw", "")).notice?.key).toBe("error.passwordMissing");
    expect((await h.service.submitIdentity(alex, view.flowId, "meganb", DEMO_PASSWORD)).notice?.key).toBe("error.notYourAccount");
    expect(h.sms.sent).toHaveLength(0);
  });

  it("accepts the login in DOMAIN\\user and UPN forms, any case", async () => {
    for (const login of ["REGION\\AlexW", "alexw@example.com", " ALEXW "]) {
      const h = harness();
      const view = await h.walk("identity");
      expect((await h.service.submitIdentity(alex, view.flowId, login, DEMO_PASSWORD)).step).toBe("sms");
    }
  });

  it("blocks after five wrong passwords, and starting over does not lift the block", async () => {
    const h = harness();
    let view = await h.walk("identity");
    for (let i = 1; i <= 4; i++) {
      view = await h.service.submitIdentity(alex, view.flowId, "alexw", "wrong");
      expect(view.notice).toMatchObject({ key: "error.wrongPassword", params: { remaining: 5 - i } });
    }
    view = await h.service.submitIdentity(alex, view.flowId, "alexw", "wrong");
    expect(view.notice?.key).toBe("error.passwordBlocked");
    view = await h.service.start(alex);
    expect((await h.service.submitIdentity(alex, view.flowId, "alexw", DEMO_PASSWORD)).notice?.key).toBe("error.passwordBlocked");
    h.clock.advance(15 * 60 + 1);
    expect((await h.service.submitIdentity(alex, view.flowId, "alexw", DEMO_PASSWORD)).step).toBe("sms");
  });

  it("gives disabled accounts and accounts without a mobile number their own answers", async () => {
    const h = harness();
    const patti = { ...alex, userKey: "aad-patti", upn: "pattif@example.com" };
    let view = await h.service.start(patti);
    expect((await h.service.submitIdentity(patti, view.flowId, "pattif", DEMO_PASSWORD)).notice?.key).toBe("error.accountDisabled");
    const adele = { ...alex, userKey: "aad-adele", upn: "adelev@example.com" };
    view = await h.service.start(adele);
    view = await h.service.submitIdentity(adele, view.flowId, "adelev", DEMO_PASSWORD);
    expect(view).toMatchObject({ step: "identity", notice: { key: "error.noMobile" } });
    expect(h.sms.sent).toHaveLength(0);
  });

  it("keeps the state when the directory is down, so the user can retry", async () => {
    const directory = new DemoDirectory();
    const h = harness(directory);
    const view = await h.walk("identity");
    const before = await h.stores.load(alex.userKey);
    directory.findByUpn = async () => {
      throw new DirectoryUnavailableError("down");
    };
    const refused = await h.service.submitIdentity(alex, view.flowId, "alexw", DEMO_PASSWORD);
    expect(refused).toMatchObject({ step: "identity", flowId: view.flowId, notice: { key: "error.directoryUnavailable" } });
    expect(await h.stores.load(alex.userKey)).toEqual(before);
  });
});
