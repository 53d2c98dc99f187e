import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SystemInfo } from '../../contract';
import type { Logger } from '../log';
import { AuditStore } from './audit/audit-store';
import { Kiosk } from './kiosk';
import { loadSettings, type Settings } from './settings';
import { createUnavailableReader } from './unavailable-reader';
import { createUnavailableProvider } from './verify/unavailable-provider';
import { createCloudauthProvider } from './verify/cloudauth-provider';
import { createLocalProvider } from './verify/local-provider';
import { createReaderService } from './reader';
import type { VerifyProvider } from './verify/provider';
import type { EventBus } from './events';
import type { ReaderService } from './reader/types';

export interface CreateKioskOptions {
  appRoot: string;
  dataDir: string;
  shell: SystemInfo['shell'];
  log: Logger;
  env: Record<string, string | undefined>;
}

function appVersion(appRoot: string): string {
  return (JSON.parse(readFileSync(join(appRoot, 'package.json'), 'utf8')) as { version: string }).version;
}

function readerFactory(appRoot: string) {
  return (bus: EventBus, settings: Settings, log: Logger): ReaderService => {
    try {
      return createReaderService({
        ...settings.reader,
        bus,
        demoPhotoPath: join(appRoot, 'resources', 'demo', 'chip-photo.bmp'),
        logger: log,
      });
    } catch (error) {
      log.error('reader could not be created', { error: (error as Error).message });
      return createUnavailableReader(bus, `Reader settings are unusable: ${(error as Error).message}`);
    }
  };
}

async function createProvider(settings: Settings, log: Logger): Promise<VerifyProvider> {
  const { provider, far, cloudauth, local } = settings.verify;
  try {
    if (provider === 'cloudauth') return createCloudauthProvider({ ...cloudauth, far });
    // Models load in worker threads in the background; status() says 'loading' until they are in.
    return createLocalProvider({ far, worker: { calibrationPath: local.calibrationFile, modelDirs: local.modelsDir ? [local.modelsDir] : undefined } });
  } catch (error) {
    log.error('verify provider could not start', { provider, error: (error as Error).message });
    return createUnavailableProvider(provider, `The ${provider} verifier could not start: ${(error as Error).message}`);
  }
}

/** Builds the kiosk from settings on disk: the one place both shells get their services from. */
export async function createKiosk(opts: CreateKioskOptions): Promise<Kiosk> {
  const settings = loadSettings({ dataDir: opts.dataDir, file: opts.env.RENZHENG_CONFIG, env: opts.env });
  const audit = settings.audit.enabled ? new AuditStore(settings.audit.file, settings.audit.storeImages) : null;
  return new Kiosk({
    settings,
    appVersion: appVersion(opts.appRoot),
    shell: opts.shell,
    log: opts.log,
    createReader: readerFactory(opts.appRoot),
    provider: await createProvider(settings, opts.log.child('verify')),
    // The Node engine runs tfjs on its wasm backend (tfjs-node cannot be installed offline).
    localFaceBackends: settings.verify.provider === 'local' ? ['wasm'] : [],
    audit,
  });
}
