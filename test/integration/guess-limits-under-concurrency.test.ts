/**
 * Every guess limit counts an attempt before it compares it (AttemptLimit), so no burst of
 * concurrent guesses, on SQLite or on two instances sharing PostgreSQL, gets more
 * comparisons than the limit. These tests count the comparisons themselves, not only the
 * outcome: before the rule, 12 concurrent wrong SMS codes were all compared (limit 5) and
 * the right one after them was accepted.
 */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { AesGcmSecretBox } from "../../src/adapters/aes-gcm-secret-box.js";
import { DEMO_PASSWORD, DemoDirectory } from "../../src/adapters/demo-directory.js";
import { OtplibTotp } from "../../src/adapters/otplib-totp.js";
import { createSqlStores, type Database } from "../../src/adapters/sql/index.js";
import { defaultEnrollmentPolicy, type EnrollmentPolicy } from "../../src/features/enrollment/enrollment-policy.js";
import { EnrollmentService } from "../../src/features/enrollment/enrollment-service.js";
import type { Caller } from "../../src/ports/caller.js";
import { defaultValidationPolicy } from "../../src/features/validation/validation-policy.js";
import { ValidationService } from "../../src/features/validation/validation-service.js";
import type { TotpMatch, UnusedStepPreference } from "../../src/ports/totp.js";
import { dataLayerSuite } from "../support/data-layer-suite.js";
import { postgresEngine, sqliteEngine, type EngineFactory } from "../support/sql-engines.js";
import { defaultTemporaryAccessPolicy } from "../../src/features/validation/temporary-access-policy.js";
import { FakeClock, FakeSms, MemoryChallenges, MemoryNoticeOutbox, MemoryTemporaryAccess } from "../unit/fakes.js";

const alex: Caller = { userKey: "aad-alex", upn: "alexw@example.com", locale: "sv" };

/** Counts SMS-code comparisons: each compared guess hashes the typed code once. */
class CountingSecretBox extends AesGcmSecretBox {
  smsHashes = 0;
  override mac(data: string): string {
    if (data.startsWith("sms:")) this.smsHashes++;
    return super.mac(data);
  }
}

/** Counts first-code comparisons. */
class CountingTotp extends OtplibTotp {
  matches = 0;
  override match(secret: string, code: string, at: Date, maxSteps: number, prefer?: UnusedStepPreference): TotpMatch | null {
    this.matches++;
    return super.match(secret, code, at, maxSteps, prefer);
  }
}

/** `instances` services (each with its own connection pool, as separate bot instances) on one database. */
async function instances(open: () => Promise<Database>, count: number, policy: EnrollmentPolicy) {
  const clock = new FakeClock();
  const sms = new FakeSms();
  const secrets = new CountingSecretBox(randomBytes(32));
  const totp = new CountingTotp();
  const services: EnrollmentService[] = [];
  const validators: ValidationService[] = [];
  for (let i = 0; i < count; i++) {
    const stores = createSqlStores(await open(), clock);
    validators.push(
      new ValidationService({
        directory: new DemoDirectory(),
        tokens: stores.tokens,
        challenges: new MemoryChallenges(),
        secrets,
        totp,
        rates: stores.rateCounter,
        audit: stores.audit,
        clock,
        policy: { ...defaultValidationPolicy, userMaxPerMinute: 1000 },
        passwordChecks: policy,
        temporaryAccess: new MemoryTemporaryAccess(),
        temporaryAccessPolicy: defaultTemporaryAccessPolicy,
        notices: new MemoryNoticeOutbox(),
      }),
    );
    services.push(
      new EnrollmentService({
        directory: new DemoDirectory(),
        sms,
        secrets,
        totp,
        clock,
        policy,
        enrollments: stores.enrollments,
        tokens: stores.tokens,
        rates: stores.rateCounter,
        audit: stores.audit,
        temporaryAccess: new MemoryTemporaryAccess(),
        notices: new MemoryNoticeOutbox(),
      }),
    );
  }
  return { clock, sms, secrets, totp, services, validators };
}

const wrongCode = (right: string) => (right === "000000" ? "111111" : "000000");

