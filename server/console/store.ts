import Database from 'better-sqlite3';
import type { TicketStatus } from '../repository/types';
import type { AccessLogEntry, BizSettings, ConsoleUser, RecordQuery, RecordRow, ReviewRecord, Role, SessionRecord, Source } from './types';

/**
 * SQLite: the console's tables, beside the service's own in the same SQLite file (a second connection:
 * WAL lets both write). Kept out of the Repository interface so the API path does not change;
 * the ticket and object rows it must delete are the service's own tables, named here once.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS console_users (name TEXT PRIMARY KEY, role TEXT NOT NULL, password_hash TEXT NOT NULL, must_change INTEGER NOT NULL,
  failed_logins INTEGER NOT NULL DEFAULT 0, locked_until INTEGER, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS console_sessions (id_hash TEXT PRIMARY KEY, user TEXT NOT NULL, csrf TEXT NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS console_access_log (id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, user TEXT NOT NULL, action TEXT NOT NULL, target TEXT NOT NULL, detail TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS console_ticket_index (biz TEXT NOT NULL, ticket_id TEXT NOT NULL, id_hash TEXT, id_masked TEXT, source TEXT, upload_paths TEXT NOT NULL DEFAULT '[]', PRIMARY KEY (biz, ticket_id));
CREATE INDEX IF NOT EXISTS console_ticket_index_id ON console_ticket_index (id_hash);
CREATE TABLE IF NOT EXISTS console_biz_settings (biz TEXT PRIMARY KEY, retention_days INTEGER, review_low REAL, review_high REAL);
CREATE TABLE IF NOT EXISTS console_reviews (biz TEXT NOT NULL, ticket_id TEXT NOT NULL, reviewer TEXT NOT NULL, decision INTEGER NOT NULL, reason TEXT NOT NULL, at INTEGER NOT NULL);
`;

// The service's tables (server/repository/sqlite.ts) this store reads or deletes from.
const SERVICE_SCHEMA_NEEDED = ['tickets', 'objects', 'verify_tokens', 'biz'];

interface UserRow { name: string; role: string; password_hash: string; must_change: number; failed_logins: number; locked_until: number | null; created_at: number }
const userFromRow = (r: UserRow): ConsoleUser => ({
  name: r.name,
  role: r.role as Role,
  passwordHash: r.password_hash,
  mustChange: r.must_change === 1,
  failedLogins: r.failed_logins,
  lockedUntil: r.locked_until === null ? null : new Date(r.locked_until),
  createdAt: new Date(r.created_at),
});

interface RecordSqlRow { biz: string; ticket_id: string; status: number; similarity_score: number | null; audit_conclusions: string | null; id_masked: string | null; source: string | null; created_at: number; submitted_at: number | null; has_materials: number }
const recordFromRow = (r: RecordSqlRow): RecordRow => ({
  biz: r.biz,
  ticketId: r.ticket_id,
  status: r.status as TicketStatus,
  similarityScore: r.similarity_score,
  auditConclusions: r.audit_conclusions,
  idMasked: r.id_masked,
  source: r.source as Source | null,
  createdAt: new Date(r.created_at),
  submittedAt: r.submitted_at === null ? null : new Date(r.submitted_at),
  hasMaterials: r.has_materials === 1,
});

export interface TicketForRemoval {
  biz: string;
  ticketId: string;
  sealedMaterials: Buffer | null;
  submittedAt: Date | null;
}

/**
 * The console's storage, beside the service's tables in the same database (SQLite file or
 * PostgreSQL), with two implementations like the service's Repository.
 */
