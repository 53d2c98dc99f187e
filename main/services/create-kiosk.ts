import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { SystemInfo } from '../../contract';
import type { Logger } from './log';
import { AuditStore } from './audit/audit-store';
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

async function createProvider(settings: Settings, log: Logger, refused?: string): Promise<VerifyProvider> {
  const { provider, far, cloudauth, local } = settings.verify;
  if (provider === 'cloudauth' && refused) return createUnavailableProvider(provider, refused);
  try {
    if (provider === 'cloudauth') return createCloudauthProvider({ ...cloudauth, far });
    // Models load in worker threads in the background; status() says 'loading' until they are in.
    return createLocalProvider({ far, worker: { calibrationPath: local.calibrationFile, modelDirs: local.modelsDir ? [local.modelsDir] : undefined } });
  } catch (error) {
    log.error('verify provider could not start', { provider, error: (error as Error).message });
    return createUnavailableProvider(provider, `The ${provider} verifier could not start: ${(error as Error).message}`);
  }
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
  const audit = settings.audit.enabled ? new AuditStore(settings.audit.file, settings.audit.storeImages) : null;
  return new Kiosk({
    settings,
    appVersion: appVersion(opts.appRoot),
    shell: opts.shell,
    log: opts.log,
    createReader: readerFactory(opts.appRoot, opts.childLauncher),
    provider: await createProvider(settings, opts.log.child('verify'), exposed),
    // The Node engine runs tfjs on its wasm backend (tfjs-node cannot be installed offline).
    localFaceBackends: settings.verify.provider === 'local' ? ['wasm'] : [],
    audit,
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
