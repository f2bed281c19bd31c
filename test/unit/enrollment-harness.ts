import { randomBytes } from "node:crypto";
import { AesGcmSecretBox } from "../../src/adapters/aes-gcm-secret-box.js";
import { DEMO_PASSWORD, DemoDirectory } from "../../src/adapters/demo-directory.js";
import { OtplibTotp } from "../../src/adapters/otplib-totp.js";
import { defaultEnrollmentPolicy, type EnrollmentPolicy } from "../../src/features/enrollment/enrollment-policy.js";
import { EnrollmentService } from "../../src/features/enrollment/enrollment-service.js";
import type { StepView } from "../../src/features/enrollment/step-view.js";
import type { Caller } from "../../src/ports/caller.js";
import type { Directory } from "../../src/ports/directory.js";
import { FakeClock, FakeSms, MemoryNoticeOutbox, MemoryStores, MemoryTemporaryAccess } from "./fakes.js";

export const alex: Caller = { userKey: "aad-alex", upn: "alexw@example.com", locale: "sv" };

export function harness(directory: Directory = new DemoDirectory(), policy: EnrollmentPolicy = defaultEnrollmentPolicy) {
  const clock = new FakeClock();
  const sms = new FakeSms();
  const stores = new MemoryStores();
  const totp = new OtplibTotp();
  const secrets = new AesGcmSecretBox(randomBytes(32));
  const temporaryAccess = new MemoryTemporaryAccess();
  const notices = new MemoryNoticeOutbox();
  const service = new EnrollmentService({
    directory,
    sms,
    secrets,
    totp,
    clock,
    policy,
    enrollments: stores,
    tokens: stores,
    rates: stores,
    audit: stores,
    temporaryAccess,
    notices,
  });

  /** Walks the happy path up to (and including) `until`. */
  async function walk(until: "identity" | "sms" | "device" | "qr" | "done", caller: Caller = alex, login = "alexw"): Promise<StepView> {
    let view = await service.start(caller);
    if (until === "identity") return view;
    view = await service.submitIdentity(caller, view.flowId, login, DEMO_PASSWORD);
    if (until === "sms") return view;
    view = await service.submitSms(caller, view.flowId, sms.lastCode());
    if (until === "device") return view;
    view = await service.submitDevice(caller, view.flowId, "Min mobil");
    if (until === "qr") return view;
    return service.confirm(caller, view.flowId, totp.codeAt(view.qr!.secret, clock.now()));
  }

  return { clock, sms, stores, totp, secrets, service, walk, temporaryAccess, notices };
}
