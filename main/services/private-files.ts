import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs';

/** Owner only: the data directory holds the audit trail (masked IDs, scores, maybe images) and maybe AccessKeys. */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Create the directory owner-only. An existing one that others can read is tightened only when
 * `tighten` says the directory is the kiosk's own (the default location, which older versions
 * created 0755 under umask 022); a directory the operator chose is left as it is and reported,
 * since chmod-ing someone's $HOME or a shared mount is not ours to do.
 */
export function ensurePrivateDir(dir: string, tighten = true): { created: boolean; looseMode: number | null; tightened: boolean } {
  let created = false;
  try {
    statSync(dir);
  } catch {
    mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
    created = true;
  }
  const stat = statSync(dir);
  const mode = stat.mode & 0o777;
  if ((mode & 0o077) === 0) return { created, looseMode: null, tightened: false };
  const ours = typeof process.getuid !== 'function' || stat.uid === process.getuid();
  if (!tighten || !ours) return { created, looseMode: mode, tightened: false };
  try {
    chmodSync(dir, PRIVATE_DIR_MODE);
    return { created, looseMode: mode, tightened: true };
  } catch {
    return { created, looseMode: mode, tightened: false };
  }
}

/**
 * Create the file owner-only before a library opens it (better-sqlite3 would create it 0644 under
 * umask 022), or tighten an existing one. SQLite gives its -wal and -shm files the database's mode.
 */
export function ensurePrivateFile(file: string): void {
  closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, PRIVATE_FILE_MODE);
}

/**
 * Why a settings file holding an AccessKey secret must not be trusted, or undefined when it may:
 * a secret that other local users can read is already leaked.
 */
export function secretFileProblem(file: string, mode: number): string | undefined {
  if ((mode & 0o077) === 0) return undefined;
  return `Settings file ${file} holds the AccessKey secret but is readable by other users (mode ${(mode & 0o777).toString(8)}). Run chmod 600 on it, or move the secret to ALIBABA_CLOUD_ACCESS_KEY_SECRET.`;
}
