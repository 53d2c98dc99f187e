import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';

/**
 * The service's one master key and what is derived from it. AccessKey secrets must be readable
 * to verify HMAC signatures, and biometric images must be kept, so both are sealed with
 * AES-256-GCM under keys derived (HKDF) from the master key; a stolen database alone reveals neither.
 */

export const MASTER_KEY_ENV = 'RENZHENG_SERVER_MASTER_KEY';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Format byte in front of every sealed value, so the scheme can change without guessing. */
const SEALED_V1 = 1;

export class MasterKeyError extends Error {}

/** Reads 32 bytes written as base64 or hex. */
function decodeKey(text: string, where: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== KEY_BYTES) throw new MasterKeyError(`The master key in ${where} is not 32 bytes (base64 or 64 hex digits). Generate one with: openssl rand -base64 32`);
  return key;
}

export interface MasterKeySource {
  env: Record<string, string | undefined>;
  /** The key file; created (0600) when absent and create is true. */
  file: string;
  create: boolean;
}

/**
 * The master key from the environment, else from a key file that only its owner may read.
 * Several server processes sharing one database must share the key: give it by environment there.
 */
export function loadMasterKey(source: MasterKeySource): { key: Buffer; from: 'env' | 'file' | 'created' } {
  const fromEnv = source.env[MASTER_KEY_ENV];
  if (fromEnv) return { key: decodeKey(fromEnv, MASTER_KEY_ENV), from: 'env' };
  if (existsSync(source.file)) {
    const mode = statSync(source.file).mode & 0o777;
    if (mode & 0o077) {
      throw new MasterKeyError(`The key file ${source.file} can be read by others (mode ${mode.toString(8)}); run chmod 600 on it.`);
    }
    return { key: decodeKey(readFileSync(source.file, 'utf8'), source.file), from: 'file' };
  }
  if (!source.create) throw new MasterKeyError(`No master key: set ${MASTER_KEY_ENV} or create ${source.file} (openssl rand -base64 32, mode 600).`);
  const key = randomBytes(KEY_BYTES);
  writeFileSync(source.file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(source.file, 0o600);
  return { key, from: 'created' };
}

export type KeyPurpose = 'access-key-secrets' | 'biometrics' | 'url-signing' | 'token-hashing';

export function deriveKey(master: Buffer, purpose: KeyPurpose): Buffer {
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `renzheng-server/${purpose}`, KEY_BYTES));
}

/** AES-256-GCM with a random IV; the associated data binds a sealed value to where it belongs. */
export class SecretBox {
  constructor(private readonly key: Buffer) {}

  seal(plain: Buffer, associated: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(associated, 'utf8'));
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([Buffer.from([SEALED_V1]), iv, cipher.getAuthTag(), body]);
  }

  /** Throws when the value was altered, sealed under another key, or moved to another place. */
  open(sealed: Buffer, associated: string): Buffer {
    if (sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== SEALED_V1) throw new Error('The sealed value is not in a known format.');
    const iv = sealed.subarray(1, 1 + IV_BYTES);
    const tag = sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
    decipher.setAAD(Buffer.from(associated, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(sealed.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]);
  }
}

/** Keyed hash for bearer tokens, so the database holds no usable VerifyToken or STS token. */
export function hashToken(key: Buffer, token: string): string {
  return createHmac('sha256', key).update(token, 'utf8').digest('base64url');
}

/** HMAC-SHA256 over a URL's path and expiry, for GetMaterials' time-limited links. */
export function signUrlPath(key: Buffer, path: string, expires: number): string {
  return createHmac('sha256', key).update(`${path}\n${expires}`, 'utf8').digest('base64url');
}

export function verifyUrlPath(key: Buffer, path: string, expires: number, signature: string): boolean {
  const expected = Buffer.from(signUrlPath(key, path, expires));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
