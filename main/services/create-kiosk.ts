import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { SystemInfo } from '../../contract';
import { startFaceWorker, type FaceEngineApi } from '../../face/client';
import type { Logger } from './log';
import { AuditStore } from './audit/audit-store';
import { AuditLedger, loadOrCreateAuditKey } from './audit/audit-ledger';
import { httpDeliver, OutboxSender } from './audit/outbox';
import { PinGate } from './operator/pin';
import { keyFileCipher, SecretStore, type SecretCipher } from './operator/secrets';
import type { ProviderFactory } from './operator/live-provider';
import { FallbackProvider } from './operator/fallback-provider';
import { Kiosk } from './kiosk';
import { ensurePrivateDir, secretFileProblem } from './private-files';
import { loadSettings, Settings, SettingsError } from './settings';
import { createUnavailableReader } from './unavailable-reader';
import { createUnavailableProvider } from './verify/unavailable-provider';
import { createCloudauthProvider } from './verify/cloudauth-provider';
import { createLocalProvider } from './verify/local-provider';
import { createReaderService } from './reader';
import type { VerifyProvider } from './verify/provider';
import type { EventBus } from './events';
import type { ReaderService } from './reader/types';
import type { ChildLauncher } from './reader';

export interface CreateKioskOptions {
  appRoot: string;
  dataDir: string;
  shell: SystemInfo['shell'];
  log: Logger;
  env: Record<string, string | undefined>;
  /** Starts vendor SDK / WLT decoder children; the Electron shell passes its utility-process launcher. */
  childLauncher?: ChildLauncher;
  /** Seals the AccessKey; the Electron shell passes safeStorage's when the OS keyring is there. Default: the 0600 key file. */
  secretCipher?: SecretCipher;
}

function appVersion(appRoot: string): string {
  return (JSON.parse(readFileSync(join(appRoot, 'package.json'), 'utf8')) as { version: string }).version;
}

function readerFactory(appRoot: string, childLauncher: ChildLauncher | undefined) {
  return (bus: EventBus, settings: Settings, log: Logger): ReaderService => {
    try {
      return createReaderService({
        ...settings.reader,
        ...(childLauncher ? { childLauncher } : {}),
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
 * Providers from settings. The local face engine (a worker thread; its models take seconds to
 * load) is started once, on first need, and shared by every local provider the operator's
 * changes create, so a new FAR applies at once.
 */
function providerFactory(log: Logger, refused: string | undefined): { make: ProviderFactory; close(): Promise<void> } {
  let engine: Promise<FaceEngineApi> | null = null;
  const make: ProviderFactory = (verify) => {
    const { provider, far, cloudauth, local: site } = verify;
    // A secret refused for its file's permissions is not silently replaced by nothing: say why.
    if (provider === 'cloudauth' && refused && !cloudauth.accessKeySecret) return createUnavailableProvider(provider, refused);
    try {
      const local = () => {
        // A site calibration (renzheng calibrate) and a site's own models apply from the engine's start.
        engine ??= startFaceWorker({ attributes: false, calibrationPath: site.calibrationFile, modelDirs: site.modelsDir ? [site.modelsDir] : undefined });
        // While its models load the provider reports `loading`, and the verify service waits for it.
        return createLocalProvider({ far, engine });
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

/**
 * An AccessKey secret in a settings file other users can read is refused (the verifier then says
 * why, and the rest of the kiosk runs): using it would make the leak permanent policy.
 */
function refuseExposedSecret(settings: Settings, file: string, opts: CreateKioskOptions): string | undefined {
  if (!existsSync(file) || opts.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET || !settings.verify.cloudauth.accessKeySecret) return undefined;
  const mode = statSync(file).mode;
  const problem = secretFileProblem(file, mode);
  if (!problem) return undefined;
  opts.log.error('refusing an AccessKey secret readable by other users', { mode: (mode & 0o777).toString(8) });
  settings.verify.cloudauth.accessKeySecret = undefined;
  return problem;
}

/**
 * Builds the kiosk from settings on disk: the one place both shells get their services from.
 * A settings file that cannot be used does not stop the shell: the kiosk comes up out of service,
 * says on screen what is wrong with the file, and verifies nobody until it is fixed.
 */
export async function createKiosk(opts: CreateKioskOptions): Promise<Kiosk> {
  // The default location is the kiosk's own and is tightened; a RENZHENG_DATA_DIR the operator chose is only reported.
  const dir = ensurePrivateDir(opts.dataDir, !opts.env.RENZHENG_DATA_DIR);
  if (dir.tightened) opts.log.warn('data directory was readable by others; made it owner-only', { mode: dir.looseMode?.toString(8) });
  else if (dir.looseMode !== null) {
    opts.log.warn('data directory is readable by other users: run chmod 700 on it', { mode: dir.looseMode.toString(8) });
  }
  const settingsFile = opts.env.RENZHENG_CONFIG ?? join(opts.dataDir, 'settings.json');
  let settings: Settings;
  try {
    settings = loadSettings({ dataDir: opts.dataDir, file: opts.env.RENZHENG_CONFIG, env: opts.env });
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    opts.log.error('kiosk out of service: settings unusable', { error: error.message });
    return outOfServiceKiosk(opts, error.message);
  }
  const exposed = refuseExposedSecret(settings, settingsFile, opts);
  // One key (0600) seals biometric images, keys the ID-number hash and seals the AccessKey file.
  const key = loadOrCreateAuditKey(join(opts.dataDir, 'audit.key'));
  const cipher = opts.secretCipher ?? keyFileCipher(key);
  // One file per cipher: a kiosk moved between shells does not try to open the other's seal.
  const secrets = new SecretStore(join(opts.dataDir, cipher.kind === 'key-file' ? 'secrets.sealed' : 'secrets.safe-storage.sealed'), cipher);
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
  const providers = providerFactory(opts.log.child('verify'), exposed);
  return new Kiosk({
    settings,
    appVersion: appVersion(opts.appRoot),
    shell: opts.shell,
    log: opts.log,
    createReader: readerFactory(opts.appRoot, opts.childLauncher),
    // Models load in worker threads in the background; status() says 'loading' until they are in.
    provider: providers.make(settings.verify),
    makeProvider: providers.make,
    // The Node engine runs its models on onnxruntime's CPU backend in a worker thread.
    localFaceBackends: settings.verify.provider === 'local' ? ['onnxruntime-cpu'] : [],
    audit,
    ledger,
    pin,
    secrets,
    settingsFile,
    outbox: ledger && settings.audit.centralUrl ? new OutboxSender(ledger, httpDeliver(settings.audit.centralUrl), opts.log.child('outbox')) : null,
    onStop: providers.close,
  });
}

function outOfServiceKiosk(opts: CreateKioskOptions, reason: string): Kiosk {
  return new Kiosk({
    settings: Settings.parse({}),
    appVersion: appVersion(opts.appRoot),
    shell: opts.shell,
    log: opts.log,
    createReader: (bus) => createUnavailableReader(bus, reason),
    provider: createUnavailableProvider('local', reason),
    localFaceBackends: [],
    audit: null,
    outOfService: reason,
  });
}
