/** "Why can't I log in?": the answer names the real reason from the employee's own login log. */
import { describe, expect, it } from "vitest";
import { diagnoseLogin } from "../../src/features/validation/login-diagnosis.js";
import { loginDiagnosisText } from "../../src/features/validation/login-diagnosis-text.js";
import { TemporaryAccessIssuer } from "../../src/features/validation/temporary-access-issuer.js";
import { validationHarness } from "./validation-harness.js";

const alex = { upn: "alexw@example.com", loginName: "alexw" };

function setUp() {
  const h = validationHarness();
  h.clock.advance(30);
  const diagnose = async (who = alex) =>
    diagnoseLogin({ audit: h.stores, tokens: h.stores, temporaryAccess: h.temporaryAccess }, who, h.clock.now());
  const say = async (locale: "sv" | "en" = "sv", who = alex) => loginDiagnosisText(locale, await diagnose(who));
  return { ...h, diagnose, say };
}

describe("why can't I log in", () => {
  it("no attempt reached us: check the address and the one-time-code login", async () => {
    const h = setUp();
    expect(await h.diagnose()).toEqual({ kind: "noAttempt" });
    expect(await h.say("en")).toContain("No one-time-code login from you has reached us");
  });

  it("a replayed code: wait for the next one (Swedish local time)", async () => {
    const h = setUp();
    const code = h.code();
    expect((await h.service.checkCode(h.attempt(), code)).ok).toBe(true);
    expect(await h.diagnose()).toMatchObject({ kind: "accepted" });
    h.clock.advance(5);
    expect((await h.service.checkCode(h.attempt(), code)).reason).toBe("replay");
    const stockholm = h.clock.now().toLocaleTimeString("sv-SE", { timeZone: "Europe/Stockholm", hour: "2-digit", minute: "2-digit" });
    expect(await h.say("sv")).toBe(
      `Ditt senaste försök kl. ${stockholm} använde en kod som redan hade använts. Vänta tills appen visar nästa kod och försök igen.`,
    );
  });

  it("a drifted code: the phone's clock is off by about N minutes, with a real plural", async () => {
    const h = setUp();
    await h.service.checkCode(h.attempt(), h.code("alexw", 4));
    expect(await h.diagnose()).toMatchObject({ kind: "refused", reason: "wrongCode", driftSteps: 4 });
    expect(await h.say("sv")).toContain("går ungefär 2 minuter före");
    await h.service.checkCode(h.attempt(), h.code("alexw", -2));
    expect(await h.say("en")).toContain("is about 1 minute behind");
  });

  it("a locked token: locked until HH:MM", async () => {
    const h = setUp();
    for (let i = 0; i < 10; i++) await h.service.checkCode(h.attempt(), "000000" === h.code() ? "111111" : "000000");
    const diagnosis = await h.diagnose();
    expect(diagnosis.kind).toBe("locked");
    const until = new Date(h.clock.now().getTime() + 30 * 60_000).toLocaleTimeString("sv-SE", {
      timeZone: "Europe/Stockholm",
      hour: "2-digit",
      minute: "2-digit",
    });
    expect(await h.say("sv")).toContain(`till kl. ${until}`);
    // The employee is told in Teams, once per lock, in Swedish local time.
    expect(h.notices.notices).toMatchObject([{ upn: "alexw@example.com", key: "notice.tokenLocked", params: { time: until } }]);
  });

  it("no active token: enroll; an expired temporary code says so", async () => {
    const h = setUp();
    await h.stores.revoke("alexw");
    expect(await h.diagnose()).toEqual({ kind: "noToken" });
    const issuer = new TemporaryAccessIssuer(h.temporaryAccess, h.secrets, { hours: 1, reusable: false });
    const { code } = await issuer.issue(alex, "meganb@example.com", h.clock.now());
    h.clock.advance(3600);
    await h.service.checkCode(h.attempt(), code);
    expect(await h.say("en")).toBe("Your temporary code has expired. Contact the IT helpdesk for a new one, or enroll your new phone.");
  });

  it("reads only the caller's own log and never shows a code", async () => {
    const h = setUp();
    h.enroll("isaiahl", "isaiah@example.com");
    const code = h.code("isaiahl");
    await h.service.checkCode(h.attempt("isaiahl"), code);
    await h.service.checkCode(h.attempt("isaiahl"), code);
    expect(await h.diagnose()).toEqual({ kind: "noAttempt" });
    const text = await h.say("sv", { upn: "isaiah@example.com", loginName: "isaiahl" });
    expect(text).toContain("redan hade använts");
    expect(text).not.toContain(code);
  });
});
