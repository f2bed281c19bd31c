import type { TokenCredential } from "@azure/identity";
import {
  CryptographyClient,
  type CryptographyClientOptions,
  KeyClient,
  type KeyVaultKey,
  parseKeyVaultKeyIdentifier,
} from "@azure/keyvault-keys";
import type { KeyWrapper, WrappedKey } from "../../ports/key-wrapping.js";
import { KeyUnavailableError } from "../../features/keys/key-errors.js";

const ALGORITHM = "RSA-OAEP-256";

export type KeyVaultClientOptions = Pick<CryptographyClientOptions, "tlsOptions" | "disableChallengeResourceVerification" | "retryOptions">;

/**
 * Azure Key Vault as the key encryption key: data keys are wrapped and unwrapped by the
 * vault (RSA-OAEP-256); the RSA private key never leaves it. KEY_VAULT_KEY_ID may name a
 * version or not; without one, the newest version (read once at start) wraps, so rotating
 * the key in the vault and then running `keys rotate` moves every data key onto it.
 */
export class KeyVaultKeyWrapper implements KeyWrapper {
  private readonly clients = new Map<string, CryptographyClient>();

  private constructor(
    private readonly current: KeyVaultKey,
    private readonly credential: TokenCredential,
    private readonly options: KeyVaultClientOptions,
  ) {}

  /** Reads the key (its newest version unless the id names one): fails when the vault cannot be reached. */
  static async connect(keyId: string, credential: TokenCredential, options: KeyVaultClientOptions = {}): Promise<KeyVaultKeyWrapper> {
    const { vaultUrl, name, version } = parseKeyVaultKeyIdentifier(keyId);
    const key = await translate(`read the key ${name}`, () =>
      new KeyClient(vaultUrl, credential, { retryOptions: { maxRetries: 2 }, ...options }).getKey(name, version ? { version } : {}),
    );
    if (!key.id) throw new KeyUnavailableError(`Azure Key Vault returned the key ${name} without its id.`);
    return new KeyVaultKeyWrapper(key, credential, options);
  }

  /** The versioned id of the key that wraps. */
  get kekId(): string {
    return this.current.id!;
  }

  async wrap(key: Buffer): Promise<WrappedKey> {
    const result = await translate("wrap a data key", () => this.client(this.kekId).wrapKey(ALGORITHM, key));
    return { kekId: this.kekId, wrapped: Buffer.from(result.result).toString("base64url") };
  }

  /**
   * Only versions of the configured key in the configured vault: the kek_id comes from the
   * database, and following it elsewhere would send a bearer token where a database writer says.
   */
  owns(kekId: string): boolean {
    try {
      const wanted = parseKeyVaultKeyIdentifier(this.kekId);
      const given = parseKeyVaultKeyIdentifier(kekId);
      return given.vaultUrl === wanted.vaultUrl && given.name === wanted.name && given.version !== undefined;
    } catch {
      return false;
    }
  }

  async unwrap(key: WrappedKey): Promise<Buffer> {
    if (!this.owns(key.kekId)) throw new KeyUnavailableError("The data key was wrapped by a key outside the configured Key Vault key.");
    const result = await translate("unwrap a data key", () =>
      this.client(key.kekId).unwrapKey(ALGORITHM, Buffer.from(key.wrapped, "base64url")),
    );
    return Buffer.from(result.result);
  }

  private client(kekId: string): CryptographyClient {
    let client = this.clients.get(kekId);
    if (!client) {
      // A versioned id as a string: the operation goes to that version (wrap/unwrap stay in the vault).
      client = new CryptographyClient(kekId === this.kekId ? this.current : kekId, this.credential, {
        retryOptions: { maxRetries: 2 },
        ...this.options,
      });
      this.clients.set(kekId, client);
    }
    return client;
  }
}

/** Library errors become KeyUnavailableError naming what failed (status and code, never key material). */
async function translate<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode;
    const code = (error as { code?: string }).code;
    const why = status ? `HTTP ${status}${code ? ` ${code}` : ""}` : (code ?? (error instanceof Error ? error.name : "unknown error"));
    throw new KeyUnavailableError(`Azure Key Vault: could not ${what} (${why}).`, { cause: error });
  }
}
