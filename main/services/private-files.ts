import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs';

/** Owner only: the data directory holds the audit trail (masked IDs, scores, maybe images) and maybe AccessKeys. */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Create the directory owner-only, or tighten one an older version (or umask 022) left readable
 * by others. Returns what it changed so the caller can say so in the log.
 */
export function ensurePrivateDir(dir: string): { created: boolean; tightenedFrom: number | null } {
  let created = false;
  try {
    statSync(dir);
  } catch {
    mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
    created = true;
  }
  const mode = statSync(dir).mode & 0o777;
  if ((mode & 0o077) === 0) return { created, tightenedFrom: null };
  chmodSync(dir, PRIVATE_DIR_MODE);
  return { created, tightenedFrom: mode };
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
