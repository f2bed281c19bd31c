import { describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/adapters/demo-directory.js";
import { alex, harness } from "./enrollment-harness.js";

describe("enrollment: cards from old flows, duplicates and idle flows", () => {
  it("refuses a card from another flow and changes nothing", async () => {
    const h = harness();
    const view = await h.walk("identity");
    const before = await h.stores.load(alex.userKey);
    for (const flowId of ["someone-elses-flow", undefined, 42, "x".repeat(2000)]) {
      const refused = await h.service.submitIdentity(alex, flowId, "alexw", DEMO_PASSWORD);
      expect(refused).toMatchObject({ step: "identity", flowId: view.flowId, notice: { key: "error.staleCard" } });
    }
    expect(await h.stores.load(alex.userKey)).toEqual(before);
    expect(h.sms.sent).toHaveLength(0);
  });

  it("changes nothing on missing or oversized identity fields", async () => {
    const h = harness();
    const view = await h.walk("identity");
    const before = await h.stores.load(alex.userKey);
    for (const [username, password] of [
      ["", "x"],
      ["alexw", undefined],
      [{ $ne: 1 }, "x"],
      ["a".repeat(300), "x"],
      ["alexw", "p".repeat(600)],
    ]) {
      expect((await h.service.submitIdentity(alex, view.flowId, username, password)).notice?.kind).toBe("refusal");
    }
    expect(await h.stores.load(alex.userKey)).toEqual(before);
  });

  it("handles the same card twice once: one SMS", async () => {
    const h = harness();
    const view = await h.walk("identity");
    await h.service.submitIdentity(alex, view.flowId, "alexw", DEMO_PASSWORD);
    const again = await h.service.submitIdentity(alex, view.flowId, "alexw", DEMO_PASSWORD);
    expect(again).toMatchObject({ step: "sms", notice: { key: "info.alreadyHandled" } });
    expect(h.sms.sent).toHaveLength(1);
  });

  it("sends one SMS when the same card arrives twice at once", async () => {
    const h = harness();
    const view = await h.walk("identity");
    const results = await Promise.all([
      h.service.submitIdentity(alex, view.flowId, "alexw", DEMO_PASSWORD),
      h.service.submitIdentity(alex, view.flowId, "alexw", DEMO_PASSWORD),
    ]);
    expect(results.map((r) => r.step)).toEqual(["sms", "sms"]);
    expect(h.sms.sent).toHaveLength(1);
  });

  it("activates once when the confirm card arrives twice at once", async () => {
    const h = harness();
    const view = await h.walk("qr");
    const code = h.totp.codeAt(view.qr!.secret, h.clock.now());
    await Promise.all([h.service.confirm(alex, view.flowId, code), h.service.confirm(alex, view.flowId, code)]);
    expect(h.stores.tokens).toHaveLength(1);
    expect(h.stores.audit.filter((e) => e.action === "enroll.token.activated")).toHaveLength(1);
  });

  it("sends an idle enrollment back to the start", async () => {
    const h = harness();
    const view = await h.walk("qr");
    h.clock.advance(31 * 60);
    const expired = await h.service.confirm(alex, view.flowId, h.totp.codeAt(view.qr!.secret, h.clock.now()));
    expect(expired).toMatchObject({ step: "welcome", notice: { key: "error.sessionExpired" } });
    expect((await h.stores.load(alex.userKey))!.value.pendingSecret).toBeUndefined();
  });

  it("resumes an enrollment in progress on a greeting, and cancels cleanly", async () => {
    const h = harness();
    const view = await h.walk("device");
    const resumed = await h.service.greet(alex);
    expect(resumed).toMatchObject({ step: "device", flowId: view.flowId, notice: { key: "info.resumed" } });
    const cancelled = await h.service.cancel(alex, view.flowId);
    expect(cancelled.step).toBe("cancelled");
    expect((await h.service.greet(alex)).step).toBe("welcome");
  });

  it("rejects device names that are empty, too long or odd", async () => {
    const h = harness();
    const view = await h.walk("device");
    for (const bad of ["", "   ", "x".repeat(41), "<script>", "a\u0000b", 7]) {
      expect((await h.service.submitDevice(alex, view.flowId, bad)).notice?.key).toBe("error.deviceNameInvalid");
    }
    expect((await h.service.submitDevice(alex, view.flowId, "Åsas iPhone (jobb)")).step).toBe("qr");
  });
});
