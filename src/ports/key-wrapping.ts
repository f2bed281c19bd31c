/**
 * Key encryption keys (KEK): what wraps the data keys kept in the database. Implementations:
 * Azure Key Vault (src/adapters/keyvault/) and a local 32-byte key (ENCRYPTION_KEY or local
 * mode's generated file). The unwrapped keys live only in memory.
 */
export interface WrappedKey {
  /** Which key encryption key (and version) wrapped it; unwrap goes to that one. */
  kekId: string;
  /** base64url. */
  wrapped: string;
}

export interface KeyWrapper {
  /** Wraps with the current key encryption key. */
  wrap(key: Buffer): Promise<WrappedKey>;
  /** True when this wrapper can unwrap what `kekId` wrapped. */
  owns(kekId: string): boolean;
  /** Throws KeyUnavailableError when the key encryption key cannot be reached or refuses. */
  unwrap(key: WrappedKey): Promise<Buffer>;
}

export type DataKeyPurpose = "data" | "mac";

export interface DataKeyRecord extends WrappedKey {
  id: string;
  purpose: DataKeyPurpose;
  createdAt: Date;
}

/** The wrapped data keys (table data_keys). */
export interface DataKeyStore {
  /** The newest key of the purpose (by creation time, then id): what seals from now on. */
  newest(purpose: DataKeyPurpose): Promise<DataKeyRecord | null>;
  get(id: string): Promise<DataKeyRecord | null>;
  list(): Promise<DataKeyRecord[]>;
  /** Inserts; false (and nothing written) when the id exists already. */
  insert(record: DataKeyRecord): Promise<boolean>;
  delete(id: string): Promise<void>;
}
