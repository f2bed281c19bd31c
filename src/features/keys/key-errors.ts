import { DomainError } from "../../features/shared/errors.js";

/** The key encryption key could not be reached or refused to unwrap (Key Vault down, no permission, wrong key). */
export class KeyUnavailableError extends DomainError {}

/** A sealed value names a data key that is not in the database (or cannot be opened with it). */
export class UnknownDataKeyError extends DomainError {}
