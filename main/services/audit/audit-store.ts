import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { maskIdNumber } from '../../../idcard/id-number';
import type { VerificationRecord } from '../verify/verify-service';

export interface AuditRow {
  verification_id: string;
  started_at: string;
  duration_ms: number;
  card_type: string;
  id_number_masked: string;
  provider: string;
  verdict: string;
  reason: string | null;
  score: number | null;
  threshold: number | null;
  far: number | null;
  liveness_passed: number;
  liveness_challenge: string | null;
  liveness_checks: string;
}

/**
 * Verification audit trail in SQLite. It keeps masked ID numbers and scores, never names;
 * the live frame and chip photo are stored only when the operator turned storeImages on.
 */
export class AuditStore {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement;
  private readonly insertImages: Database.Statement;

  constructor(file: string, private readonly storeImages: boolean) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS verifications (
        verification_id TEXT PRIMARY KEY, started_at TEXT NOT NULL, duration_ms INTEGER NOT NULL,
        card_type TEXT NOT NULL, id_number_masked TEXT NOT NULL, provider TEXT NOT NULL,
        verdict TEXT NOT NULL, reason TEXT, score REAL, threshold REAL, far REAL,
        liveness_passed INTEGER NOT NULL, liveness_challenge TEXT, liveness_checks TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS verification_images (
        verification_id TEXT PRIMARY KEY REFERENCES verifications(verification_id),
        live_jpeg BLOB NOT NULL, chip_photo BLOB, chip_photo_mime TEXT);`);
    this.insert = this.db.prepare(`INSERT INTO verifications VALUES (
      @verification_id, @started_at, @duration_ms, @card_type, @id_number_masked, @provider, @verdict, @reason,
      @score, @threshold, @far, @liveness_passed, @liveness_challenge, @liveness_checks)`);
    this.insertImages = this.db.prepare('INSERT INTO verification_images VALUES (?, ?, ?, ?)');
  }

  record(record: VerificationRecord): void {
    const { result, submit, card } = record;
    const row: AuditRow = {
      verification_id: record.verificationId,
      started_at: new Date(record.startedAt).toISOString(),
      duration_ms: Math.round(record.durationMs),
      card_type: card.identity.type,
      id_number_masked: maskIdNumber(card.identity.idNumber),
      provider: result.provider,
      verdict: result.verdict,
      reason: result.reason,
      score: result.score,
      threshold: result.threshold,
      far: result.far,
      liveness_passed: submit.liveness.passed ? 1 : 0,
      liveness_challenge: submit.liveness.challenge,
      liveness_checks: JSON.stringify(submit.liveness.checks),
    };
    this.db.transaction(() => {
      this.insert.run(row);
      if (this.storeImages) {
        this.insertImages.run(record.verificationId, record.live, card.photo?.bytes ?? null, card.photo?.mime ?? null);
      }
    })();
  }

  recent(limit = 50): AuditRow[] {
    return this.db.prepare('SELECT * FROM verifications ORDER BY started_at DESC LIMIT ?').all(limit) as AuditRow[];
  }

  imageCount(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM verification_images').get() as { n: number }).n;
  }

  close(): void {
    this.db.close();
  }
}
