import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { safeStorageCipher, type SafeStorageLike } from '../../../main/electron/safe-storage-cipher';
import { SecretStore } from '../../../main/services/operator/secrets';

/** A keyring stand-in: XOR with a fixed byte, so sealed bytes differ from the text but round-trip. */
function fakeSafeStorage(available: boolean): SafeStorageLike {
  const flip = (b: Buffer) => Buffer.from(b.map((x) => x ^ 0x5a));
  return {
    isEncryptionAvailable: () => available,
    encryptString: (plain) => flip(Buffer.from(plain, 'utf8')),
    decryptString: (sealed) => flip(sealed).toString('utf8'),
  };
}

describe('the AccessKey sealed through Electron safeStorage', () => {
  it('round-trips the secrets through the keyring and never writes them in clear', () => {
    const cipher = safeStorageCipher(fakeSafeStorage(true));
    expect(cipher?.kind).toBe('safeStorage');
    const file = join(mkdtempSync(join(tmpdir(), 'rz-safe-')), 'secrets.sealed');
    const store = new SecretStore(file, cipher!);
    store.write({ accessKeyId: 'LTAI-id', accessKeySecret: 'very-secret' });
    expect(readFileSync(file, 'utf8')).not.toContain('very-secret');
    expect(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64').toString('utf8')).not.toContain('very-secret');
    expect(store.read()).toEqual({ accessKeyId: 'LTAI-id', accessKeySecret: 'very-secret' });
  });

  it('declines where the OS has no keyring (or Electron gives no safeStorage), so the key file is used', () => {
    expect(safeStorageCipher(fakeSafeStorage(false))).toBeNull();
    expect(safeStorageCipher(undefined)).toBeNull();
  });
});
