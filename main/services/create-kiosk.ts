import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SystemInfo } from '../../contract';
import type { Logger } from './log';
import { AuditStore } from './audit/audit-store';
import { AuditLedger, loadOrCreateAuditKey } from './audit/audit-ledger';
import { httpDeliver, OutboxSender } from './audit/outbox';
import { startFaceWorker, type FaceEngineApi } from '../../face/client';
import { PinGate } from './operator/pin';
import { keyFileCipher, SecretStore } from './operator/secrets';
import type { ProviderFactory } from './operator/live-provider';
import { FallbackProvider } from './operator/fallback-provider';
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

/**
 * While the face models load (seconds at boot), a verification waits for them (the local
 * provider's verify awaits the engine; the verify timeout bounds it) instead of failing the person
 * with "provider unavailable". Once loading settled, the provider's own status counts.
 */
function waitsForEngine(provider: VerifyProvider, engine: Promise<unknown>): VerifyProvider {
  let settled = false;
  engine.then(() => (settled = true), () => (settled = true));
  return {
    name: provider.name,
    status: () => {
      const status = provider.status();
      return settled ? status : { ready: true, detail: status.detail };
    },
    verify: (input) => provider.verify(input),
    close: async () => provider.close?.(),
  };
}

/**
 * Providers from settings. The local face engine (a worker thread; its models take seconds to
 * load) is started once, on first need, and shared by every local provider the operator's
 * changes create, so a new FAR applies at once.
 */
function providerFactory(log: Logger): { make: ProviderFactory; close(): Promise<void> } {
  let engine: Promise<FaceEngineApi> | null = null;
  const make: ProviderFactory = (verify) => {
    const { provider, far, cloudauth } = verify;
    try {
      const local = () => {
        engine ??= startFaceWorker({ attributes: false });
        return waitsForEngine(createLocalProvider({ far, engine }), engine);
      };
      if (provider === 'cloudauth') {
        const cloud = createCloudauthProvider({ ...cloudauth, far });
        return verify.fallbackToLocal ? new FallbackProvider(cloud, local) : cloud;
      }
      return local();
    } catch (error) {
      log.error('verify provider could not start', { provider, error: (error as Error).message });
      return createUnavailableProvider(provider, `The ${provider} verifier could not start: ${(error as Error).message}`);
    }
  };
  return { make, close: async () => void (await engine?.then((e) => e.close(), () => undefined)) };
}

/** Builds the kiosk from settings on disk: the one place both shells get their services from. */
export async function createKiosk(opts: CreateKioskOptions): Promise<Kiosk> {
  const settings = loadSettings({ dataDir: opts.dataDir, file: opts.env.RENZHENG_CONFIG, env: opts.env });
  // One key (0600) seals biometric images, keys the ID-number hash and seals the AccessKey file.
  const key = loadOrCreateAuditKey(join(opts.dataDir, 'audit.key'));
  const secrets = new SecretStore(join(opts.dataDir, 'secrets.sealed'), keyFileCipher(key));
  const stored = secrets.read();
  // The environment wins over the sealed file (Alibaba's own tools use the same variables).
  settings.verify.cloudauth.accessKeyId = opts.env.ALIBABA_CLOUD_ACCESS_KEY_ID ?? stored.accessKeyId ?? settings.verify.cloudauth.accessKeyId;
  settings.verify.cloudauth.accessKeySecret = opts.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET ?? stored.accessKeySecret ?? settings.verify.cloudauth.accessKeySecret;
  // Images never go to audit-store's plain table: the ledger keeps them sealed (and only when storeImages is on).
  const audit = settings.audit.enabled ? new AuditStore(settings.audit.file, false) : null;
  const ledger = settings.audit.enabled ? new AuditLedger(settings.audit.file, key, { outbox: Boolean(settings.audit.centralUrl) }) : null;
  const pin = new PinGate(join(opts.dataDir, 'operator-pin.json'));
  // First start: the installer (or a test) may hand the staff PIN in once; only its hash is kept.
  if (!pin.isSet() && opts.env.RENZHENG_OPERATOR_PIN) pin.set(opts.env.RENZHENG_OPERATOR_PIN);
  const providers = providerFactory(opts.log.child('verify'));
  return new Kiosk({
    settings,
    appVersion: appVersion(opts.appRoot),
    shell: opts.shell,
    log: opts.log,
    createReader: readerFactory(opts.appRoot),
    // Models load in worker threads in the background; status() says 'loading' until they are in.
    provider: providers.make(settings.verify),
    makeProvider: providers.make,
    // The Node engine runs tfjs on its wasm backend (tfjs-node cannot be installed offline).
    localFaceBackends: settings.verify.provider === 'local' ? ['wasm'] : [],
    audit,
    ledger,
    pin,
    secrets,
    settingsFile: opts.env.RENZHENG_CONFIG ?? join(opts.dataDir, 'settings.json'),
    outbox: ledger && settings.audit.centralUrl ? new OutboxSender(ledger, httpDeliver(settings.audit.centralUrl), opts.log.child('outbox')) : null,
    onStop: providers.close,
  });
}
