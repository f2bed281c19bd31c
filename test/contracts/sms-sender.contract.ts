import { describe, expect, it } from "vitest";
import { SmsDeliveryError } from "../../src/features/shared/errors.js";
import type { SmsSender } from "../../src/ports/sms-sender.js";

/** A sender under test, what reached its far end, and a way to make the far end fail. */
export interface SmsSenderHarness {
  sender: SmsSender;
  delivered(): Promise<{ to: string; text: string }[]>;
  /** Makes the next send fail at the far end (gateway down, outbox unwritable). */
  breakNext(): void;
}

/**
 * SmsSender: the number and the text arrive unchanged (Unicode included); a failure is an
 * SmsDeliveryError whose message carries neither the text (it holds the code) nor the number.
 */
export function smsSenderContract(name: string, make: () => Promise<SmsSenderHarness>): void {
  describe(`SmsSender contract: ${name}`, () => {
    const text = "Din kod är 123456. Koden gäller i 5 minuter – visa den inte för någon.";

    it("delivers the number and the text unchanged", async () => {
      const h = await make();
      await h.sender.send("+46701740605", text);
      expect(await h.delivered()).toEqual([{ to: "+46701740605", text }]);
    });

    it("fails with SmsDeliveryError that names neither the code nor the number", async () => {
      const h = await make();
      h.breakNext();
      const error = await h.sender.send("+46701740605", text).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(SmsDeliveryError);
      expect(String((error as Error).message)).not.toMatch(/123456|701740605/);
    });
  });
}
