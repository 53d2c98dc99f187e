import type { SecretCipher } from '../services/operator/secrets';

/** The part of Electron's safeStorage the kiosk uses (injected, so it is tested without Electron). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(sealed: Buffer): string;
}

/**
 * The AccessKey is sealed by the OS keyring through Electron's safeStorage (DPAPI, Keychain, libsecret).
 * Where no keyring is available (a bare Linux kiosk session), null: the kiosk keeps the 0600 key file.
 */
export function safeStorageCipher(safeStorage: SafeStorageLike | undefined): SecretCipher | null {
  if (!safeStorage?.isEncryptionAvailable()) return null;
  return {
    kind: 'safeStorage',
    // The secrets are JSON text; base64 keeps any byte sequence intact through the string API.
    encrypt: (plain) => safeStorage.encryptString(plain.toString('base64')),
    decrypt: (sealed) => Buffer.from(safeStorage.decryptString(sealed), 'base64'),
  };
}
