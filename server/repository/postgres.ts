import pg from 'pg';
import { inTransaction, migrateUnderLock } from './pg-transaction';
import type { AccessKeyRecord, BizRecord, PurgeResult, Repository, RepositoryFaults, Scheme, SealedRecord, StoredObject, SubmissionCommit, TicketRecord, TicketStatus, TokenRecord } from './types';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS access_keys (id TEXT PRIMARY KEY, sealed_secret BYTEA NOT NULL, active BOOLEAN NOT NULL, created_at BIGINT NOT NULL, revoked_at BIGINT);
CREATE TABLE IF NOT EXISTS biz (name TEXT PRIMARY KEY, scheme TEXT NOT NULL, created_at BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS nonces (access_key_id TEXT NOT NULL, nonce TEXT NOT NULL, expires_at BIGINT NOT NULL, PRIMARY KEY (access_key_id, nonce));
CREATE INDEX IF NOT EXISTS nonces_expiry ON nonces (expires_at);
CREATE TABLE IF NOT EXISTS tickets (
  biz TEXT NOT NULL, ticket_id TEXT NOT NULL, status SMALLINT NOT NULL, similarity_score DOUBLE PRECISION, audit_conclusions TEXT,
  sealed_materials BYTEA, version INTEGER NOT NULL, created_at BIGINT NOT NULL, submitted_at BIGINT,
  PRIMARY KEY (biz, ticket_id));
CREATE TABLE IF NOT EXISTS verify_tokens (
  token_hash TEXT PRIMARY KEY, sts_hash TEXT NOT NULL UNIQUE, upload_path TEXT NOT NULL, biz TEXT NOT NULL, ticket_id TEXT NOT NULL,
  sealed_binding BYTEA, expires_at BIGINT NOT NULL, created_at BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS objects (key TEXT PRIMARY KEY, sealed BYTEA NOT NULL, created_at BIGINT NOT NULL);
CREATE INDEX IF NOT EXISTS objects_created ON objects (created_at);
CREATE TABLE IF NOT EXISTS records (kind TEXT NOT NULL, id TEXT NOT NULL, sealed BYTEA NOT NULL, created_at BIGINT NOT NULL, expires_at BIGINT, PRIMARY KEY (kind, id));
`;

// pg returns BIGINT as a string (it may exceed 2^53); our values are epoch milliseconds.
const ms = (v: unknown): number => Number(v);
const msOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function ticketFromRow(r: Record<string, unknown>): TicketRecord {
  const submitted = msOrNull(r.submitted_at);
  return {
    biz: String(r.biz),
    ticketId: String(r.ticket_id),
    status: Number(r.status) as TicketStatus,
    similarityScore: r.similarity_score === null ? null : Number(r.similarity_score),
    auditConclusions: (r.audit_conclusions as string | null) ?? null,
    sealedMaterials: (r.sealed_materials as Buffer | null) ?? null,
    version: Number(r.version),
    createdAt: new Date(ms(r.created_at)),
    submittedAt: submitted === null ? null : new Date(submitted),
  };
}

function tokenFromRow(r: Record<string, unknown>): TokenRecord {
  return {
    tokenHash: String(r.token_hash),
    stsHash: String(r.sts_hash),
    uploadPath: String(r.upload_path),
    biz: String(r.biz),
    ticketId: String(r.ticket_id),
    sealedBinding: (r.sealed_binding as Buffer | null) ?? null,
    expiresAt: new Date(ms(r.expires_at)),
    createdAt: new Date(ms(r.created_at)),
  };
}

function keyFromRow(r: Record<string, unknown>): AccessKeyRecord {
  const revoked = msOrNull(r.revoked_at);
  return { id: String(r.id), sealedSecret: r.sealed_secret as Buffer, active: r.active === true, createdAt: new Date(ms(r.created_at)), revokedAt: revoked === null ? null : new Date(revoked) };
}

function recordFromRow(r: Record<string, unknown>): SealedRecord {
  const expires = msOrNull(r.expires_at);
  return { kind: String(r.kind), id: String(r.id), sealed: r.sealed as Buffer, createdAt: new Date(ms(r.created_at)), expiresAt: expires === null ? null : new Date(expires) };
}

/** PostgreSQL, for several stateless server processes sharing one database. */
export class PostgresRepository implements Repository {
  readonly kind = 'postgres' as const;
  private readonly pool: pg.Pool;

  constructor(connectionString: string, private readonly faults: RepositoryFaults = {}) {
    this.pool = new pg.Pool({ connectionString, max: 10 });
    // An idle client that loses its connection must not crash the process; the next query reconnects.
    this.pool.on('error', () => undefined);
  }

  private async rows(sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
    return (await this.pool.query(sql, params)).rows as Record<string, unknown>[];
  }

  async migrate(): Promise<void> {
    await migrateUnderLock(this.pool, SCHEMA);
  }

  async createAccessKey(r: AccessKeyRecord): Promise<void> {
    await this.pool.query('INSERT INTO access_keys (id, sealed_secret, active, created_at, revoked_at) VALUES ($1, $2, $3, $4, $5)', [
      r.id,
      r.sealedSecret,
      r.active,
      r.createdAt.getTime(),
      r.revokedAt?.getTime() ?? null,
    ]);
  }

  async getAccessKey(id: string): Promise<AccessKeyRecord | undefined> {
    const [row] = await this.rows('SELECT * FROM access_keys WHERE id = $1', [id]);
    return row && keyFromRow(row);
  }

  async listAccessKeys(): Promise<AccessKeyRecord[]> {
    return (await this.rows('SELECT * FROM access_keys ORDER BY created_at, id')).map(keyFromRow);
  }

  async revokeAccessKey(id: string, at: Date): Promise<boolean> {
    const result = await this.pool.query('UPDATE access_keys SET active = false, revoked_at = COALESCE(revoked_at, $1) WHERE id = $2', [at.getTime(), id]);
    return (result.rowCount ?? 0) > 0;
  }

  async createBiz(r: BizRecord): Promise<boolean> {
    const result = await this.pool.query('INSERT INTO biz (name, scheme, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING', [r.name, r.scheme, r.createdAt.getTime()]);
    return (result.rowCount ?? 0) > 0;
  }

  async getBiz(name: string): Promise<BizRecord | undefined> {
    const [row] = await this.rows('SELECT * FROM biz WHERE name = $1', [name]);
    return row && { name: String(row.name), scheme: row.scheme as Scheme, createdAt: new Date(ms(row.created_at)) };
  }

  async listBiz(): Promise<BizRecord[]> {
    return (await this.rows('SELECT * FROM biz ORDER BY name')).map((row) => ({ name: String(row.name), scheme: row.scheme as Scheme, createdAt: new Date(ms(row.created_at)) }));
  }

  private pendingNonces: { accessKeyId: string; nonce: string; expiresAt: number; settle: (fresh: boolean | Error) => void }[] = [];

  /**
   * Nonces of one event-loop turn go to the database in one statement (one round trip instead of
   * one each); each request learns whether its row was new. The answer comes only after the
   * insert, and the row lock makes two processes inserting the same nonce see one winner.
   */
  useNonce(accessKeyId: string, nonce: string, expiresAt: Date): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.pendingNonces.push({ accessKeyId, nonce, expiresAt: expiresAt.getTime(), settle: (r) => (r instanceof Error ? reject(r) : resolve(r)) });
      if (this.pendingNonces.length === 1) setImmediate(() => void this.flushNonces());
    });
  }

  private async flushNonces(): Promise<void> {
    const batch = this.pendingNonces;
    this.pendingNonces = [];
    // One statement may not touch a row twice: the first use of a nonce in the batch goes to the
    // database, a repeat within the batch is a replay of it.
    const first = new Map<string, number>();
    batch.forEach((b, i) => {
      const id = `${b.accessKeyId}\n${b.nonce}`;
      if (!first.has(id)) first.set(id, i);
    });
    const unique = [...first.values()].map((i) => batch[i]!);
    try {
      const result = await this.pool.query(
        `INSERT INTO nonces (access_key_id, nonce, expires_at)
         SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[])
         ON CONFLICT (access_key_id, nonce) DO UPDATE SET expires_at = EXCLUDED.expires_at WHERE nonces.expires_at < $4
         RETURNING access_key_id, nonce`,
        [unique.map((b) => b.accessKeyId), unique.map((b) => b.nonce), unique.map((b) => String(b.expiresAt)), Date.now()],
      );
      const fresh = new Set(result.rows.map((r: { access_key_id: string; nonce: string }) => `${r.access_key_id}\n${r.nonce}`));
      batch.forEach((b, i) => {
        const id = `${b.accessKeyId}\n${b.nonce}`;
        b.settle(first.get(id) === i && fresh.has(id));
      });
    } catch (error) {
      for (const b of batch) b.settle(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, work);
  }

  async issueToken(t: TokenRecord): Promise<void> {
    await this.transaction(async (client) => {
      await client.query('INSERT INTO tickets (biz, ticket_id, status, version, created_at) VALUES ($1, $2, -1, 0, $3) ON CONFLICT DO NOTHING', [t.biz, t.ticketId, t.createdAt.getTime()]);
      await client.query(
        'INSERT INTO verify_tokens (token_hash, sts_hash, upload_path, biz, ticket_id, sealed_binding, expires_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
        [t.tokenHash, t.stsHash, t.uploadPath, t.biz, t.ticketId, t.sealedBinding, t.expiresAt.getTime(), t.createdAt.getTime()],
      );
    });
  }

  async getTokenByHash(tokenHash: string): Promise<TokenRecord | undefined> {
    const [row] = await this.rows('SELECT * FROM verify_tokens WHERE token_hash = $1', [tokenHash]);
    return row && tokenFromRow(row);
  }

  async getTokenByStsHash(stsHash: string): Promise<TokenRecord | undefined> {
    const [row] = await this.rows('SELECT * FROM verify_tokens WHERE sts_hash = $1', [stsHash]);
    return row && tokenFromRow(row);
  }

  async ensureTicket(biz: string, ticketId: string, now: Date): Promise<TicketRecord> {
    await this.pool.query('INSERT INTO tickets (biz, ticket_id, status, version, created_at) VALUES ($1, $2, -1, 0, $3) ON CONFLICT DO NOTHING', [biz, ticketId, now.getTime()]);
    return (await this.getTicket(biz, ticketId))!;
  }

  async getTicket(biz: string, ticketId: string): Promise<TicketRecord | undefined> {
    const [row] = await this.rows('SELECT * FROM tickets WHERE biz = $1 AND ticket_id = $2', [biz, ticketId]);
    return row && ticketFromRow(row);
  }

  async commitSubmission(c: SubmissionCommit): Promise<'committed' | 'conflict'> {
    try {
      return await this.transaction(async (client) => {
        for (const o of c.objects) {
          await client.query('INSERT INTO objects (key, sealed, created_at) VALUES ($1, $2, $3) ON CONFLICT (key) DO UPDATE SET sealed = EXCLUDED.sealed, created_at = EXCLUDED.created_at', [
            o.key,
            o.sealed,
            o.createdAt.getTime(),
          ]);
        }
        if (this.faults.pauseInsideCommitMs) {
          this.faults.onPause?.();
          await new Promise((resolve) => setTimeout(resolve, this.faults.pauseInsideCommitMs));
        }
        const result = await client.query(
          `UPDATE tickets SET status = $1, similarity_score = $2, audit_conclusions = $3, sealed_materials = $4, version = version + 1, submitted_at = $5
           WHERE biz = $6 AND ticket_id = $7 AND version = $8 AND status IN (-1, 2)`,
          [c.status, c.similarityScore, c.auditConclusions, c.sealedMaterials, c.now.getTime(), c.biz, c.ticketId, c.expectVersion],
        );
        // Throwing rolls back, so a refused submission leaves no images behind.
        if ((result.rowCount ?? 0) === 0) throw new ConflictSignal();
        return 'committed' as const;
      });
    } catch (error) {
      if (error instanceof ConflictSignal) return 'conflict';
      throw error;
    }
  }

  async putObject(o: StoredObject): Promise<void> {
    await this.pool.query('INSERT INTO objects (key, sealed, created_at) VALUES ($1, $2, $3) ON CONFLICT (key) DO UPDATE SET sealed = EXCLUDED.sealed, created_at = EXCLUDED.created_at', [
      o.key,
      o.sealed,
      o.createdAt.getTime(),
    ]);
  }

  async getObject(key: string): Promise<StoredObject | undefined> {
    const [row] = await this.rows('SELECT * FROM objects WHERE key = $1', [key]);
    return row && { key: String(row.key), sealed: row.sealed as Buffer, createdAt: new Date(ms(row.created_at)) };
  }

  async purge({ biometricsBefore, now }: { biometricsBefore: Date; now: Date }): Promise<PurgeResult> {
    return this.transaction(async (client) => ({
      // References (ref/…) follow their own record's expiry, purged with it by the references store.
      objects: (await client.query("DELETE FROM objects WHERE created_at < $1 AND key NOT LIKE 'ref/%'", [biometricsBefore.getTime()])).rowCount ?? 0,
      materials: (await client.query('UPDATE tickets SET sealed_materials = NULL WHERE sealed_materials IS NOT NULL AND submitted_at < $1', [biometricsBefore.getTime()])).rowCount ?? 0,
      nonces: (await client.query('DELETE FROM nonces WHERE expires_at < $1', [now.getTime()])).rowCount ?? 0,
      tokens: (await client.query('DELETE FROM verify_tokens WHERE expires_at < $1', [now.getTime() - 86_400_000])).rowCount ?? 0,
      // References are deleted with their photos by their store (server/references/store.ts).
      records: (await client.query("DELETE FROM records WHERE expires_at < $1 AND kind <> 'reference'", [now.getTime()])).rowCount ?? 0,
    }));
  }

  async putRecord(r: SealedRecord): Promise<void> {
    await this.pool.query(
      'INSERT INTO records (kind, id, sealed, created_at, expires_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (kind, id) DO UPDATE SET sealed = EXCLUDED.sealed, created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at',
      [r.kind, r.id, r.sealed, r.createdAt.getTime(), r.expiresAt?.getTime() ?? null],
    );
  }

  async getRecord(kind: string, id: string): Promise<SealedRecord | undefined> {
    const row = (await this.pool.query('SELECT * FROM records WHERE kind = $1 AND id = $2', [kind, id])).rows[0] as Record<string, unknown> | undefined;
    return row && recordFromRow(row);
  }

  async listRecords(kind: string): Promise<SealedRecord[]> {
    return (await this.pool.query('SELECT * FROM records WHERE kind = $1 ORDER BY created_at, id', [kind])).rows.map(recordFromRow);
  }

  async expiredRecords(kind: string, now: Date): Promise<SealedRecord[]> {
    return (await this.pool.query('SELECT * FROM records WHERE kind = $1 AND expires_at < $2', [kind, now.getTime()])).rows.map(recordFromRow);
  }

  async deleteRecord(kind: string, id: string, objectKeys: readonly string[] = []): Promise<boolean> {
    return this.transaction(async (client) => {
      for (const key of objectKeys) await client.query('DELETE FROM objects WHERE key = $1', [key]);
      return ((await client.query('DELETE FROM records WHERE kind = $1 AND id = $2', [kind, id])).rowCount ?? 0) > 0;
    });
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** Thrown inside a transaction to roll it back; never leaves the repository. */
class ConflictSignal extends Error {}
