/** Sends a text message. Throws SmsDeliveryError (src/features/shared/errors.ts) on failure. */
export interface SmsSender {
  send(toE164: string, text: string): Promise<void>;
}
