import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { SubmissionHooks } from '../context';
import type { SecretBox } from '../crypto';
import type { Repository } from '../repository/types';
import { registerConsole } from './routes';
import { ConsoleService } from './service';
import { ConsoleStore } from './store';
import type { DecidedTicket } from './types';

export interface ConsoleParts {
  service: ConsoleService;
  hooks: SubmissionHooks;
  register: (app: FastifyInstance) => void;
  close: () => void;
}

/** The console beside a SQLite-backed service: its store, operations, submission hooks and routes. */
export function openConsole(options: {
  dataDir: string;
  repo: Repository;
  keys: { secrets: SecretBox; biometrics: SecretBox; tokenKey: Buffer };
  now: () => Date;
  retentionDays: number;
  onTicketDecided?: (ticket: DecidedTicket) => void | Promise<void>;
  staticDir?: string;
  publicUrl: () => string;
}): ConsoleParts {
  const store = new ConsoleStore(join(options.dataDir, 'renzheng-server.db'));
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
