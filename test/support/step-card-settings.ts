import { afterAll } from "vitest";
import { WorkerQrImages } from "../../src/adapters/qr/worker-qr-images.js";
import type { StepCardSettings } from "../../src/features/enrollment/step-cards.js";

/** The step cards' settings for card tests, drawing QR codes on a real worker (ended after the file's tests). */
export function stepCardSettings(): StepCardSettings {
  const settings = {
    citrixUrl: "https://citrix.regionjh.se",
    smsCodeTtlSeconds: 300,
    loginMode: "otp" as const,
    qrImages: new WorkerQrImages(),
  };
  afterAll(() => settings.qrImages.close());
  return settings;
}
