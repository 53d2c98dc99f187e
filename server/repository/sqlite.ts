import Database from 'better-sqlite3';
import type { AccessKeyRecord, BizRecord, PurgeResult, Repository, RepositoryFaults, Scheme, SealedRecord, StoredObject, SubmissionCommit, TicketRecord, TicketStatus, TokenRecord } from './types';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS access_keys (id TEXT PRIMARY KEY, sealed_secret BLOB NOT NULL, active INTEGER NOT NULL, created_at INTEGER NOT NULL, revoked_at INTEGER);
CREATE TABLE IF NOT EXISTS biz (name TEXT PRIMARY KEY, scheme TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS nonces (access_key_id TEXT NOT NULL, nonce TEXT NOT NULL, expires_at INTEGER NOT NULL, PRIMARY KEY (access_key_id, nonce));
CREATE INDEX IF NOT EXISTS nonces_expiry ON nonces (expires_at);
CREATE TABLE IF NOT EXISTS tickets (
  biz TEXT NOT NULL, ticket_id TEXT NOT NULL, status INTEGER NOT NULL, similarity_score REAL, audit_conclusions TEXT,
  sealed_materials BLOB, version INTEGER NOT NULL, created_at INTEGER NOT NULL, submitted_at INTEGER,
  PRIMARY KEY (biz, ticket_id));
CREATE TABLE IF NOT EXISTS verify_tokens (
  token_hash TEXT PRIMARY KEY, sts_hash TEXT NOT NULL UNIQUE, upload_path TEXT NOT NULL, biz TEXT NOT NULL, ticket_id TEXT NOT NULL,
  sealed_binding BLOB, expires_at INTEGER NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS objects (key TEXT PRIMARY KEY, sealed BLOB NOT NULL, created_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS objects_created ON objects (created_at);
CREATE TABLE IF NOT EXISTS records (kind TEXT NOT NULL, id TEXT NOT NULL, sealed BLOB NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER, PRIMARY KEY (kind, id));
`;

interface TicketRow {
  biz: string;
  ticket_id: string;
  status: number;
  similarity_score: number | null;
  audit_conclusions: string | null;
  sealed_materials: Buffer | null;
  version: number;
  created_at: number;
  submitted_at: number | null;
}

function ticketFromRow(r: TicketRow): TicketRecord {
  return {
    biz: r.biz,
    ticketId: r.ticket_id,
    status: r.status as TicketStatus,
    similarityScore: r.similarity_score,
    auditConclusions: r.audit_conclusions,
    sealedMaterials: r.sealed_materials,
    version: r.version,
    createdAt: new Date(r.created_at),
    submittedAt: r.submitted_at === null ? null : new Date(r.submitted_at),
  };
}

interface TokenRow {
  token_hash: string;
  sts_hash: string;
  upload_path: string;
  biz: string;
  ticket_id: string;
  sealed_binding: Buffer | null;
  expires_at: number;
  created_at: number;
}

function tokenFromRow(r: TokenRow): TokenRecord {
  return {
    tokenHash: r.token_hash,
    stsHash: r.sts_hash,
    uploadPath: r.upload_path,
    biz: r.biz,
    ticketId: r.ticket_id,
    sealedBinding: r.sealed_binding,
    expiresAt: new Date(r.expires_at),
    createdAt: new Date(r.created_at),
  };
}

interface KeyRow {
  id: string;
  sealed_secret: Buffer;
  active: number;
  created_at: number;
  revoked_at: number | null;
}

function keyFromRow(r: KeyRow): AccessKeyRecord {
  return { id: r.id, sealedSecret: r.sealed_secret, active: r.active === 1, createdAt: new Date(r.created_at), revokedAt: r.revoked_at === null ? null : new Date(r.revoked_at) };
}

interface RecordRow {
  kind: string;
  id: string;
  sealed: Buffer;
  created_at: number;
  expires_at: number | null;
}

function recordFromRow(r: RecordRow): SealedRecord {
  return { kind: r.kind, id: r.id, sealed: r.sealed, createdAt: new Date(r.created_at), expiresAt: r.expires_at === null ? null : new Date(r.expires_at) };
}

/** Blocks this thread (the crash test kills the process meanwhile); SQLite transactions are synchronous. */
function blockFor(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * SQLite in WAL mode, the default store in the data directory. better-sqlite3 is synchronous, so
 * each method is one short statement or one transaction; several processes may share the file.
 */
export class SqliteRepository implements Repository {
  readonly kind = 'sqlite' as const;
  private readonly db: Database.Database;

  constructor(file: string, private readonly faults: RepositoryFaults = {}) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode still never corrupts or half-applies a transaction; it may lose the last
    // commits on power loss (not on a process crash), which the throughput goal needs.
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
  }

  private readonly statements = new Map<string, Database.Statement>();

  /** Prepared once per SQL text: compiling a statement costs more than running these small ones. */
  private sql(text: string): Database.Statement {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  async migrate(): Promise<void> {
    this.db.exec(SCHEMA);
  }

  async createAccessKey(r: AccessKeyRecord): Promise<void> {
    this
      .sql('INSERT INTO access_keys (id, sealed_secret, active, created_at, revoked_at) VALUES (?, ?, ?, ?, ?)')
      .run(r.id, r.sealedSecret, r.active ? 1 : 0, r.createdAt.getTime(), r.revokedAt?.getTime() ?? null);
  }

  async getAccessKey(id: string): Promise<AccessKeyRecord | undefined> {
    const row = this.sql('SELECT * FROM access_keys WHERE id = ?').get(id) as KeyRow | undefined;
    return row && keyFromRow(row);
  }

  async listAccessKeys(): Promise<AccessKeyRecord[]> {
    return (this.sql('SELECT * FROM access_keys ORDER BY created_at, id').all() as KeyRow[]).map(keyFromRow);
  }

  async revokeAccessKey(id: string, at: Date): Promise<boolean> {
    return this.sql('UPDATE access_keys SET active = 0, revoked_at = COALESCE(revoked_at, ?) WHERE id = ?').run(at.getTime(), id).changes > 0;
  }

  async createBiz(r: BizRecord): Promise<boolean> {
    return this.sql('INSERT OR IGNORE INTO biz (name, scheme, created_at) VALUES (?, ?, ?)').run(r.name, r.scheme, r.createdAt.getTime()).changes > 0;
  }

  async getBiz(name: string): Promise<BizRecord | undefined> {
    const row = this.sql('SELECT * FROM biz WHERE name = ?').get(name) as { name: string; scheme: string; created_at: number } | undefined;
    return row && { name: row.name, scheme: row.scheme as Scheme, createdAt: new Date(row.created_at) };
  }

  async listBiz(): Promise<BizRecord[]> {
    const rows = this.sql('SELECT * FROM biz ORDER BY name').all() as { name: string; scheme: string; created_at: number }[];
    return rows.map((row) => ({ name: row.name, scheme: row.scheme as Scheme, createdAt: new Date(row.created_at) }));
  }

  private pendingNonces: { accessKeyId: string; nonce: string; expiresAt: number; settle: (fresh: boolean | Error) => void }[] = [];

  /**
   * Nonces are written in groups: every request of one event-loop turn shares one transaction
   * (one WAL commit instead of one each), and each learns whether its row was new. The answer
   * still comes only after the commit, so a replay is refused across restarts and processes.
   */
  useNonce(accessKeyId: string, nonce: string, expiresAt: Date): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.pendingNonces.push({ accessKeyId, nonce, expiresAt: expiresAt.getTime(), settle: (r) => (r instanceof Error ? reject(r) : resolve(r)) });
      if (this.pendingNonces.length === 1) setImmediate(() => this.flushNonces());
    });
  }

  private flushNonces(): void {
    const batch = this.pendingNonces;
    this.pendingNonces = [];
    // An expired row may still be there (purge runs periodically): it is replaced only if expired.
    const insert = this.sql(
      `INSERT INTO nonces (access_key_id, nonce, expires_at) VALUES (?, ?, ?)
       ON CONFLICT (access_key_id, nonce) DO UPDATE SET expires_at = excluded.expires_at WHERE nonces.expires_at < ?`,
    );
    try {
      const now = Date.now();
      const fresh = this.db.transaction(() => batch.map((b) => insert.run(b.accessKeyId, b.nonce, b.expiresAt, now).changes > 0))();
      batch.forEach((b, i) => b.settle(fresh[i]!));
    } catch (error) {
      for (const b of batch) b.settle(error instanceof Error ? error : new Error(String(error)));
    }
  }

  async issueToken(t: TokenRecord): Promise<void> {
    this.db.transaction(() => {
      this
        .sql('INSERT OR IGNORE INTO tickets (biz, ticket_id, status, version, created_at) VALUES (?, ?, -1, 0, ?)')
        .run(t.biz, t.ticketId, t.createdAt.getTime());
      this
        .sql('INSERT INTO verify_tokens (token_hash, sts_hash, upload_path, biz, ticket_id, sealed_binding, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(t.tokenHash, t.stsHash, t.uploadPath, t.biz, t.ticketId, t.sealedBinding, t.expiresAt.getTime(), t.createdAt.getTime());
    })();
  }

  async getTokenByHash(tokenHash: string): Promise<TokenRecord | undefined> {
    const row = this.sql('SELECT * FROM verify_tokens WHERE token_hash = ?').get(tokenHash) as TokenRow | undefined;
    return row && tokenFromRow(row);
  }

  async getTokenByStsHash(stsHash: string): Promise<TokenRecord | undefined> {
    const row = this.sql('SELECT * FROM verify_tokens WHERE sts_hash = ?').get(stsHash) as TokenRow | undefined;
    return row && tokenFromRow(row);
  }

  async ensureTicket(biz: string, ticketId: string, now: Date): Promise<TicketRecord> {
    this.sql('INSERT OR IGNORE INTO tickets (biz, ticket_id, status, version, created_at) VALUES (?, ?, -1, 0, ?)').run(biz, ticketId, now.getTime());
    return (await this.getTicket(biz, ticketId))!;
  }

  async getTicket(biz: string, ticketId: string): Promise<TicketRecord | undefined> {
    const row = this.sql('SELECT * FROM tickets WHERE biz = ? AND ticket_id = ?').get(biz, ticketId) as TicketRow | undefined;
    return row && ticketFromRow(row);
  }

  async commitSubmission(c: SubmissionCommit): Promise<'committed' | 'conflict'> {
    const insertObject = this.sql('INSERT OR REPLACE INTO objects (key, sealed, created_at) VALUES (?, ?, ?)');
    const update = this.sql(
      `UPDATE tickets SET status = ?, similarity_score = ?, audit_conclusions = ?, sealed_materials = ?, version = version + 1, submitted_at = ?
       WHERE biz = ? AND ticket_id = ? AND version = ? AND status IN (-1, 2)`,
    );
    const run = this.db.transaction((): 'committed' => {
      for (const o of c.objects) insertObject.run(o.key, o.sealed, o.createdAt.getTime());
      if (this.faults.pauseInsideCommitMs) {
        this.faults.onPause?.();
        blockFor(this.faults.pauseInsideCommitMs);
      }
      const changed = update.run(c.status, c.similarityScore, c.auditConclusions, c.sealedMaterials, c.now.getTime(), c.biz, c.ticketId, c.expectVersion).changes;
      // Throwing rolls the transaction back, so a refused submission leaves no images behind.
      if (changed === 0) throw new ConflictSignal();
      return 'committed';
    });
    try {
      return run();
    } catch (error) {
      if (error instanceof ConflictSignal) return 'conflict';
      throw error;
    }
  }

  async putObject(o: StoredObject): Promise<void> {
    this.sql('INSERT OR REPLACE INTO objects (key, sealed, created_at) VALUES (?, ?, ?)').run(o.key, o.sealed, o.createdAt.getTime());
  }

  async getObject(key: string): Promise<StoredObject | undefined> {
    const row = this.sql('SELECT * FROM objects WHERE key = ?').get(key) as { key: string; sealed: Buffer; created_at: number } | undefined;
    return row && { key: row.key, sealed: row.sealed, createdAt: new Date(row.created_at) };
  }

  async purge({ biometricsBefore, now }: { biometricsBefore: Date; now: Date }): Promise<PurgeResult> {
    return this.db.transaction((): PurgeResult => ({
      // References (ref/…) follow their own record's expiry, purged with it by the references store.
      objects: this.sql("DELETE FROM objects WHERE created_at < ? AND key NOT LIKE 'ref/%'").run(biometricsBefore.getTime()).changes,
      materials: this.sql('UPDATE tickets SET sealed_materials = NULL WHERE sealed_materials IS NOT NULL AND submitted_at < ?').run(biometricsBefore.getTime()).changes,
      nonces: this.sql('DELETE FROM nonces WHERE expires_at < ?').run(now.getTime()).changes,
      // An expired token still answers VerifyTokenExpired for a day, then is forgotten.
      tokens: this.sql('DELETE FROM verify_tokens WHERE expires_at < ?').run(now.getTime() - 86_400_000).changes,
      // References are deleted with their photos by their store (server/references/store.ts).
      records: this.sql("DELETE FROM records WHERE expires_at < ? AND kind <> 'reference'").run(now.getTime()).changes,
    }))();
  }

  async putRecord(r: SealedRecord): Promise<void> {
    this.sql('INSERT OR REPLACE INTO records (kind, id, sealed, created_at, expires_at) VALUES (?, ?, ?, ?, ?)').run(r.kind, r.id, r.sealed, r.createdAt.getTime(), r.expiresAt?.getTime() ?? null);
  }

  async getRecord(kind: string, id: string): Promise<SealedRecord | undefined> {
    const row = this.sql('SELECT * FROM records WHERE kind = ? AND id = ?').get(kind, id) as RecordRow | undefined;
    return row && recordFromRow(row);
  }

  async listRecords(kind: string): Promise<SealedRecord[]> {
    return (this.sql('SELECT * FROM records WHERE kind = ? ORDER BY created_at, id').all(kind) as RecordRow[]).map(recordFromRow);
  }

  async expiredRecords(kind: string, now: Date): Promise<SealedRecord[]> {
    return (this.sql('SELECT * FROM records WHERE kind = ? AND expires_at < ?').all(kind, now.getTime()) as RecordRow[]).map(recordFromRow);
  }

  async deleteRecord(kind: string, id: string, objectKeys: readonly string[] = []): Promise<boolean> {
    return this.db.transaction(() => {
      for (const key of objectKeys) this.sql('DELETE FROM objects WHERE key = ?').run(key);
      return this.sql('DELETE FROM records WHERE kind = ? AND id = ?').run(kind, id).changes > 0;
    })();
  }

  async close(): Promise<void> {
    this.db.close();
  }
}

/** Thrown inside a transaction to roll it back; never leaves the repository. */
class ConflictSignal extends Error {}
