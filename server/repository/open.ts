import { join } from 'node:path';
import { PostgresRepository } from './postgres';
import { SqliteRepository } from './sqlite';
import type { Repository, RepositoryFaults } from './types';

/** PostgreSQL when a postgres:// URL is given, else SQLite at DATA/renzheng-server.db. */
export async function openRepository(options: { dataDir: string; dbUrl?: string; faults?: RepositoryFaults }): Promise<Repository> {
  const repo = options.dbUrl
    ? new PostgresRepository(options.dbUrl, options.faults)
    : new SqliteRepository(join(options.dataDir, 'renzheng-server.db'), options.faults);
  try {
    await repo.migrate();
  } catch (error) {
    await repo.close().catch(() => undefined);
    throw error;
  }
  return repo;
}
