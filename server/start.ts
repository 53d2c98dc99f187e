import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { REPORTED_FARS } from '../face/calibration';
import { startFaceWorker } from '../face/client';
import { buildApp } from './app';
import type { H5Options } from './h5/routes';
import { CallbackDispatcher, ticketDecided } from './callbacks/notify';
import { referenceStoreOf } from './references/enroll';
import { handles2019 } from './actions-2019/actions';
import { Gateway } from './auth';
import type { ServiceContext, ServiceSettings } from './context';
import { deriveKey, loadMasterKey, SecretBox } from './crypto';
import { FacePool, type FaceBackend } from './face-pool';
import { addressPolicy } from './images/address-policy';
import type { Resolver } from './images/fetch-image';
import { createServerLogger } from './log';
import { openRepository } from './repository/open';
import type { Repository, RepositoryFaults } from './repository/types';
import { KeyThrottle, type ThrottleOptions } from './throttle';
import { openConsole } from './console/open';
import type { ConsoleService } from './console/service';
import type { DecidedTicket } from './console/types';

export interface ServerOptions {
  /** 127.0.0.1 unless told otherwise: exposing the service is a decision, not a default. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  dataDir: string;
  /** postgres://… to share one database between processes; SQLite in dataDir otherwise. */
  dbUrl?: string;
  /** Base URL callers reach this service at; default http://HOST:PORT. */
  publicUrl?: string;
  env?: Record<string, string | undefined>;
  /** A face engine to use instead of starting worker threads (tests). */
  face?: FaceBackend;
  faceWorkers?: number;
  /** Face jobs that may wait; one more is refused with Throttling. */
  faceQueue?: number;
  throttle?: ThrottleOptions;
  keyCacheMs?: number;
  /** Days images and materials are kept after submission. Default 30. */
  retentionDays?: number;
  purgeIntervalMs?: number;
  /** CIDR ranges http(s) images may come from although they are not public. */
  allowAddresses?: string[];
  tokenSeconds?: number;
  far?: number;
  imageFetchTimeoutMs?: number;
  logger?: Logger;
  resolve?: Resolver;
  now?: () => Date;
  faults?: RepositoryFaults;
  /** Days an enrolled reference is kept. Default 365. */
  referenceRetentionDays?: number;
  /** The H5 page's build folder and capture policy. */
  h5?: H5Options;
  /** Callback retry backoff for attempt n (tests shorten it). */
  callbackBackoffMs?: (attempt: number) => number;
  /** Fired when a reviewer decides a ticket in the console (issue 15's callbacks connect here). */
  onTicketDecided?: (ticket: DecidedTicket) => void | Promise<void>;
  /** The built console page (out/renderer); found next to the build when not given. */
  consoleStaticDir?: string;
}

export interface RunningServer {
  url: string;
  repo: Repository;
  logger: Logger;
  /** The console's operations (also what /console/api calls). */
  console: ConsoleService;
  /** Stops accepting, finishes requests in flight, then closes the face pool and the database. */
  close(): Promise<void>;
}

export const DEFAULT_THROTTLE: ThrottleOptions = { ratePerSecond: 200, burst: 400 };

