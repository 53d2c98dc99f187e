import type pg from 'pg';

/** BEGIN … COMMIT on one pooled client; any failure rolls back and is rethrown, and the client goes back to the pool. */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const value = await work(client);
    await client.query('COMMIT');
    return value;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** The advisory lock every schema migration of ours takes, so processes starting at once do not race on CREATE IF NOT EXISTS. */
const MIGRATION_LOCK = 7411203;

/** Runs `schema` (idempotent DDL) while holding the migration lock. */
export async function migrateUnderLock(pool: pg.Pool, schema: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query(schema);
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    client.release();
  }
}
