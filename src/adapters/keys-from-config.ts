import type { TokenCredential } from "@azure/identity";
import type { Config } from "../config/load-config.js";
import { EnvelopeSecretBox } from "../features/keys/envelope-secret-box.js";
import { KeyRing } from "../features/keys/key-ring.js";
import type { Clock } from "../ports/clock.js";
import type { KeyWrapper } from "../ports/key-wrapping.js";
import { AesGcmSecretBox } from "./aes-gcm-secret-box.js";
import { azureCredentialFromConfig } from "./azure-credential.js";
import { KeyVaultKeyWrapper, type KeyVaultClientOptions } from "./keyvault/key-vault-wrapper.js";
import { loadOrCreateLocalKey } from "./local-encryption-key.js";
import { LocalKeyWrapper } from "./local-key-wrapper.js";
import { SqlDataKeyStore } from "./sql/data-key-store.js";
import type { Database } from "./sql/database.js";
import { createSqlStores, type SqlStores } from "./sql/index.js";
import { AUDIT_MAC_LABEL, AuditChainWriter } from "../features/audit/audit-chain.js";
import { KeyLoadingEnrollmentStore, KeyLoadingTokenStore } from "../features/keys/key-loading-stores.js";
import { KeyRotation } from "../features/keys/key-rotation.js";
import { SqlSealedValueStore } from "./sql/sealed-value-store.js";

export interface Keys {
  ring: KeyRing;
  box: EnvelopeSecretBox;
}

/** Tests point Key Vault at a stand-in: its own credential and TLS trust. */
export interface KeyVaultOverrides {
  credential?: TokenCredential;
  clientOptions?: KeyVaultClientOptions;
}

/**
 * The key encryption keys from the configuration, first the one that wraps new keys:
 * KEY_VAULT_KEY_ID (Azure Key Vault), else ENCRYPTION_KEY, else (local mode) the key file in
 * the data folder. ENCRYPTION_KEY next to KEY_VAULT_KEY_ID still unwraps what it wrapped and
 * opens v1 values, until `keys rotate` has moved everything onto Key Vault.
 * Throws KeyUnavailableError when Key Vault cannot be reached.
 */
export async function keysFromConfig(config: Config, database: Database, clock: Clock, overrides: KeyVaultOverrides = {}): Promise<Keys> {
  const legacyMaster = config.ENCRYPTION_KEY
    ? Buffer.from(config.ENCRYPTION_KEY, "base64")
    : config.KEY_VAULT_KEY_ID
      ? undefined
      : loadOrCreateLocalKey(config.dataDir);
  const wrappers: KeyWrapper[] = [];
  if (config.KEY_VAULT_KEY_ID) {
    const credential = overrides.credential ?? azureCredentialFromConfig(config);
    wrappers.push(await KeyVaultKeyWrapper.connect(config.KEY_VAULT_KEY_ID, credential, overrides.clientOptions));
  }
  if (legacyMaster) wrappers.push(new LocalKeyWrapper(legacyMaster));
  const ring = await KeyRing.open({ store: new SqlDataKeyStore(database.db), wrappers, clock });
  return { ring, box: new EnvelopeSecretBox(ring, legacyMaster ? new AesGcmSecretBox(legacyMaster) : undefined) };
}

/**
 * The SQL stores of a process that holds the keys: sealed values are readable whatever data
 * key sealed them (looked up on a miss), and its audit rows form this process's own chain.
 */
export function createKeyedSqlStores(database: Database, keys: Keys, clock?: Clock): SqlStores {
  const stores = createSqlStores(database, clock, new AuditChainWriter(keys.ring.derivedMacKey(AUDIT_MAC_LABEL)));
  return {
    ...stores,
    enrollments: new KeyLoadingEnrollmentStore(stores.enrollments, keys.ring),
    tokens: new KeyLoadingTokenStore(stores.tokens, keys.ring),
  };
}

/** `keys rotate|reseal|status|prune` over this database with these keys. */
export function keyRotationOf(database: Database, keys: Keys, clock: Clock): KeyRotation {
  return new KeyRotation({
    ring: keys.ring,
    box: keys.box,
    keys: new SqlDataKeyStore(database.db),
    sealed: new SqlSealedValueStore(database.db),
    clock,
  });
}
