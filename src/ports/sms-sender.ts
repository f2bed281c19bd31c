/** Sends a text message. Throws SmsDeliveryError (src/domain/errors.ts) on failure. */
export interface SmsSender {
  send(toE164: string, text: string): Promise<void>;
}
