import { ContractError, type SystemInfo } from '../../contract';
import type { ContractHandlers } from '../../contract/dispatcher';
import type { Logger } from './log';
import type { AuditStore } from './audit/audit-store';
import { EventBus } from './events';
import type { ReaderService } from './reader/types';
import { publicSettings, type Settings } from './settings';
import type { VerifyProvider } from './verify/provider';
import { VerifyService } from './verify/verify-service';

export interface KioskDeps {
  settings: Settings;
  appVersion: string;
  shell: SystemInfo['shell'];
  log: Logger;
  bus?: EventBus;
  createReader(bus: EventBus, settings: Settings, log: Logger): ReaderService;
  provider: VerifyProvider;
  /** Backends the local face engine can run on (reported in system.info). */
  localFaceBackends: string[];
  audit?: AuditStore | null;
  /** Why the kiosk cannot serve anyone (unusable settings); the page shows it instead of the flow. */
  outOfService?: string | null;
}

/**
 * The kiosk's services, wired once and shared by both shells. Nothing here imports electron:
 * the Electron shell and the web host differ only in how they carry the contract.
 */
export class Kiosk {
  readonly bus: EventBus;
  readonly reader: ReaderService;
  readonly verify: VerifyService;
  readonly handlers: ContractHandlers;
  private rendererBackend: SystemInfo['faceBackends']['renderer'] = null;

  constructor(private readonly deps: KioskDeps) {
    this.bus = deps.bus ?? new EventBus();
    this.reader = deps.createReader(this.bus, deps.settings, deps.log.child('reader'));
    const audit = deps.audit ?? null;
    this.verify = new VerifyService({
      bus: this.bus,
      reader: this.reader,
      provider: deps.provider,
      requireLiveness: deps.settings.verify.requireLiveness,
      capture: deps.settings.capture,
      log: deps.log.child('verify'),
      audit: audit ?? undefined,
    });
    this.handlers = {
      'system.info': () => this.systemInfo(),
      'settings.public': () => publicSettings(deps.settings, deps.outOfService ?? null),
      'renderer.report': ({ faceBackend }) => {
        this.rendererBackend = faceBackend;
        deps.log.info('renderer face backend', { faceBackend });
        return { ok: true as const };
      },
      'reader.status': () => this.reader.status(),
      'reader.simulate': async ({ action }) => {
        if (!this.reader.status().canSimulate) {
          throw new ContractError({ code: 'unavailable', message: 'A real reader is attached; the simulated card is off.' });
        }
        await this.reader.simulate(action);
        return { ok: true as const };
      },
      'verify.challenge': ({ cardId }) => this.verify.challenge(cardId),
      'verify.submit': (request) => this.verify.submit(request),
      'session.reset': () => {
        this.verify.cancel();
        this.reader.forget();
        return { ok: true as const };
      },
    };
  }

  systemInfo(): SystemInfo {
    const verify = this.verify.status();
    return {
      appVersion: this.deps.appVersion,
      shell: this.deps.shell,
      faceBackends: { renderer: this.rendererBackend, local: this.deps.localFaceBackends },
      reader: this.reader.status(),
      verify: { provider: verify.provider, ready: verify.ready, detail: verify.detail },
    };
  }

  async start(): Promise<void> {
    await this.reader.start();
  }

  async stop(): Promise<void> {
    this.verify.cancel();
    await this.reader.stop();
    await this.deps.provider.close?.();
    this.deps.audit?.close();
  }
}
