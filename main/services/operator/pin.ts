import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';

/** Wrong PINs in a row before the lock, and how long the lock lasts (doubling with each further lock). */
export const MAX_PIN_FAILURES = 5;
export const LOCKOUT_MS = 5 * 60 * 1000;

const PinFile = z.strictObject({
  salt: z.string(),
  hash: z.string(),
  failures: z.number().int().nonnegative(),
  lockedUntil: z.number().int().nonnegative(),
  locks: z.number().int().nonnegative(),
});
type PinFile = z.infer<typeof PinFile>;

export type PinCheck = { ok: true } | { ok: false; locked: boolean; retryAfterMs: number };

function hashPin(pin: string, salt: Buffer): Buffer {
  // scrypt: a 6-digit PIN has a small space, so each guess must be slow even offline.
  return scryptSync(pin, salt, 32, { N: 2 ** 14, r: 8, p: 1 });
}

/**
 * The staff PIN: stored as a salted scrypt hash in a 0600 file, never in clear. Failures and the
 * lock are in the same file, so restarting the kiosk does not reset the count.
 */
export class PinGate {
  private state: PinFile | null;

  constructor(private readonly file: string, private readonly now: () => number = Date.now) {
    this.state = existsSync(file) ? PinFile.parse(JSON.parse(readFileSync(file, 'utf8'))) : null;
  }

  isSet(): boolean {
    return this.state !== null;
  }

  set(pin: string): void {
    if (!/^\d{4,12}$/.test(pin)) throw new RangeError('A staff PIN is 4 to 12 digits.');
    const salt = randomBytes(16);
    this.state = { salt: salt.toString('base64'), hash: hashPin(pin, salt).toString('base64'), failures: 0, lockedUntil: 0, locks: 0 };
    this.save();
  }

  check(pin: string): PinCheck {
    const state = this.state;
    const now = this.now();
    // No PIN configured: the operator surface stays shut (set one with RENZHENG_OPERATOR_PIN on first start).
    if (!state) return { ok: false, locked: true, retryAfterMs: 0 };
    if (state.lockedUntil > now) return { ok: false, locked: true, retryAfterMs: state.lockedUntil - now };
    const given = hashPin(pin, Buffer.from(state.salt, 'base64'));
    if (timingSafeEqual(given, Buffer.from(state.hash, 'base64'))) {
      state.failures = 0;
      state.locks = 0;
      this.save();
      return { ok: true };
    }
    state.failures += 1;
    if (state.failures >= MAX_PIN_FAILURES) {
      state.lockedUntil = now + LOCKOUT_MS * 2 ** Math.min(state.locks, 6);
      state.locks += 1;
      state.failures = 0;
    }
    this.save();
    const locked = state.lockedUntil > now;
    return { ok: false, locked, retryAfterMs: locked ? state.lockedUntil - now : 0 };
  }

  private save(): void {
    mkdirSync(dirname(this.file), { recursive: true });
    writeFileSync(this.file, JSON.stringify(this.state), { mode: 0o600 });
  }
}
