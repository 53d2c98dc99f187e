import { createCipheriv, createDecipheriv, createHmac, randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { maskIdNumber } from '../../../idcard/id-number';
import type { HeldCard } from '../reader/types';
import type { VerificationRecord } from '../verify/verify-service';
import { VERIFICATIONS_TABLE, type AuditRow } from './audit-store';

/**
 * What the audit trail keeps beside audit-store's verification rows, in the same SQLite file
 * (its own connection, WAL): which person a row belongs to as a keyed hash (so one person's
 * records can be deleted on request without the ID number being stored), the attempt number,
 * biometric images sealed with AES-256-GCM when the operator keeps images, manual checks,
 * operator actions, and an outbox for a central service.
 */

const KEY_BYTES = 32;

/** The audit key (0600 file in the data directory): seals images and keys the ID-number hash. */
export function loadOrCreateAuditKey(file: string): Buffer {
  if (existsSync(file)) {
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== KEY_BYTES) throw new Error(`The audit key ${file} is damaged (${key.length} bytes, expected ${KEY_BYTES}); restore it from backup.`);
    chmodSync(file, 0o600);
    return key;
  }
  mkdirSync(dirname(file), { recursive: true });
  const key = randomBytes(KEY_BYTES);
  writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  return key;
}

/** AES-256-GCM: iv (12) ‖ tag (16) ‖ ciphertext. */
export function seal(key: Buffer, plain: Buffer): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

export function unseal(key: Buffer, sealed: Buffer): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
  decipher.setAuthTag(sealed.subarray(12, 28));
  return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]);
}

export interface AuditQuery {
  /** ISO dates (inclusive from, exclusive to). */
  from?: string;
  to?: string;
  verdict?: 'pass' | 'fail' | 'error' | 'manual-check';
  limit?: number;
  offset?: number;
}

/** An audit row as the operator's browser lists it: the store's row plus this ledger's extras. */
export interface AuditListRow extends Omit<AuditRow, 'duration_ms' | 'detail' | 'provider_code'> {
  attempt: number | null;
  session_id: string | null;
  has_images: number;
}

export interface OperatorActionRow {
  id: number;
  at: string;
  action: string;
  detail: string | null;
}

