import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { SubmissionHooks } from '../context';
import type { SecretBox } from '../crypto';
import type { Repository } from '../repository/types';
import { registerConsole } from './routes';
import { ConsoleService } from './service';
import { SqliteConsoleStore, type ConsoleStore } from './store';
import { PostgresConsoleStore } from './store-postgres';
import type { DecidedTicket } from './types';

export interface ConsoleParts {
  service: ConsoleService;
  hooks: SubmissionHooks;
  register: (app: FastifyInstance) => void;
  close: () => Promise<void>;
}

/** The console beside the service, in the same database: its store, operations, submission hooks and routes. */
export async function openConsole(options: {
  dataDir: string;
  /** The PostgreSQL URL the Repository uses; SQLite in dataDir otherwise. */
  dbUrl?: string;
  repo: Repository;
  keys: { secrets: SecretBox; biometrics: SecretBox; tokenKey: Buffer };
  now: () => Date;
  retentionDays: number;
  onTicketDecided?: (ticket: DecidedTicket) => void | Promise<void>;
  staticDir?: string;
  publicUrl: () => string;
}): Promise<ConsoleParts> {
  const store: ConsoleStore = options.dbUrl ? await PostgresConsoleStore.open(options.dbUrl) : new SqliteConsoleStore(join(options.dataDir, 'renzheng-server.db'));
  const service = new ConsoleService({
    store,
    repo: options.repo,
    secrets: options.keys.secrets,
    biometrics: options.keys.biometrics,
    tokenKey: options.keys.tokenKey,
    now: options.now,
    retentionDays: options.retentionDays,
    onTicketDecided: options.onTicketDecided,
  });
  return {
    service,
    hooks: {
      review: (biz, decision) => service.reviewRule(biz, decision),
      submitted: (biz, ticketId, idNumber, source) => service.submitted(biz, ticketId, idNumber, source),
    },
    register: (app) => registerConsole(app, { service, publicUrl: options.publicUrl, staticDir: options.staticDir }),
    close: () => store.close(),
  };
}
