import { randomBytes } from "node:crypto";
import { AesGcmSecretBox } from "../../src/adapters/aes-gcm-secret-box.js";
import { DemoDirectory } from "../../src/adapters/demo-directory.js";
import { OtplibTotp } from "../../src/adapters/otplib-totp.js";
import { defaultEnrollmentPolicy } from "../../src/features/enrollment/enrollment-policy.js";
import { defaultValidationPolicy, type ValidationPolicy } from "../../src/features/validation/validation-policy.js";
import { ValidationService } from "../../src/features/validation/validation-service.js";
import type { LoginAttempt } from "../../src/features/validation/validator.js";
import { defaultTemporaryAccessPolicy } from "../../src/features/validation/temporary-access-policy.js";
import { FakeClock, MemoryChallenges, MemoryNoticeOutbox, MemoryStores, MemoryTemporaryAccess } from "./fakes.js";

export const STEP_MS = 30_000;

/** The validation service over in-memory ports, with alexw (and isaiahl) enrolled at the clock's start. */
export function validationHarness(policy: Partial<ValidationPolicy> = {}) {
  const clock = new FakeClock();
  const stores = new MemoryStores();
  const challenges = new MemoryChallenges();
  const temporaryAccess = new MemoryTemporaryAccess();
  const notices = new MemoryNoticeOutbox();
  const totp = new OtplibTotp();
  const secrets = new AesGcmSecretBox(randomBytes(32));
  const service = new ValidationService({
    directory: new DemoDirectory(),
    tokens: stores,
    challenges,
    secrets,
    totp,
    rates: stores,
    audit: stores,
    clock,
    policy: { ...defaultValidationPolicy, ...policy },
    passwordChecks: defaultEnrollmentPolicy,
    temporaryAccess,
    temporaryAccessPolicy: defaultTemporaryAccessPolicy,
    notices,
  });
  const secrets_: Record<string, string> = {};
  function enroll(loginName: string, upn: string, id = `token-${loginName}`) {
    const secret = totp.generateSecret();
    secrets_[loginName] = secret;
    const activatedStep = Math.floor(clock.now().getTime() / STEP_MS);
    for (const t of stores.tokens) if (t.loginName === loginName && t.status === "active") t.status = "replaced";
    stores.tokens.push({
      id,
      loginName,
      upn,
      deviceName: "Min mobil",
      secretSealed: secrets.seal(secret),
      activatedAt: clock.now(),
      lastTimeStep: activatedStep,
      status: "active",
    });
    return secret;
  }
  enroll("alexw", "alexw@example.com");
  /** The code of `login`'s token `steps` windows from now. */
  const code = (login = "alexw", steps = 0) => totp.codeAt(secrets_[login]!, new Date(clock.now().getTime() + steps * STEP_MS));
  const attempt = (userName = "alexw"): LoginAttempt => ({ userName, client: "netscaler-1", channel: "radius" });
  const validations = () => stores.audit.filter((e) => e.action === "login.validate");
  return { clock, stores, challenges, temporaryAccess, notices, totp, secrets, service, enroll, code, attempt, validations };
}