export interface ConsoleStore {
  readonly kind: 'sqlite' | 'postgres';
  close(): Promise<void>;
  createUser(user: ConsoleUser): Promise<boolean>;
  getUser(name: string): Promise<ConsoleUser | undefined>;
  listUsers(): Promise<ConsoleUser[]>;
  setPassword(name: string, hash: string, mustChange: boolean): Promise<void>;
  /** Counts a failed login; locks the account until `lockUntil` when the count reaches `limit`. Returns the new count. */
  recordFailedLogin(name: string, limit: number, lockUntil: Date): Promise<number>;
  clearFailedLogins(name: string): Promise<void>;
  createSession(s: SessionRecord): Promise<void>;
  getSession(idHash: string): Promise<SessionRecord | undefined>;
  deleteSession(idHash: string): Promise<void>;
  /** Ends every session of a user but the one named (after a password change). */
  deleteSessionsOf(user: string, exceptIdHash?: string): Promise<void>;
  deleteExpiredSessions(now: Date): Promise<void>;
  logAccess(entry: Omit<AccessLogEntry, 'id'>): Promise<void>;
  accessLog(limit: number): Promise<AccessLogEntry[]>;
  /** Indexes a submitted ticket; `uploadPaths` keep its STS upload areas findable after its tokens are purged. */
  indexTicket(biz: string, ticketId: string, idHash: string | null, idMasked: string | null, source: Source, uploadPaths: readonly string[]): Promise<void>;
  searchRecords(q: RecordQuery & { idHash?: string; idMasked?: string }): Promise<RecordRow[]>;
  getRecord(biz: string, ticketId: string): Promise<(RecordRow & { sealedMaterials: Buffer | null }) | undefined>;
  submissionsBetween(from: Date, to: Date): Promise<{ biz: string; status: TicketStatus; score: number | null; at: Date }[]>;
  /** Moves a ticket in review (0) to 1 or 2; false when it is no longer in review (someone else decided). */
  decideTicket(r: ReviewRecord, conclusion: string): Promise<boolean>;
  reviewsOf(biz: string, ticketId: string): Promise<ReviewRecord[]>;
  getBizSettings(biz: string): Promise<BizSettings>;
  setBizSettings(s: BizSettings): Promise<void>;
  ticketsOfIdHash(idHash: string): Promise<{ biz: string; ticketId: string }[]>;
  ticketForRemoval(biz: string, ticketId: string): Promise<TicketForRemoval | undefined>;
  /** Tickets of a biz whose materials are older than `before` and still kept. */
  expiredMaterials(biz: string, before: Date): Promise<TicketForRemoval[]>;
  bizWithRetention(): Promise<{ biz: string; retentionDays: number }[]>;
  /** Upload prefixes of the ticket's tokens, current and indexed (objects uploaded with its StsToken live under sts/PREFIX). */
  uploadPathsOf(biz: string, ticketId: string): Promise<string[]>;
  /** Drops the materials and the listed objects of a ticket (retention): the verdict stays. */
  dropMaterials(biz: string, ticketId: string, objectKeys: readonly string[], objectPrefixes: readonly string[]): Promise<number>;
  /** Removes a ticket entirely: its row, tokens (sealed Bindings), objects, index and review rows. */
  removeTicket(biz: string, ticketId: string, objectKeys: readonly string[], objectPrefixes: readonly string[]): Promise<{ objects: number; tokens: number }>;
}

