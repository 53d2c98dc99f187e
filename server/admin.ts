import { randomBytes } from 'node:crypto';
import { secretAad } from './auth';
import type { SecretBox } from './crypto';
import { SCHEMES, type AccessKeyRecord, type Repository, type Scheme } from './repository/types';

/** Administration of keys and biz scenarios (the CLI's `server keys …` and `server biz …`). */

export interface NewAccessKey {
  AccessKeyId: string;
  AccessKeySecret: string;
}

/** A new AccessKey; the secret is returned this once and stored only sealed. */
export async function createAccessKey(repo: Repository, secrets: SecretBox, now: Date = new Date()): Promise<NewAccessKey> {
  // Shaped like Alibaba's (LTAI + 20 characters id, 30-character secret), from an alphabet that needs no encoding.
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const pick = (n: number) => Array.from(randomBytes(n), (b) => alphabet[b % alphabet.length]).join('');
  const key: NewAccessKey = { AccessKeyId: `LTAI${pick(20)}`, AccessKeySecret: pick(30) };
  const record: AccessKeyRecord = { id: key.AccessKeyId, sealedSecret: secrets.seal(Buffer.from(key.AccessKeySecret, 'utf8'), secretAad(key.AccessKeyId)), active: true, createdAt: now, revokedAt: null };
  await repo.createAccessKey(record);
  return key;
}

export interface AccessKeySummary {
  AccessKeyId: string;
  Status: 'Active' | 'Inactive';
  CreateDate: string;
  RevokeDate?: string;
}

/** Keys without their secrets. */
export async function listAccessKeys(repo: Repository): Promise<AccessKeySummary[]> {
  return (await repo.listAccessKeys()).map((k) => ({
    AccessKeyId: k.id,
    Status: k.active ? 'Active' : 'Inactive',
    CreateDate: k.createdAt.toISOString(),
    ...(k.revokedAt ? { RevokeDate: k.revokedAt.toISOString() } : {}),
  }));
}

export function isScheme(value: string): value is Scheme {
  return (SCHEMES as readonly string[]).includes(value);
}
