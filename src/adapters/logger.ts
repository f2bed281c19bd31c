import { pino, type Logger } from "pino";

/**
 * Structured JSON logs on stdout. Whatever a handler passes, fields that could carry a
 * password, code, secret or otpauth URI are censored, and strings that look like an
 * otpauth URI are cut wherever they appear.
 */
const sensitiveKeys = ["password", "secret", "code", "smsCode", "totpCode", "otpauth", "uri", "token", "authorization", "value"];
const redactPaths = sensitiveKeys.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { service: "otp-enrollment-bot" },
      redact: { paths: redactPaths, censor: "[redacted]" },
      formatters: { level: (label) => ({ level: label }) },
      hooks: {
        logMethod(args, method) {
          method.apply(
            this,
            args.map((arg) => (typeof arg === "string" ? arg.replace(/otpauth:\/\/\S+/g, "otpauth://[redacted]") : arg)) as Parameters<
              typeof method
            >,
          );
        },
      },
    },
    destination ?? process.stdout,
  );
}

export type { Logger };

/** Errors as log fields, secrets cut out: written once for the domain and the adapters. */
export { errorFields } from "../features/shared/error-fields.js";