/** The master key and what is derived from it, for the server and the admin commands alike. */
export function serverKeys(dataDir: string, env: Record<string, string | undefined>) {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const master = loadMasterKey({ env, file: join(dataDir, 'master.key'), create: true });
  return {
    from: master.from,
    secrets: new SecretBox(deriveKey(master.key, 'access-key-secrets')),
    biometrics: new SecretBox(deriveKey(master.key, 'biometrics')),
    tokenKey: deriveKey(master.key, 'token-hashing'),
    urlKey: deriveKey(master.key, 'url-signing'),
  };
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const env = options.env ?? process.env;
  const logger = options.logger ?? createServerLogger();
  const far = options.far ?? 0.0001;
  if (!(REPORTED_FARS as readonly string[]).includes(String(far))) throw new Error(`--far must be one of ${REPORTED_FARS.join(', ')} (the FARs CompareFaces reports).`);
  const keys = serverKeys(options.dataDir, env);
  if (keys.from === 'created') logger.warn({ file: join(options.dataDir, 'master.key') }, 'created a new master key file; back it up, and give several processes the same key via RENZHENG_SERVER_MASTER_KEY');
  const repo = await openRepository({ dataDir: options.dataDir, dbUrl: options.dbUrl, faults: options.faults });
  let backend: FaceBackend;
  try {
    backend = options.face ?? (await startFaceWorker({ workers: options.faceWorkers }));
  } catch (error) {
    await repo.close();
    throw error;
  }
  const face = new FacePool(backend, { concurrency: Math.max(1, options.faceWorkers ?? 2), maxQueued: options.faceQueue ?? 16 });
  const now = options.now ?? (() => new Date());
  const host = options.host ?? '127.0.0.1';
  const settings: ServiceSettings = {
    publicUrl: '',
    hostId: '',
    bucket: 'renzheng-materials',
    tokenSeconds: options.tokenSeconds ?? 1800,
    far,
    materialUrlSeconds: 3600,
    imageFetchTimeoutMs: options.imageFetchTimeoutMs ?? 5000,
    referenceRetentionDays: options.referenceRetentionDays,
  };
  const addresses = addressPolicy(options.allowAddresses ?? []);
  const callbacks = new CallbackDispatcher({ repo, biometrics: keys.biometrics, addresses, resolve: options.resolve, now, logger, backoffMs: options.callbackBackoffMs });
  const context = (note: (fields: Record<string, unknown>) => void): ServiceContext => ({
    repo,
    biometrics: keys.biometrics,
    tokenKey: keys.tokenKey,
    urlKey: keys.urlKey,
    face,
    addresses,
    resolve: options.resolve,
    settings,
    now,
    randomHex: (bytes) => randomBytes(bytes).toString('hex'),
    callbacks,
    note,
  });
  const retentionDays = options.retentionDays ?? 30;
  let consoleParts: Awaited<ReturnType<typeof openConsole>>;
  try {
    consoleParts = await openConsole({ dataDir: options.dataDir, dbUrl: options.dbUrl, repo, keys, now, retentionDays, onTicketDecided: async (ticket) => {
        // A reviewer's decision is announced like any other: the caller's callback, then the embedder's hook.
        await ticketDecided(context(() => undefined), ticket);
        await options.onTicketDecided?.(ticket);
      }, staticDir: options.consoleStaticDir, publicUrl: () => settings.publicUrl });
  } catch (error) {
    await face.close();
    await repo.close();
    throw error;
  }
  const withHooks = (note: (fields: Record<string, unknown>) => void): ServiceContext => ({ ...context(note), hooks: consoleParts.hooks });
  const gateway = new Gateway({ repo, secrets: keys.secrets, throttle: new KeyThrottle(options.throttle ?? DEFAULT_THROTTLE), now, keyCacheMs: options.keyCacheMs ?? 2000, alsoExists: handles2019 });
  const app = buildApp({ context: withHooks, gateway, logger, hostId: () => settings.hostId, extend: consoleParts.register, h5: options.h5 });
  let address: string;
  try {
    address = await app.listen({ host, port: options.port ?? 0 });
  } catch (error) {
    await face.close();
    await consoleParts.close();
    await repo.close();
    throw error;
  }
  settings.publicUrl = (options.publicUrl ?? address).replace(/\/+$/, '');
  settings.hostId = new URL(settings.publicUrl).host;

  const retentionMs = retentionDays * 86_400_000;
  const purge = async () => {
    try {
      const t = now();
      const purged = await repo.purge({ biometricsBefore: new Date(t.getTime() - retentionMs), now: t });
      const references = await referenceStoreOf(context(() => undefined)).purge();
      if (purged.objects || purged.materials || references) logger.info({ purged: { ...purged, references } }, 'purged materials past retention');
      // Biz scenarios with their own (shorter) retention are purged by the console's rule.
      const perBiz = await consoleParts.service.purge();
      if (perBiz.tickets) logger.info({ purged: perBiz }, 'purged materials past their biz retention');
    } catch (error) {
      logger.error({ err: { name: (error as Error).name } }, 'purge failed; will retry');
    }
  };
  await purge();
  // Deliveries left by a previous run (or another process) resume now.
  callbacks.kick();
  const timer = setInterval(() => void purge(), options.purgeIntervalMs ?? 3_600_000);
  timer.unref();
  logger.info({ url: settings.publicUrl, storage: repo.kind }, 'renzheng server listening');

  let closing: Promise<void> | undefined;
  return {
    url: settings.publicUrl,
    repo,
    logger,
    console: consoleParts.service,
    close() {
      closing ??= (async () => {
        clearInterval(timer);
        await app.close();
        await callbacks.close();
        await face.close();
        await consoleParts.close();
        await repo.close();
      })();
      return closing;
    },
  };
}
