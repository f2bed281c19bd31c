/** Domain errors. Adapters translate library errors into these, keeping the original as `cause`. */
export class DomainError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The directory did not answer (down, timeout, TLS failure). The user may retry later. */
export class DirectoryUnavailableError extends DomainError {}

/** The SMS gateway refused or failed, after `attempts` tries; `status` is the gateway's last HTTP status when it answered. */
export class SmsDeliveryError extends DomainError {
  readonly status?: number;
  readonly attempts?: number;

  constructor(message: string, options: { status?: number; attempts?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    if (options.status !== undefined) this.status = options.status;
    if (options.attempts !== undefined) this.attempts = options.attempts;
  }
}

/** Someone else saved first (optimistic concurrency). */
export class ConcurrentUpdateError extends DomainError {}

/** The store failed for another reason. */
export class StorageError extends DomainError {}

/**
 * The chat service did not take a message now but may soon: throttled (429) or a passing
 * failure (412, 502–504, no answer). Worth retrying, not before `retryAfterMs` when it said.
 */
export class ChannelBusyError extends DomainError {
  readonly status?: number;
  readonly retryAfterMs?: number;

  constructor(message: string, options: { status?: number; retryAfterMs?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    if (options.status !== undefined) this.status = options.status;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }
}

/** The chat service refused the message for good (403, 404, a bad request): not retried. */
export class ChannelDeliveryError extends DomainError {}

/** A QR code could not be drawn (the renderer failed or stopped). Names neither the text nor the secret in it. */
export class QrImageError extends DomainError {}
