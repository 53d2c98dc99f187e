import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { seal, unseal } from '../audit/audit-ledger';

/** How secrets are sealed: Electron's safeStorage in the Electron shell, a 0600 key file under the web host. */
export interface SecretCipher {
  readonly kind: 'safeStorage' | 'key-file';
  encrypt(plain: Buffer): Buffer;
  decrypt(sealed: Buffer): Buffer;
}

export function keyFileCipher(key: Buffer): SecretCipher {
  return { kind: 'key-file', encrypt: (plain) => seal(key, plain), decrypt: (sealed) => unseal(key, sealed) };
}

const Secrets = z.strictObject({ accessKeyId: z.string().optional(), accessKeySecret: z.string().optional() });
export type Secrets = z.infer<typeof Secrets>;

/**
 * The cloudauth AccessKey, sealed in a 0600 file. It is read by main only: no channel returns it,
 * the operator page learns only whether one is set.
 */
export class SecretStore {
  constructor(private readonly file: string, private readonly cipher: SecretCipher) {}

  read(): Secrets {
    if (!existsSync(this.file)) return {};
    const sealed = Buffer.from(readFileSync(this.file, 'utf8').trim(), 'base64');
    return Secrets.parse(JSON.parse(this.cipher.decrypt(sealed).toString('utf8')));
  }

  write(secrets: Secrets): void {
    mkdirSync(dirname(this.file), { recursive: true });
    const sealed = this.cipher.encrypt(Buffer.from(JSON.stringify(secrets), 'utf8'));
    writeFileSync(this.file, `${sealed.toString('base64')}\n`, { mode: 0o600 });
    chmodSync(this.file, 0o600);
  }
}