export class SqliteConsoleStore implements ConsoleStore {
  readonly kind = 'sqlite' as const;
  private readonly db: Database.Database;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    const tables = new Set((this.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name));
    const missing = SERVICE_SCHEMA_NEEDED.filter((t) => !tables.has(t));
    if (missing.length) throw new Error(`The service database has no ${missing.join(', ')} table; start the service once (renzheng server) before using the console.`);
  }

  async close(): Promise<void> {
    this.db.close();
  }

  // ---------- users ----------

  async createUser(user: ConsoleUser): Promise<boolean> {
    return this.db
      .prepare('INSERT OR IGNORE INTO console_users (name, role, password_hash, must_change, failed_logins, locked_until, created_at) VALUES (?, ?, ?, ?, 0, NULL, ?)')
      .run(user.name, user.role, user.passwordHash, user.mustChange ? 1 : 0, user.createdAt.getTime()).changes > 0;
  }

  async getUser(name: string): Promise<ConsoleUser | undefined> {
    const row = this.db.prepare('SELECT * FROM console_users WHERE name = ?').get(name) as UserRow | undefined;
    return row && userFromRow(row);
  }

  async listUsers(): Promise<ConsoleUser[]> {
    return (this.db.prepare('SELECT * FROM console_users ORDER BY name').all() as UserRow[]).map(userFromRow);
  }

  async setPassword(name: string, hash: string, mustChange: boolean): Promise<void> {
    this.db.prepare('UPDATE console_users SET password_hash = ?, must_change = ?, failed_logins = 0, locked_until = NULL WHERE name = ?').run(hash, mustChange ? 1 : 0, name);
  }

  /** Counts a failed login; locks the account until `lockUntil` when the count reaches `limit`. Returns the new count. */
  async recordFailedLogin(name: string, limit: number, lockUntil: Date): Promise<number> {
    return this.db.transaction(() => {
      this.db.prepare('UPDATE console_users SET failed_logins = failed_logins + 1 WHERE name = ?').run(name);
      const row = this.db.prepare('SELECT failed_logins FROM console_users WHERE name = ?').get(name) as { failed_logins: number } | undefined;
      const count = row?.failed_logins ?? 0;
      if (count >= limit) this.db.prepare('UPDATE console_users SET locked_until = ?, failed_logins = 0 WHERE name = ?').run(lockUntil.getTime(), name);
      return count;
    })();
  }

  async clearFailedLogins(name: string): Promise<void> {
    this.db.prepare('UPDATE console_users SET failed_logins = 0, locked_until = NULL WHERE name = ?').run(name);
  }

  // ---------- sessions ----------

  async createSession(s: SessionRecord): Promise<void> {
    this.db.prepare('INSERT INTO console_sessions (id_hash, user, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)').run(s.idHash, s.user, s.csrf, s.createdAt.getTime(), s.expiresAt.getTime());
  }

  async getSession(idHash: string): Promise<SessionRecord | undefined> {
    const r = this.db.prepare('SELECT * FROM console_sessions WHERE id_hash = ?').get(idHash) as { id_hash: string; user: string; csrf: string; created_at: number; expires_at: number } | undefined;
    return r && { idHash: r.id_hash, user: r.user, csrf: r.csrf, createdAt: new Date(r.created_at), expiresAt: new Date(r.expires_at) };
  }

  async deleteSession(idHash: string): Promise<void> {
    this.db.prepare('DELETE FROM console_sessions WHERE id_hash = ?').run(idHash);
  }

  async deleteSessionsOf(user: string, exceptIdHash = ''): Promise<void> {
    this.db.prepare('DELETE FROM console_sessions WHERE user = ? AND id_hash <> ?').run(user, exceptIdHash);
  }

  async deleteExpiredSessions(now: Date): Promise<void> {
    this.db.prepare('DELETE FROM console_sessions WHERE expires_at < ?').run(now.getTime());
  }

  // ---------- access log ----------

  async logAccess(entry: Omit<AccessLogEntry, 'id'>): Promise<void> {
    this.db.prepare('INSERT INTO console_access_log (at, user, action, target, detail) VALUES (?, ?, ?, ?, ?)').run(entry.at.getTime(), entry.user, entry.action, entry.target, entry.detail);
  }

  async accessLog(limit: number): Promise<AccessLogEntry[]> {
    const rows = this.db.prepare('SELECT * FROM console_access_log ORDER BY id DESC LIMIT ?').all(limit) as { id: number; at: number; user: string; action: string; target: string; detail: string }[];
    return rows.map((r) => ({ id: r.id, at: new Date(r.at), user: r.user, action: r.action, target: r.target, detail: r.detail }));
  }

  // ---------- ticket index (written when a submission commits) ----------

  async indexTicket(biz: string, ticketId: string, idHash: string | null, idMasked: string | null, source: Source, uploadPaths: readonly string[]): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO console_ticket_index (biz, ticket_id, id_hash, id_masked, source, upload_paths) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (biz, ticket_id) DO UPDATE SET id_hash = excluded.id_hash, id_masked = excluded.id_masked, source = excluded.source, upload_paths = excluded.upload_paths`,
      )
      .run(biz, ticketId, idHash, idMasked, source, JSON.stringify(uploadPaths));
  }

  async searchRecords(q: RecordQuery & { idHash?: string; idMasked?: string }): Promise<RecordRow[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    // Time range on the submission; a ticket nobody submitted to is dated by its creation.
    if (q.from) (where.push('COALESCE(t.submitted_at, t.created_at) >= ?'), args.push(q.from.getTime()));
    if (q.to) (where.push('COALESCE(t.submitted_at, t.created_at) < ?'), args.push(q.to.getTime()));
    if (q.biz) (where.push('t.biz = ?'), args.push(q.biz));
    if (q.status !== undefined) (where.push('t.status = ?'), args.push(q.status));
    if (q.source) (where.push('i.source = ?'), args.push(q.source));
    if (q.idHash) (where.push('i.id_hash = ?'), args.push(q.idHash));
    if (q.idMasked) (where.push('i.id_masked = ?'), args.push(q.idMasked));
    const sql = `SELECT t.biz, t.ticket_id, t.status, t.similarity_score, t.audit_conclusions, i.id_masked, i.source, t.created_at, t.submitted_at,
        (t.sealed_materials IS NOT NULL) AS has_materials
      FROM tickets t LEFT JOIN console_ticket_index i ON i.biz = t.biz AND i.ticket_id = t.ticket_id
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY COALESCE(t.submitted_at, t.created_at) DESC, t.ticket_id LIMIT ?`;
    return (this.db.prepare(sql).all(...args, q.limit) as RecordSqlRow[]).map(recordFromRow);
  }

  async getRecord(biz: string, ticketId: string): Promise<(RecordRow & { sealedMaterials: Buffer | null }) | undefined> {
    const row = this.db
      .prepare(
        `SELECT t.biz, t.ticket_id, t.status, t.similarity_score, t.audit_conclusions, i.id_masked, i.source, t.created_at, t.submitted_at,
          (t.sealed_materials IS NOT NULL) AS has_materials, t.sealed_materials
        FROM tickets t LEFT JOIN console_ticket_index i ON i.biz = t.biz AND i.ticket_id = t.ticket_id WHERE t.biz = ? AND t.ticket_id = ?`,
      )
      .get(biz, ticketId) as (RecordSqlRow & { sealed_materials: Buffer | null }) | undefined;
    return row && { ...recordFromRow(row), sealedMaterials: row.sealed_materials };
  }

  /** Submitted tickets in a window, for statistics. */
  async submissionsBetween(from: Date, to: Date): Promise<{ biz: string; status: TicketStatus; score: number | null; at: Date }[]> {
    const rows = this.db
      .prepare('SELECT biz, status, similarity_score, submitted_at FROM tickets WHERE submitted_at IS NOT NULL AND submitted_at >= ? AND submitted_at < ?')
      .all(from.getTime(), to.getTime()) as { biz: string; status: number; similarity_score: number | null; submitted_at: number }[];
    return rows.map((r) => ({ biz: r.biz, status: r.status as TicketStatus, score: r.similarity_score, at: new Date(r.submitted_at) }));
  }

  // ---------- review ----------

  /** Moves a ticket in review (0) to 1 or 2; false when it is no longer in review (someone else decided). */
  async decideTicket(r: ReviewRecord, conclusion: string): Promise<boolean> {
    return this.db.transaction(() => {
      const changed = this.db
        .prepare('UPDATE tickets SET status = ?, audit_conclusions = ?, version = version + 1 WHERE biz = ? AND ticket_id = ? AND status = 0')
        .run(r.decision, conclusion, r.biz, r.ticketId).changes;
      if (changed === 0) return false;
      this.db.prepare('INSERT INTO console_reviews (biz, ticket_id, reviewer, decision, reason, at) VALUES (?, ?, ?, ?, ?, ?)').run(r.biz, r.ticketId, r.reviewer, r.decision, r.reason, r.at.getTime());
      return true;
    })();
  }

  async reviewsOf(biz: string, ticketId: string): Promise<ReviewRecord[]> {
    const rows = this.db.prepare('SELECT * FROM console_reviews WHERE biz = ? AND ticket_id = ? ORDER BY at').all(biz, ticketId) as { biz: string; ticket_id: string; reviewer: string; decision: number; reason: string; at: number }[];
    return rows.map((r) => ({ biz: r.biz, ticketId: r.ticket_id, reviewer: r.reviewer, decision: r.decision as 1 | 2, reason: r.reason, at: new Date(r.at) }));
  }

  // ---------- biz settings ----------

  async getBizSettings(biz: string): Promise<BizSettings> {
    const r = this.db.prepare('SELECT * FROM console_biz_settings WHERE biz = ?').get(biz) as { retention_days: number | null; review_low: number | null; review_high: number | null } | undefined;
    return { biz, retentionDays: r?.retention_days ?? null, reviewLow: r?.review_low ?? null, reviewHigh: r?.review_high ?? null };
  }

  async setBizSettings(s: BizSettings): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO console_biz_settings (biz, retention_days, review_low, review_high) VALUES (?, ?, ?, ?)
         ON CONFLICT (biz) DO UPDATE SET retention_days = excluded.retention_days, review_low = excluded.review_low, review_high = excluded.review_high`,
      )
      .run(s.biz, s.retentionDays, s.reviewLow, s.reviewHigh);
  }

  // ---------- retention and deletion ----------

  async ticketsOfIdHash(idHash: string): Promise<{ biz: string; ticketId: string }[]> {
    return (this.db.prepare('SELECT biz, ticket_id FROM console_ticket_index WHERE id_hash = ?').all(idHash) as { biz: string; ticket_id: string }[]).map((r) => ({ biz: r.biz, ticketId: r.ticket_id }));
  }

  async ticketForRemoval(biz: string, ticketId: string): Promise<TicketForRemoval | undefined> {
    const r = this.db.prepare('SELECT biz, ticket_id, sealed_materials, submitted_at FROM tickets WHERE biz = ? AND ticket_id = ?').get(biz, ticketId) as
      | { biz: string; ticket_id: string; sealed_materials: Buffer | null; submitted_at: number | null }
      | undefined;
    return r && { biz: r.biz, ticketId: r.ticket_id, sealedMaterials: r.sealed_materials, submittedAt: r.submitted_at === null ? null : new Date(r.submitted_at) };
  }

  /** Tickets of a biz whose materials are older than `before` and still kept. */
  async expiredMaterials(biz: string, before: Date): Promise<TicketForRemoval[]> {
    const rows = this.db
      .prepare('SELECT biz, ticket_id, sealed_materials, submitted_at FROM tickets WHERE biz = ? AND sealed_materials IS NOT NULL AND submitted_at < ?')
      .all(biz, before.getTime()) as { biz: string; ticket_id: string; sealed_materials: Buffer; submitted_at: number }[];
    return rows.map((r) => ({ biz: r.biz, ticketId: r.ticket_id, sealedMaterials: r.sealed_materials, submittedAt: new Date(r.submitted_at) }));
  }

  async bizWithRetention(): Promise<{ biz: string; retentionDays: number }[]> {
    return (this.db.prepare('SELECT biz, retention_days FROM console_biz_settings WHERE retention_days IS NOT NULL').all() as { biz: string; retention_days: number }[]).map((r) => ({
      biz: r.biz,
      retentionDays: r.retention_days,
    }));
  }

  /** Upload prefixes of the ticket's tokens (objects uploaded with its StsToken live under sts/PREFIX). */
  async uploadPathsOf(biz: string, ticketId: string): Promise<string[]> {
    const tokens = (this.db.prepare('SELECT upload_path FROM verify_tokens WHERE biz = ? AND ticket_id = ?').all(biz, ticketId) as { upload_path: string }[]).map((r) => r.upload_path);
    const indexed = this.db.prepare('SELECT upload_paths FROM console_ticket_index WHERE biz = ? AND ticket_id = ?').get(biz, ticketId) as { upload_paths: string } | undefined;
    return [...new Set([...tokens, ...(indexed ? (JSON.parse(indexed.upload_paths) as string[]) : [])])];
  }

  /** Drops the materials and the listed objects of a ticket (retention): the verdict stays. */
  async dropMaterials(biz: string, ticketId: string, objectKeys: readonly string[], objectPrefixes: readonly string[]): Promise<number> {
    return this.db.transaction(() => {
      const objects = this.deleteObjects(objectKeys, objectPrefixes);
      this.db.prepare('UPDATE tickets SET sealed_materials = NULL WHERE biz = ? AND ticket_id = ?').run(biz, ticketId);
      return objects;
    })();
  }

  /** Removes a ticket entirely: its row, tokens (sealed Bindings), objects, index and review rows. */
  async removeTicket(biz: string, ticketId: string, objectKeys: readonly string[], objectPrefixes: readonly string[]): Promise<{ objects: number; tokens: number }> {
    return this.db.transaction(() => {
      const objects = this.deleteObjects(objectKeys, objectPrefixes);
      const tokens = this.db.prepare('DELETE FROM verify_tokens WHERE biz = ? AND ticket_id = ?').run(biz, ticketId).changes;
      this.db.prepare('DELETE FROM tickets WHERE biz = ? AND ticket_id = ?').run(biz, ticketId);
      this.db.prepare('DELETE FROM console_ticket_index WHERE biz = ? AND ticket_id = ?').run(biz, ticketId);
      this.db.prepare('DELETE FROM console_reviews WHERE biz = ? AND ticket_id = ?').run(biz, ticketId);
      return { objects, tokens };
    })();
  }

  private deleteObjects(keys: readonly string[], prefixes: readonly string[]): number {
    let n = 0;
    const byKey = this.db.prepare('DELETE FROM objects WHERE key = ?');
    for (const key of keys) n += byKey.run(key).changes;
    // Prefixes are random hex paths ending in '/', so LIKE needs no escaping; substr keeps it exact anyway.
    const byPrefix = this.db.prepare('DELETE FROM objects WHERE substr(key, 1, ?) = ?');
    for (const p of prefixes) n += byPrefix.run(p.length, p).changes;
    return n;
  }

  /** Row counts and every object key, for the test that proves a deletion left nothing behind. */
  async objectKeys(): Promise<string[]> {
    return (this.db.prepare('SELECT key FROM objects ORDER BY key').all() as { key: string }[]).map((r) => r.key);
  }
}
