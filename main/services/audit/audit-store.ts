import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { maskIdNumber } from '../../../idcard/id-number';
import { ensurePrivateDir, ensurePrivateFile } from '../private-files';
import type { VerificationAudit, VerificationRecord, VerificationStart } from '../verify/verify-service';

export interface AuditRow {
  verification_id: string;
  started_at: string;
  duration_ms: number;
  card_type: string;
  id_number_masked: string;
  provider: string;
  /** 'pending' from submit until the verdict is written; a row left 'pending' by a killed kiosk becomes 'error'/'interrupted' on the next start. */
  verdict: string;
  reason: string | null;
  score: number | null;
  threshold: number | null;
  far: number | null;
  liveness_passed: number;
  liveness_challenge: string | null;
  liveness_checks: string;
  /** Why main refused the evidence or the frame; the provider's raw code and message on errors. */
  detail: string | null;
  provider_code: string | null;
}

/**
 * The verifications table as the first release created it (later columns are added on open). The audit
 * ledger shares the file and may open it first, so it creates the table from this same statement.
 */
export const VERIFICATIONS_TABLE = `CREATE TABLE IF NOT EXISTS verifications (
        verification_id TEXT PRIMARY KEY, started_at TEXT NOT NULL, duration_ms INTEGER NOT NULL,
        card_type TEXT NOT NULL, id_number_masked TEXT NOT NULL, provider TEXT NOT NULL,
        verdict TEXT NOT NULL, reason TEXT, score REAL, threshold REAL, far REAL,
        liveness_passed INTEGER NOT NULL, liveness_challenge TEXT, liveness_checks TEXT NOT NULL);`;

/** The verdict of a row whose verification has started and not yet finished. */
export const PENDING = 'pending';

/**
 * Verification audit trail in SQLite. It keeps masked ID numbers and scores, never names;
 * the live frame and chip photo are stored only when the operator turned storeImages on.
 * A row is written when a verification starts and completed before its verdict is shown, so
 * a kiosk killed in between leaves a row that the next start marks as interrupted.
 */
export class AuditStore implements VerificationAudit {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement;
  private readonly complete: Database.Statement;
  private readonly insertImages: Database.Statement;
  /** How many verifications the previous run left unfinished (marked interrupted when this store opened). */
  readonly interruptedOnOpen: number;

  constructor(file: string, private readonly storeImages: boolean) {
    if (file !== ':memory:') {
      // Created owner-only when missing; an existing folder is the data directory, whose mode createKiosk handles.
      ensurePrivateDir(dirname(file), false);
      ensurePrivateFile(file);
    }
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.exec(`
      ${VERIFICATIONS_TABLE}
      CREATE TABLE IF NOT EXISTS verification_images (
        verification_id TEXT PRIMARY KEY REFERENCES verifications(verification_id),
        live_jpeg BLOB NOT NULL, chip_photo BLOB, chip_photo_mime TEXT);`);
    // Columns added after the first release; databases written by it gain them here.
    const columns = new Set((this.db.prepare('PRAGMA table_info(verifications)').all() as { name: string }[]).map((c) => c.name));
    if (!columns.has('detail')) this.db.exec('ALTER TABLE verifications ADD COLUMN detail TEXT');
    if (!columns.has('provider_code')) this.db.exec('ALTER TABLE verifications ADD COLUMN provider_code TEXT');
    this.interruptedOnOpen = this.db
      .prepare(`UPDATE verifications SET verdict = 'error', reason = 'interrupted',
        detail = 'the kiosk stopped before this verification finished (crash, kill or power loss)' WHERE verdict = ?`)
      .run(PENDING).changes;
    this.insert = this.db.prepare(`INSERT INTO verifications (verification_id, started_at, duration_ms, card_type,
      id_number_masked, provider, verdict, liveness_passed, liveness_challenge, liveness_checks)
      VALUES (@verification_id, @started_at, 0, @card_type, @id_number_masked, @provider, '${PENDING}',
      @liveness_passed, @liveness_challenge, @liveness_checks)`);
    // provider too: a fallback decides with another provider than the one the row started with.
    this.complete = this.db.prepare(`UPDATE verifications SET duration_ms = @duration_ms, provider = @provider, verdict = @verdict,
      reason = @reason, score = @score, threshold = @threshold, far = @far, detail = @detail, provider_code = @provider_code
      WHERE verification_id = @verification_id AND verdict = '${PENDING}'`);
    this.insertImages = this.db.prepare('INSERT INTO verification_images VALUES (?, ?, ?, ?)');
  }

  started(start: VerificationStart): void {
    const { submit, card } = start;
    this.insert.run({
      verification_id: start.verificationId,
      started_at: new Date(start.startedAt).toISOString(),
      card_type: card.identity.type,
      id_number_masked: maskIdNumber(card.identity.idNumber),
      provider: start.provider,
      liveness_passed: submit.liveness.passed ? 1 : 0,
      liveness_challenge: submit.liveness.challenge,
      liveness_checks: JSON.stringify(submit.liveness.checks),
    });
  }

  finished(record: VerificationRecord): void {
    const { result, card } = record;
    this.db.transaction(() => {
      const changed = this.complete.run({
        verification_id: record.verificationId,
        duration_ms: Math.round(record.durationMs),
        provider: result.provider,
        verdict: result.verdict,
        reason: result.reason,
        score: result.score,
        threshold: result.threshold,
        far: result.far,
        detail: record.detail ?? (result.verdict === 'error' ? result.message : null),
        provider_code: result.providerCode,
      }).changes;
      if (changed !== 1) throw new Error(`no started audit row for verification ${record.verificationId}`);
      if (this.storeImages) {
        this.insertImages.run(record.verificationId, record.live, card.photo?.bytes ?? null, card.photo?.mime ?? null);
      }
    })();
  }

  /** Both writes at once, for a verification recorded after the fact (tests, imports). */
  record(record: VerificationRecord): void {
    this.started(record);
    this.finished(record);
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
