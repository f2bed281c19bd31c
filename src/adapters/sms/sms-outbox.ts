import { appendFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { SmsSender } from "../../ports/sms-sender.js";
import { SmsDeliveryError } from "../../features/shared/errors.js";
import { ensurePrivateDir, PRIVATE_FILE_MODE } from "../private-files.js";

/** The outbox's name in DATA_DIR. */
export const SMS_OUTBOX_FILE = "sms-outbox.jsonl";

/**
 * Local mode's stand-in for an SMS gateway: each message is printed and appended as one
 * JSON line {"to","text","at"} to a file, so a person (or a test) can read the code.
 * It holds codes in plaintext on purpose, like a phone would; it is never used in production.
 */
export class SmsOutbox implements SmsSender {
  constructor(
    private readonly file: string,
    /** Printed to stderr, apart from the log stream on stdout, which never carries codes. */
    private readonly print: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  ) {}

  async send(toE164: string, text: string): Promise<void> {
    const line = JSON.stringify({ to: toE164, text, at: new Date().toISOString() });
    try {
      ensurePrivateDir(dirname(this.file));
      await appendFile(this.file, `${line}\n`, { mode: PRIVATE_FILE_MODE });
    } catch (error) {
      throw new SmsDeliveryError("Could not write to the SMS outbox file.", { cause: error });
    }
    this.print(`[SMS outbox] ${line}`);
  }
}
