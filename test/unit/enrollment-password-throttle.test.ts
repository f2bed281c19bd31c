/**
 * The password-check throttle: counted before the bind (insert, then count), so concurrent
 * wrong passwords cannot all reach the directory before the failure count is saved.
 */
import { describe, expect, it } from "vitest";
import { DEMO_PASSWORD, DemoDirectory } from "../../src/adapters/demo-directory.js";
import { defaultEnrollmentPolicy } from "../../src/features/enrollment/enrollment-policy.js";
import { PasswordThrottle } from "../../src/features/enrollment/password-throttle.js";
import type { DirectoryUser, PasswordCheck } from "../../src/ports/directory.js";
import { alex, harness } from "./enrollment-harness.js";
import { FakeClock, MemoryStores } from "./fakes.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The demo directory, counting binds. With `stagger`, look-ups answer 1 ms apart and binds
 * take 30 ms, like a real directory: requests arrive one after another, and every bind is
 * still running when later ones are checked (none of their failures is saved yet).
 */
class CountingDirectory extends DemoDirectory {
  binds = 0;
  private lookups = 0;
  constructor(private readonly stagger = false) {
    super();
  }
  override async findByUpn(upn: string): Promise<DirectoryUser | null> {
    if (this.stagger) await sleep(this.lookups++);
    return super.findByUpn(upn);
  }
  override async verifyPassword(user: DirectoryUser, password: string): Promise<PasswordCheck> {
    this.binds++;
    if (this.stagger) await sleep(30);
    return super.verifyPassword(user, password);
  }
}

describe("enrollment: password checks are throttled before the bind", () => {
  for (const stagger of [false, true]) {
    it(`lets at most 10 of 30 concurrent wrong passwords reach the directory, and audits the rest as throttled (${stagger ? "staggered" : "all at once"})`, async () => {
      const directory = new CountingDirectory(stagger);
      const h = harness(directory);
      const view = await h.walk("identity");
      const answers = await Promise.all(
        Array.from({ length: 30 }, (_, i) => h.service.submitIdentity(alex, view.flowId, "alexw", `wrong-${i}`)),
      );
      expect(directory.binds).toBeLessThanOrEqual(10);
      if (stagger) expect(directory.binds).toBe(10);
      for (const answer of answers) {
        expect(answer.step).toBe("identity");
        expect(["error.passwordBlocked", "error.wrongPassword", "info.alreadyHandled"]).toContain(answer.notice?.key);
      }
      const identityAudits = h.stores.audit.filter((e) => e.action === "enroll.identity");
      const throttled = identityAudits.filter((e) => e.detail?.reason === "throttled");
      expect(throttled).toHaveLength(30 - directory.binds);
      expect(throttled.every((e) => e.outcome === "refused" && e.subject === alex.upn)).toBe(true);
      // Every bind is in the audit trail, also those whose save lost the race.
      expect(identityAudits.filter((e) => e.detail?.reason === "invalidCredentials")).toHaveLength(directory.binds);
      expect(await h.stores.countSince("pw:alexw@example.com", new Date(0))).toBe(30);

      // Even the right password is refused until the window frees, without a bind.
      const binds = directory.binds;
      const refused = await h.service.submitIdentity(alex, view.flowId, "alexw", DEMO_PASSWORD);
      expect(refused).toMatchObject({
        step: "identity",
        notice: { key: "error.passwordBlocked", params: { minutes: 15 } },
        helpArticleId: "account-locked",
      });
      expect(directory.binds).toBe(binds);
      h.clock.advance(15 * 60 + 1);
      expect((await h.service.submitIdentity(alex, view.flowId, "alexw", DEMO_PASSWORD)).step).toBe("sms");
      expect(directory.binds).toBe(binds + 1);
    });
  }

  it("keeps the five-failures block for wrong passwords one at a time", async () => {
    const directory = new CountingDirectory();
    const h = harness(directory);
    let view = await h.walk("identity");
    for (let i = 0; i < 5; i++) view = await h.service.submitIdentity(alex, view.flowId, "alexw", "wrong");
    expect(view.notice).toEqual({ key: "error.passwordBlocked", params: { minutes: 15 }, kind: "refusal" });
    expect(directory.binds).toBe(5);
    expect((await h.service.submitIdentity(alex, view.flowId, "alexw", DEMO_PASSWORD)).notice?.key).toBe("error.passwordBlocked");
    expect(directory.binds).toBe(5);
  });

  it("counts checks that never reach a bind only when a bind was about to happen", async () => {
    const directory = new CountingDirectory();
    const h = harness(directory);
    const view = await h.walk("identity");
    await h.service.submitIdentity(alex, view.flowId, "alexw", "");
    await h.service.submitIdentity(alex, view.flowId, "meganb", DEMO_PASSWORD);
    expect(await h.stores.countSince("pw:alexw@example.com", new Date(0))).toBe(0);
    expect(directory.binds).toBe(0);
  });
});

describe("PasswordThrottle", () => {
  it("admits 10 checks in 15 minutes and says how many minutes until the window frees", async () => {
    const clock = new FakeClock();
    const rates = new MemoryStores();
    const throttle = new PasswordThrottle(rates, defaultEnrollmentPolicy);
    for (let i = 0; i < 10; i++) {
      expect(await throttle.admit("alexw@example.com", clock.now())).toEqual({ ok: true });
      clock.advance(60);
    }
    clock.advance(-30); // 9.5 minutes after the first
    // At +7 min only the checks from minute 2 on (8) and this refused one remain: a new one is the 10th.
    expect(await throttle.admit("alexw@example.com", clock.now())).toEqual({ ok: false, minutes: 7 });
    expect(await throttle.admit("lynner@example.com", clock.now())).toEqual({ ok: true });
    clock.advance(7 * 60);
    expect(await throttle.admit("alexw@example.com", clock.now())).toEqual({ ok: true });
    // The check just admitted filled the window again; the refused one counts too (2 min, not 1).
    expect(await throttle.admit("alexw@example.com", clock.now())).toEqual({ ok: false, minutes: 2 });
  });
});