function burstContract(factory: EngineFactory, instanceCount: number): void {
  describe.skipIf(!factory.enabled)(`guess limits under concurrent bursts: ${factory.name}, ${instanceCount} instance(s)`, () => {
    const suite = dataLayerSuite(factory);

    async function setUp(policy: EnrollmentPolicy = defaultEnrollmentPolicy) {
      const location = await factory.newLocation();
      const world = await instances(() => suite.openMigrated(location), instanceCount, policy);
      const first = world.services[0]!;
      const identity = await first.start(alex);
      const sms = await first.submitIdentity(alex, identity.flowId, "alexw", DEMO_PASSWORD);
      expect(sms.step).toBe("sms");
      return { ...world, flowId: sms.flowId, on: (i: number) => world.services[i % instanceCount]! };
    }

    it("12 concurrent wrong SMS codes and then the right one: at most 5 compared, the right one refused", async () => {
      const w = await setUp();
      const right = w.sms.lastCode();
      w.secrets.smsHashes = 0;
      const wrong = await Promise.all(Array.from({ length: 12 }, (_, i) => w.on(i).submitSms(alex, w.flowId, wrongCode(right))));
      expect(wrong.every((view) => view.step === "sms")).toBe(true);
      const last = await w.on(0).submitSms(alex, w.flowId, right);
      expect(w.secrets.smsHashes).toBeLessThanOrEqual(defaultEnrollmentPolicy.smsMaxAttempts);
      expect(last).toMatchObject({ step: "sms", notice: { key: "error.smsTooManyAttempts" } });
    });

    it("a burst of 200 guesses at one code compares at most the 5 tries", async () => {
      const w = await setUp();
      const right = w.sms.lastCode();
      w.secrets.smsHashes = 0;
      const views = await Promise.all(
        Array.from({ length: 200 }, (_, i) => w.on(i).submitSms(alex, w.flowId, i === 199 ? right : wrongCode(right))),
      );
      const accepted = views.filter((view) => view.step === "device").length;
      // The accepted guess (if the right one was among the admitted) hashes once more, for the app-code step.
      expect(w.secrets.smsHashes - accepted).toBeLessThanOrEqual(defaultEnrollmentPolicy.smsMaxAttempts);
    });

    it("with more tries per code, a burst still compares at most the day's 15", async () => {
      const w = await setUp({ ...defaultEnrollmentPolicy, smsMaxAttempts: 10_000 });
      const right = w.sms.lastCode();
      w.secrets.smsHashes = 0;
      await Promise.all(Array.from({ length: 200 }, (_, i) => w.on(i).submitSms(alex, w.flowId, wrongCode(right))));
      expect(w.secrets.smsHashes).toBeLessThanOrEqual(defaultEnrollmentPolicy.smsWrongMaxPerDay);
      expect((await w.on(1).submitSms(alex, w.flowId, right)).notice?.key).toBe("error.smsTooManyToday");
    });

    it("20 concurrent wrong first codes from the app: at most 5 compared, then the flow starts over", async () => {
      const w = await setUp();
      let view = await w.on(0).submitSms(alex, w.flowId, w.sms.lastCode());
      view = await w.on(0).submitDevice(alex, view.flowId, "Min mobil");
      const secret = view.qr!.secret;
      const wrong = w.totp.codeAt(secret, new Date(w.clock.now().getTime() + 3_600_000));
      w.totp.matches = 0;
      await Promise.all(Array.from({ length: 20 }, (_, i) => w.on(i).confirm(alex, view.flowId, wrong)));
      expect(w.totp.matches).toBeLessThanOrEqual(defaultEnrollmentPolicy.confirmMaxFailures);
      const right = await w.on(1).confirm(alex, view.flowId, w.totp.codeAt(secret, w.clock.now()));
      expect(right.step).not.toBe("done");
    });

    it("30 concurrent wrong codes at the Citrix login: at most 10 compared, then the right code is refused (locked)", async () => {
      const w = await setUp();
      let view = await w.on(0).submitSms(alex, w.flowId, w.sms.lastCode());
      view = await w.on(0).submitDevice(alex, view.flowId, "Min mobil");
      const secret = view.qr!.secret;
      expect((await w.on(0).confirm(alex, view.flowId, w.totp.codeAt(secret, w.clock.now()))).step).toBe("done");
      w.clock.advance(30);
      const login = (i: number) => w.validators[i % instanceCount]!;
      const attempt = { userName: "alexw", client: "netscaler", channel: "radius" } as const;
      const wrong = w.totp.codeAt(secret, new Date(w.clock.now().getTime() + 3_600_000));
      w.totp.matches = 0;
      const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => login(i).checkCode(attempt, wrong)));
      expect(w.totp.matches).toBeLessThanOrEqual(defaultValidationPolicy.maxFailures);
      expect(answers.filter((a) => a.reason === "locked").length).toBeGreaterThanOrEqual(30 - defaultValidationPolicy.maxFailures);
      expect(await login(1).checkCode(attempt, w.totp.codeAt(secret, w.clock.now()))).toEqual({ ok: false, reason: "locked" });
    });
  });
}

burstContract(sqliteEngine("guess-limits"), 1);
burstContract(sqliteEngine("guess-limits-gc", { groupCommit: true }), 1);
burstContract(postgresEngine("guess_limits"), 2);