export interface OutboxItem {
  id: number;
  verification_id: string;
  payload: string;
  tries: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export class AuditLedger {
  private readonly db: Database.Database;

  constructor(file: string, private readonly key: Buffer, private readonly opts: { outbox?: boolean } = {}) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    // NORMAL with WAL: a committed transaction survives a process kill (only an OS crash may lose the last ones).
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 2000');
    // The database holds masked numbers, ID hashes and sealed images: readable by the kiosk user only.
    if (file !== ':memory:') for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) chmodSync(f, 0o600);
    this.db.exec(`
      ${VERIFICATIONS_TABLE}
      CREATE TABLE IF NOT EXISTS verification_subjects (
        verification_id TEXT PRIMARY KEY, id_hash TEXT NOT NULL, session_id TEXT, attempt INTEGER);
      CREATE INDEX IF NOT EXISTS verification_subjects_hash ON verification_subjects(id_hash);
      CREATE TABLE IF NOT EXISTS sealed_images (
        verification_id TEXT PRIMARY KEY, live BLOB NOT NULL, chip BLOB, chip_mime TEXT);
      CREATE TABLE IF NOT EXISTS operator_actions (
        id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, action TEXT NOT NULL, detail TEXT);
      CREATE TABLE IF NOT EXISTS outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT, verification_id TEXT NOT NULL, payload TEXT NOT NULL,
        tries INTEGER NOT NULL DEFAULT 0, next_at INTEGER NOT NULL, last_error TEXT);`);
  }

  /** Keyed hash of a full ID number: equal numbers match, the number cannot be read back. */
  idHash(idNumber: string): string {
    return createHmac('sha256', this.key).update(idNumber.trim().toUpperCase()).digest('hex');
  }

  /** Beside audit-store's row: whose it is (hashed), which attempt, sealed images when kept, and the outbox entry. */
  recordExtras(record: VerificationRecord, opts: { attempt: number; storeImages: boolean }): void {
    const { card } = record;
    this.db.transaction(() => {
      this.db.prepare('INSERT OR REPLACE INTO verification_subjects VALUES (?, ?, ?, ?)')
        .run(record.verificationId, this.idHash(card.identity.idNumber), card.cardId, opts.attempt);
      if (opts.storeImages) {
        this.db.prepare('INSERT OR REPLACE INTO sealed_images VALUES (?, ?, ?, ?)').run(
          record.verificationId, seal(this.key, record.live), card.photo ? seal(this.key, card.photo.bytes) : null, card.photo?.mime ?? null,
        );
      }
      if (this.opts.outbox) this.enqueue(record.verificationId, this.centralPayload(record, opts.attempt), Date.now());
    })();
  }

  /** What a central service receives: the same masked facts as the local row, never images or names. */
  private centralPayload(record: VerificationRecord, attempt: number): string {
    const { result, card, submit } = record;
    return JSON.stringify({
      verificationId: record.verificationId, startedAt: new Date(record.startedAt).toISOString(), cardType: card.identity.type,
      idNumberMasked: maskIdNumber(card.identity.idNumber), provider: result.provider, verdict: result.verdict, reason: result.reason,
      score: result.score, threshold: result.threshold, far: result.far, liveness: { passed: submit.liveness.passed, challenge: submit.liveness.challenge }, attempt,
    });
  }

  /** A card whose photo could not be decoded: one row saying staff checked it by hand (no scores, no images). */
  recordManualCheck(card: HeldCard, now = Date.now()): string {
    const id = randomUUID();
    this.db.transaction(() => {
      // Named columns: audit-store adds columns over releases (detail, provider_code).
      this.db.prepare(`INSERT INTO verifications (verification_id, started_at, duration_ms, card_type, id_number_masked, provider,
        verdict, reason, score, threshold, far, liveness_passed, liveness_challenge, liveness_checks)
        VALUES (?, ?, 0, ?, ?, 'none', 'manual-check', 'no-chip-photo', NULL, NULL, NULL, 0, NULL, '[]')`)
        .run(id, new Date(now).toISOString(), card.identity.type, maskIdNumber(card.identity.idNumber));
      this.db.prepare('INSERT INTO verification_subjects VALUES (?, ?, ?, NULL)').run(id, this.idHash(card.identity.idNumber), card.cardId);
    })();
    return id;
  }

  recordOperatorAction(action: string, detail: string | null = null, now = Date.now()): void {
    this.db.prepare('INSERT INTO operator_actions (at, action, detail) VALUES (?, ?, ?)').run(new Date(now).toISOString(), action, detail);
  }

  operatorActions(limit = 100): OperatorActionRow[] {
    return this.db.prepare('SELECT * FROM operator_actions ORDER BY id DESC LIMIT ?').all(limit) as OperatorActionRow[];
  }

  search(query: AuditQuery = {}): AuditListRow[] {
    const where: string[] = [];
    const params: Record<string, unknown> = {};
    if (query.from) { where.push('v.started_at >= @from'); params.from = query.from; }
    if (query.to) { where.push('v.started_at < @to'); params.to = query.to; }
    if (query.verdict) { where.push('v.verdict = @verdict'); params.verdict = query.verdict; }
    params.limit = Math.min(Math.max(query.limit ?? 100, 1), 10_000);
    params.offset = Math.max(query.offset ?? 0, 0);
    return this.db.prepare(`
      SELECT v.verification_id, v.started_at, v.card_type, v.id_number_masked, v.provider, v.verdict, v.reason, v.score,
             v.threshold, v.far, v.liveness_passed, v.liveness_challenge, v.liveness_checks, s.attempt, s.session_id,
             (i.verification_id IS NOT NULL) AS has_images
      FROM verifications v LEFT JOIN verification_subjects s USING (verification_id) LEFT JOIN sealed_images i USING (verification_id)
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY v.started_at DESC LIMIT @limit OFFSET @offset`).all(params) as AuditListRow[];
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM verifications').get() as { n: number }).n;
  }

  /** The sealed images of one verification, opened (for the operator's audit browser only). */
  images(verificationId: string): { live: Buffer; chip: Buffer | null; chipMime: string | null } | null {
    const row = this.db.prepare('SELECT live, chip, chip_mime FROM sealed_images WHERE verification_id = ?').get(verificationId) as
      { live: Buffer; chip: Buffer | null; chip_mime: string | null } | undefined;
    if (!row) return null;
    return { live: unseal(this.key, row.live), chip: row.chip ? unseal(this.key, row.chip) : null, chipMime: row.chip_mime };
  }

  private deleteIds(ids: string[]): number {
    if (ids.length === 0) return 0;
    const hasPlainImages = this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'verification_images'").get() !== undefined;
    let deleted = 0;
    this.db.transaction(() => {
      for (const id of ids) {
        this.db.prepare('DELETE FROM sealed_images WHERE verification_id = ?').run(id);
        if (hasPlainImages) this.db.prepare('DELETE FROM verification_images WHERE verification_id = ?').run(id);
        this.db.prepare('DELETE FROM verification_subjects WHERE verification_id = ?').run(id);
        this.db.prepare('DELETE FROM outbox WHERE verification_id = ?').run(id);
        deleted += this.db.prepare('DELETE FROM verifications WHERE verification_id = ?').run(id).changes;
      }
    })();
    return deleted;
  }

  /** PIPL deletion request: every record of one ID number, with its images. Returns how many verifications went. */
  deleteByIdNumber(idNumber: string): number {
    const ids = (this.db.prepare('SELECT verification_id FROM verification_subjects WHERE id_hash = ?').all(this.idHash(idNumber)) as { verification_id: string }[])
      .map((r) => r.verification_id);
    return this.deleteIds(ids);
  }

  /** Retention: records (and their images) older than `days` are deleted; operator actions too. */
  purgeOlderThan(days: number, now = Date.now()): number {
    const cutoff = new Date(now - days * DAY_MS).toISOString();
    const ids = (this.db.prepare('SELECT verification_id FROM verifications WHERE started_at < ?').all(cutoff) as { verification_id: string }[])
      .map((r) => r.verification_id);
    const deleted = this.deleteIds(ids);
    this.db.prepare('DELETE FROM operator_actions WHERE at < ?').run(cutoff);
    return deleted;
  }

  // The outbox: audit records meant for a central service wait here until it accepts them.

  enqueue(verificationId: string, payload: string, now: number): void {
    this.db.prepare('INSERT INTO outbox (verification_id, payload, next_at) VALUES (?, ?, ?)').run(verificationId, payload, now);
  }

  due(now: number, limit = 20): OutboxItem[] {
    return this.db.prepare('SELECT id, verification_id, payload, tries FROM outbox WHERE next_at <= ? ORDER BY id LIMIT ?').all(now, limit) as OutboxItem[];
  }

  delivered(id: number): void {
    this.db.prepare('DELETE FROM outbox WHERE id = ?').run(id);
  }

  /** A failed delivery waits longer each time (capped at an hour); it is never dropped. */
  failed(id: number, error: string, now: number): void {
    const { tries } = this.db.prepare('SELECT tries FROM outbox WHERE id = ?').get(id) as { tries: number };
    const waitMs = Math.min(60 * 60 * 1000, 1000 * 2 ** Math.min(tries, 12));
    this.db.prepare('UPDATE outbox SET tries = tries + 1, next_at = ?, last_error = ? WHERE id = ?').run(now + waitMs, error.slice(0, 200), id);
  }

  pending(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM outbox').get() as { n: number }).n;
  }

  integrity(): string {
    return (this.db.pragma('integrity_check', { simple: true }) as string);
  }

  close(): void {
    this.db.close();
  }
}

const CSV_COLUMNS: (keyof AuditListRow)[] = [
  'verification_id', 'started_at', 'card_type', 'id_number_masked', 'provider', 'verdict', 'reason', 'score', 'threshold', 'far',
  'liveness_passed', 'liveness_challenge', 'attempt',
];

/** RFC 4180 CSV of audit rows (masked ID numbers only); cells that start like a formula are quoted with a leading apostrophe. */
export function auditCsv(rows: AuditListRow[]): string {
  const cell = (value: unknown): string => {
    let text = value === null || value === undefined ? '' : String(value);
    if (/^[=+\-@]/.test(text) && typeof value === 'string') text = `'${text}`;
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [CSV_COLUMNS.join(','), ...rows.map((row) => CSV_COLUMNS.map((c) => cell(row[c])).join(','))].join('\r\n') + '\r\n';
}
