/** Domain errors. Adapters translate library errors into these, keeping the original as `cause`. */
export class DomainError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The directory did not answer (down, timeout, TLS failure). The user may retry later. */
export class DirectoryUnavailableError extends DomainError {}

/** The SMS gateway refused or failed. */
export class SmsDeliveryError extends DomainError {}

/** Someone else saved first (optimistic concurrency). */
export class ConcurrentUpdateError extends DomainError {}

/** The store failed for another reason. */
export class StorageError extends DomainError {}
