export interface SmsSendOptions {
  /** Retrying a failed send past this moment is pointless (the code in the text has expired). */
  notAfter?: Date;
}

/** Sends a text message. Throws SmsDeliveryError (src/features/shared/errors.ts) on failure. */
export interface SmsSender {
  send(toE164: string, text: string, options?: SmsSendOptions): Promise<void>;
}
