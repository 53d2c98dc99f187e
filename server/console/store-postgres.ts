import pg from 'pg';
import { inTransaction, migrateUnderLock } from '../repository/pg-transaction';
import type { TicketStatus } from '../repository/types';
import type { ConsoleStore, TicketForRemoval } from './store';
import type { AccessLogEntry, BizSettings, ConsoleUser, RecordQuery, RecordRow, ReviewRecord, Role, SessionRecord, Source } from './types';

/** PostgreSQL: the console's tables beside the service's (server/repository/postgres.ts), for several processes on one database. */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS console_users (name TEXT PRIMARY KEY, role TEXT NOT NULL, password_hash TEXT NOT NULL, must_change BOOLEAN NOT NULL,
  failed_logins INTEGER NOT NULL DEFAULT 0, locked_until BIGINT, created_at BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS console_sessions (id_hash TEXT PRIMARY KEY, "user" TEXT NOT NULL, csrf TEXT NOT NULL, created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS console_access_log (id BIGSERIAL PRIMARY KEY, at BIGINT NOT NULL, "user" TEXT NOT NULL, action TEXT NOT NULL, target TEXT NOT NULL, detail TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS console_ticket_index (biz TEXT NOT NULL, ticket_id TEXT NOT NULL, id_hash TEXT, id_masked TEXT, source TEXT, upload_paths TEXT NOT NULL DEFAULT '[]', PRIMARY KEY (biz, ticket_id));
CREATE INDEX IF NOT EXISTS console_ticket_index_id ON console_ticket_index (id_hash);
CREATE TABLE IF NOT EXISTS console_biz_settings (biz TEXT PRIMARY KEY, retention_days INTEGER, review_low DOUBLE PRECISION, review_high DOUBLE PRECISION);
CREATE TABLE IF NOT EXISTS console_reviews (biz TEXT NOT NULL, ticket_id TEXT NOT NULL, reviewer TEXT NOT NULL, decision SMALLINT NOT NULL, reason TEXT NOT NULL, at BIGINT NOT NULL);
`;

type Row = Record<string, unknown>;
const num = (v: unknown): number => Number(v);
const date = (v: unknown): Date => new Date(Number(v));
const dateOrNull = (v: unknown): Date | null => (v === null || v === undefined ? null : new Date(Number(v)));

const userFromRow = (r: Row): ConsoleUser => ({
  name: String(r.name),
  role: r.role as Role,
  passwordHash: String(r.password_hash),
  mustChange: r.must_change === true,
  failedLogins: num(r.failed_logins),
  lockedUntil: dateOrNull(r.locked_until),
  createdAt: date(r.created_at),
});

const recordFromRow = (r: Row): RecordRow => ({
  biz: String(r.biz),
  ticketId: String(r.ticket_id),
  status: num(r.status) as TicketStatus,
  similarityScore: r.similarity_score === null ? null : num(r.similarity_score),
  auditConclusions: (r.audit_conclusions as string | null) ?? null,
  idMasked: (r.id_masked as string | null) ?? null,
  source: (r.source as Source | null) ?? null,
  createdAt: date(r.created_at),
  submittedAt: dateOrNull(r.submitted_at),
  hasMaterials: r.has_materials === true,
});

const removalFromRow = (r: Row): TicketForRemoval => ({ biz: String(r.biz), ticketId: String(r.ticket_id), sealedMaterials: (r.sealed_materials as Buffer | null) ?? null, submittedAt: dateOrNull(r.submitted_at) });

const RECORD_COLUMNS = `t.biz, t.ticket_id, t.status, t.similarity_score, t.audit_conclusions, i.id_masked, i.source, t.created_at, t.submitted_at, (t.sealed_materials IS NOT NULL) AS has_materials`;

export class PostgresConsoleStore implements ConsoleStore {
  readonly kind = 'postgres' as const;
  private readonly pool: pg.Pool;

  private constructor(connectionString: string) {
    this.pool = new pg.Pool({ connectionString, max: 4 });
    this.pool.on('error', () => undefined);
  }

  /** Opens the store and creates its tables (the service's tables must exist: open the Repository first). */
  static async open(connectionString: string): Promise<PostgresConsoleStore> {
    const store = new PostgresConsoleStore(connectionString);
    // The same lock as the Repository's migration: two processes starting at once serialise.
    await migrateUnderLock(store.pool, SCHEMA);
    return store;
  }

  private async rows(sql: string, params: unknown[] = []): Promise<Row[]> {
    return (await this.pool.query(sql, params)).rows as Row[];
  }

  private async count(sql: string, params: unknown[]): Promise<number> {
    return (await this.pool.query(sql, params)).rowCount ?? 0;
  }

  private transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, work);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  async createUser(u: ConsoleUser): Promise<boolean> {
    return (
      (await this.count('INSERT INTO console_users (name, role, password_hash, must_change, failed_logins, locked_until, created_at) VALUES ($1, $2, $3, $4, 0, NULL, $5) ON CONFLICT (name) DO NOTHING', [
        u.name,
        u.role,
        u.passwordHash,
        u.mustChange,
        u.createdAt.getTime(),
      ])) > 0
    );
  }

  async getUser(name: string): Promise<ConsoleUser | undefined> {
    const [row] = await this.rows('SELECT * FROM console_users WHERE name = $1', [name]);
    return row && userFromRow(row);
  }

  async listUsers(): Promise<ConsoleUser[]> {
    return (await this.rows('SELECT * FROM console_users ORDER BY name')).map(userFromRow);
  }

  async setPassword(name: string, hash: string, mustChange: boolean): Promise<void> {
    await this.pool.query('UPDATE console_users SET password_hash = $1, must_change = $2, failed_logins = 0, locked_until = NULL WHERE name = $3', [hash, mustChange, name]);
  }

  async recordFailedLogin(name: string, limit: number, lockUntil: Date): Promise<number> {
    // One statement: two processes counting the same user's failures cannot both miss the limit.
    const [row] = await this.rows(
      `UPDATE console_users SET failed_logins = CASE WHEN failed_logins + 1 >= $2 THEN 0 ELSE failed_logins + 1 END,
         locked_until = CASE WHEN failed_logins + 1 >= $2 THEN $3 ELSE locked_until END
       WHERE name = $1 RETURNING failed_logins, locked_until`,
      [name, limit, lockUntil.getTime()],
    );
    if (!row) return 0;
    return num(row.failed_logins) === 0 && row.locked_until !== null ? limit : num(row.failed_logins);
  }

  async clearFailedLogins(name: string): Promise<void> {
    await this.pool.query('UPDATE console_users SET failed_logins = 0, locked_until = NULL WHERE name = $1', [name]);
  }

  async createSession(s: SessionRecord): Promise<void> {
    await this.pool.query('INSERT INTO console_sessions (id_hash, "user", csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)', [s.idHash, s.user, s.csrf, s.createdAt.getTime(), s.expiresAt.getTime()]);
  }

  async getSession(idHash: string): Promise<SessionRecord | undefined> {
    const [r] = await this.rows('SELECT * FROM console_sessions WHERE id_hash = $1', [idHash]);
    return r && { idHash: String(r.id_hash), user: String(r.user), csrf: String(r.csrf), createdAt: date(r.created_at), expiresAt: date(r.expires_at) };
  }

  async deleteSession(idHash: string): Promise<void> {
    await this.pool.query('DELETE FROM console_sessions WHERE id_hash = $1', [idHash]);
  }

  async deleteSessionsOf(user: string, exceptIdHash = ''): Promise<void> {
    await this.pool.query('DELETE FROM console_sessions WHERE "user" = $1 AND id_hash <> $2', [user, exceptIdHash]);
  }

  async deleteExpiredSessions(now: Date): Promise<void> {
    await this.pool.query('DELETE FROM console_sessions WHERE expires_at < $1', [now.getTime()]);
  }

  async logAccess(e: Omit<AccessLogEntry, 'id'>): Promise<void> {
    await this.pool.query('INSERT INTO console_access_log (at, "user", action, target, detail) VALUES ($1, $2, $3, $4, $5)', [e.at.getTime(), e.user, e.action, e.target, e.detail]);
  }

  async accessLog(limit: number): Promise<AccessLogEntry[]> {
    return (await this.rows('SELECT * FROM console_access_log ORDER BY id DESC LIMIT $1', [limit])).map((r) => ({
      id: num(r.id),
      at: date(r.at),
      user: String(r.user),
      action: String(r.action),
      target: String(r.target),
      detail: String(r.detail),
    }));
  }

  async indexTicket(biz: string, ticketId: string, idHash: string | null, idMasked: string | null, source: Source, uploadPaths: readonly string[]): Promise<void> {
    await this.pool.query(
      `INSERT INTO console_ticket_index (biz, ticket_id, id_hash, id_masked, source, upload_paths) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (biz, ticket_id) DO UPDATE SET id_hash = EXCLUDED.id_hash, id_masked = EXCLUDED.id_masked, source = EXCLUDED.source, upload_paths = EXCLUDED.upload_paths`,
      [biz, ticketId, idHash, idMasked, source, JSON.stringify(uploadPaths)],
    );
  }

  async searchRecords(q: RecordQuery & { idHash?: string; idMasked?: string }): Promise<RecordRow[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      args.push(value);
      where.push(sql.replace('?', `$${args.length}`));
    };
    if (q.from) add('COALESCE(t.submitted_at, t.created_at) >= ?', q.from.getTime());
    if (q.to) add('COALESCE(t.submitted_at, t.created_at) < ?', q.to.getTime());
    if (q.biz) add('t.biz = ?', q.biz);
    if (q.status !== undefined) add('t.status = ?', q.status);
    if (q.source) add('i.source = ?', q.source);
    if (q.idHash) add('i.id_hash = ?', q.idHash);
    if (q.idMasked) add('i.id_masked = ?', q.idMasked);
    args.push(q.limit);
    const sql = `SELECT ${RECORD_COLUMNS} FROM tickets t LEFT JOIN console_ticket_index i ON i.biz = t.biz AND i.ticket_id = t.ticket_id
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY COALESCE(t.submitted_at, t.created_at) DESC, t.ticket_id LIMIT $${args.length}`;
    return (await this.rows(sql, args)).map(recordFromRow);
  }

  async getRecord(biz: string, ticketId: string): Promise<(RecordRow & { sealedMaterials: Buffer | null }) | undefined> {
    const [row] = await this.rows(
      `SELECT ${RECORD_COLUMNS}, t.sealed_materials FROM tickets t LEFT JOIN console_ticket_index i ON i.biz = t.biz AND i.ticket_id = t.ticket_id WHERE t.biz = $1 AND t.ticket_id = $2`,
      [biz, ticketId],
    );
    return row && { ...recordFromRow(row), sealedMaterials: (row.sealed_materials as Buffer | null) ?? null };
  }

  async submissionsBetween(from: Date, to: Date): Promise<{ biz: string; status: TicketStatus; score: number | null; at: Date }[]> {
    const rows = await this.rows('SELECT biz, status, similarity_score, submitted_at FROM tickets WHERE submitted_at IS NOT NULL AND submitted_at >= $1 AND submitted_at < $2', [from.getTime(), to.getTime()]);
    return rows.map((r) => ({ biz: String(r.biz), status: num(r.status) as TicketStatus, score: r.similarity_score === null ? null : num(r.similarity_score), at: date(r.submitted_at) }));
  }

  async decideTicket(r: ReviewRecord, conclusion: string): Promise<boolean> {
    return this.transaction(async (client) => {
      const changed = await client.query('UPDATE tickets SET status = $1, audit_conclusions = $2, version = version + 1 WHERE biz = $3 AND ticket_id = $4 AND status = 0', [r.decision, conclusion, r.biz, r.ticketId]);
      if ((changed.rowCount ?? 0) === 0) return false;
      await client.query('INSERT INTO console_reviews (biz, ticket_id, reviewer, decision, reason, at) VALUES ($1, $2, $3, $4, $5, $6)', [r.biz, r.ticketId, r.reviewer, r.decision, r.reason, r.at.getTime()]);
      return true;
    });
  }

  async reviewsOf(biz: string, ticketId: string): Promise<ReviewRecord[]> {
    return (await this.rows('SELECT * FROM console_reviews WHERE biz = $1 AND ticket_id = $2 ORDER BY at', [biz, ticketId])).map((r) => ({
      biz: String(r.biz),
      ticketId: String(r.ticket_id),
      reviewer: String(r.reviewer),
      decision: num(r.decision) as 1 | 2,
      reason: String(r.reason),
      at: date(r.at),
    }));
  }

  async getBizSettings(biz: string): Promise<BizSettings> {
    const [r] = await this.rows('SELECT * FROM console_biz_settings WHERE biz = $1', [biz]);
    const n = (v: unknown) => (v === null || v === undefined ? null : num(v));
    return { biz, retentionDays: n(r?.retention_days), reviewLow: n(r?.review_low), reviewHigh: n(r?.review_high) };
  }

  async setBizSettings(s: BizSettings): Promise<void> {
    await this.pool.query(
      `INSERT INTO console_biz_settings (biz, retention_days, review_low, review_high) VALUES ($1, $2, $3, $4)
       ON CONFLICT (biz) DO UPDATE SET retention_days = EXCLUDED.retention_days, review_low = EXCLUDED.review_low, review_high = EXCLUDED.review_high`,
      [s.biz, s.retentionDays, s.reviewLow, s.reviewHigh],
    );
  }

  async ticketsOfIdHash(idHash: string): Promise<{ biz: string; ticketId: string }[]> {
    return (await this.rows('SELECT biz, ticket_id FROM console_ticket_index WHERE id_hash = $1', [idHash])).map((r) => ({ biz: String(r.biz), ticketId: String(r.ticket_id) }));
  }

  async ticketForRemoval(biz: string, ticketId: string): Promise<TicketForRemoval | undefined> {
    const [r] = await this.rows('SELECT biz, ticket_id, sealed_materials, submitted_at FROM tickets WHERE biz = $1 AND ticket_id = $2', [biz, ticketId]);
    return r && removalFromRow(r);
  }

  async expiredMaterials(biz: string, before: Date): Promise<TicketForRemoval[]> {
    return (await this.rows('SELECT biz, ticket_id, sealed_materials, submitted_at FROM tickets WHERE biz = $1 AND sealed_materials IS NOT NULL AND submitted_at < $2', [biz, before.getTime()])).map(removalFromRow);
  }

  async bizWithRetention(): Promise<{ biz: string; retentionDays: number }[]> {
    return (await this.rows('SELECT biz, retention_days FROM console_biz_settings WHERE retention_days IS NOT NULL')).map((r) => ({ biz: String(r.biz), retentionDays: num(r.retention_days) }));
  }

  async uploadPathsOf(biz: string, ticketId: string): Promise<string[]> {
    const tokens = (await this.rows('SELECT upload_path FROM verify_tokens WHERE biz = $1 AND ticket_id = $2', [biz, ticketId])).map((r) => String(r.upload_path));
    const [indexed] = await this.rows('SELECT upload_paths FROM console_ticket_index WHERE biz = $1 AND ticket_id = $2', [biz, ticketId]);
    return [...new Set([...tokens, ...(indexed ? (JSON.parse(String(indexed.upload_paths)) as string[]) : [])])];
  }

  private async deleteObjects(client: pg.PoolClient, keys: readonly string[], prefixes: readonly string[]): Promise<number> {
    let n = 0;
    if (keys.length) n += (await client.query('DELETE FROM objects WHERE key = ANY($1::text[])', [keys])).rowCount ?? 0;
    for (const p of prefixes) n += (await client.query('DELETE FROM objects WHERE left(key, $1) = $2', [p.length, p])).rowCount ?? 0;
    return n;
  }

  async dropMaterials(biz: string, ticketId: string, objectKeys: readonly string[], objectPrefixes: readonly string[]): Promise<number> {
    return this.transaction(async (client) => {
      const objects = await this.deleteObjects(client, objectKeys, objectPrefixes);
      await client.query('UPDATE tickets SET sealed_materials = NULL WHERE biz = $1 AND ticket_id = $2', [biz, ticketId]);
      return objects;
    });
  }

  async removeTicket(biz: string, ticketId: string, objectKeys: readonly string[], objectPrefixes: readonly string[]): Promise<{ objects: number; tokens: number }> {
    return this.transaction(async (client) => {
      const objects = await this.deleteObjects(client, objectKeys, objectPrefixes);
      const tokens = (await client.query('DELETE FROM verify_tokens WHERE biz = $1 AND ticket_id = $2', [biz, ticketId])).rowCount ?? 0;
      await client.query('DELETE FROM tickets WHERE biz = $1 AND ticket_id = $2', [biz, ticketId]);
      await client.query('DELETE FROM console_ticket_index WHERE biz = $1 AND ticket_id = $2', [biz, ticketId]);
      await client.query('DELETE FROM console_reviews WHERE biz = $1 AND ticket_id = $2', [biz, ticketId]);
      return { objects, tokens };
    });
  }
}
