import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createLogger } from '../../main/services/log';
import { EventBus } from '../../main/services/events';
import { Kiosk, type KioskDeps } from '../../main/services/kiosk';
import { PinGate } from '../../main/services/operator/pin';
import type { ChipPhoto, ReaderService } from '../../main/services/reader/types';
import { Settings, type SettingsInput } from '../../main/services/settings';
import type { VerifyInput, VerifyOutcome, VerifyProvider } from '../../main/services/verify/provider';
import { startWebHost, type RunningWebHost } from '../../main/web-host';
import { FakeReader } from './fake-reader';

export const repoRoot = resolve(import.meta.dirname, '../..');
export const quietLog = createLogger({ level: 'error', write: () => undefined });

/** A provider double that records what reached main and answers with a fixed outcome. */
export class RecordingProvider implements VerifyProvider {
  readonly name = 'local' as const;
  readonly inputs: VerifyInput[] = [];
  constructor(private readonly outcome: VerifyOutcome = { kind: 'compared', score: 88, threshold: 70, far: 0.001 }) {}
  status() {
    return { ready: true, detail: 'recording provider' };
  }
  async verify(input: VerifyInput): Promise<VerifyOutcome> {
    this.inputs.push(input);
    input.onStage?.('comparing');
    return this.outcome;
  }
}

export interface TestKioskOptions {
  settings?: SettingsInput;
  provider?: VerifyProvider;
  /** Builds providers from settings, so operator changes apply (e.g. a new FAR). */
  makeProvider?: KioskDeps['makeProvider'];
  /** A staff PIN (hashed into a temporary file) to open the operator surface with. */
  operatorPin?: string;
  reader?: (bus: EventBus) => ReaderService;
  photo?: ChipPhoto | null;
}

function pinGate(pin: string): PinGate {
  const gate = new PinGate(join(mkdtempSync(join(tmpdir(), 'rz-pin-')), 'pin.json'));
  gate.set(pin);
  return gate;
}

export function createTestKiosk(opts: TestKioskOptions = {}): Kiosk {
  const settings = Settings.parse({ ...opts.settings, audit: { enabled: false, ...opts.settings?.audit } });
  const photo = opts.photo === undefined ? { mime: 'image/jpeg' as const, bytes: readFileSync(join(repoRoot, 'test/fixtures/camera/person-linda.jpg')) } : opts.photo;
  return new Kiosk({
    settings,
    appVersion: '0.0.0-test',
    shell: 'web',
    log: quietLog,
    createReader: (bus) => (opts.reader ? opts.reader(bus) : new FakeReader(bus, photo)),
    provider: opts.provider ?? opts.makeProvider?.(settings.verify) ?? new RecordingProvider(),
    makeProvider: opts.makeProvider,
    pin: opts.operatorPin ? pinGate(opts.operatorPin) : null,
    localFaceBackends: ['wasm'],
  });
}

/** The web host over a test kiosk (or the real createKiosk wiring when `real` is set). */
export async function startTestWebHost(opts: TestKioskOptions & { real?: boolean; env?: Record<string, string> } = {}): Promise<RunningWebHost> {
  const env = { RENZHENG_DATA_DIR: mkdtempSync(join(tmpdir(), 'rz-data-')), ...opts.env };
  return startWebHost({ appRoot: repoRoot, env, log: quietLog, kiosk: opts.real ? undefined : createTestKiosk(opts) });
}
