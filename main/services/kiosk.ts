import { hostname } from 'node:os';
import { ContractError, type SystemInfo } from '../../contract';
import type { ContractHandlers } from '../../contract/dispatcher';
import type { Logger } from './log';
import type { AuditStore } from './audit/audit-store';
import type { AuditLedger } from './audit/audit-ledger';
import { DemoFaceCards } from './demo/face-card';
import { createOperatorDispatcher } from '../../contract/operator-channels';
import { LiveProvider, type ProviderFactory } from './operator/live-provider';
import { OperatorService } from './operator/operator-service';
import type { PinGate } from './operator/pin';
import { RecentErrors } from './operator/recent-errors';
import type { SecretStore } from './operator/secrets';
import type { OutboxSender } from './audit/outbox';
import { EventBus } from './events';
import type { ReaderService } from './reader/types';
import { offersEnrollment, publicSettings, type Settings } from './settings';
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
  /** The rest of the audit trail (subjects, sealed images, manual checks, operator actions, outbox). */
  ledger?: AuditLedger | null;
  /** Builds a provider from settings, so operator changes apply to the next verification. */
  makeProvider?: ProviderFactory;
  pin?: PinGate | null;
  secrets?: SecretStore | null;
  /** settings.json the operator's changes are saved to; null keeps them in memory. */
  settingsFile?: string | null;
  /** Sends audit records to a central service (settings audit.centralUrl). */
  outbox?: OutboxSender | null;
  /** Resources the providers share (the local face engine), closed last. */
  onStop?: () => Promise<void>;
  /** Why the kiosk cannot serve anyone (unusable settings); the page shows it instead of the flow. */
  outOfService?: string | null;
}

/** Opens the operator surface after a correct PIN; returns the URL for the page to open (web) or null (Electron opened a window). */
export type OperatorOpener = () => Promise<string | null>;

/** Names the consent text the person agreed to (renderer/src/i18n/strings.ts consentEnroll); change it when the text changes. */
export const ENROLL_CONSENT_WORDING = 'renzheng-consent-enroll-v1';

/** Retention runs at start and then this often. */
const PURGE_EVERY_MS = 6 * 60 * 60 * 1000;

/**
 * The kiosk's services, wired once and shared by both shells. Nothing here imports electron:
 * the Electron shell and the web host differ only in how they carry the contract.
 */
export class Kiosk {
  readonly bus: EventBus;
  readonly reader: ReaderService;
  readonly verify: VerifyService;
  readonly handlers: ContractHandlers;
  readonly provider: LiveProvider;
  readonly demoCards = new DemoFaceCards();
  readonly recentErrors = new RecentErrors();
  readonly operator: OperatorService;
  readonly log: Logger;
  private rendererBackend: SystemInfo['faceBackends']['renderer'] = null;
  /** Captures made for each card this session (the attempt number in the audit trail). */
  private readonly attempts = new Map<string, number>();
  private operatorOpener: OperatorOpener | null = null;
  private operatorSignOut: () => void = () => undefined;
  private purgeTimer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly deps: KioskDeps) {
    this.log = this.recentErrors.wrap(deps.log);
    this.bus = deps.bus ?? new EventBus();
    this.reader = deps.createReader(this.bus, deps.settings, this.log.child('reader'));
    const audit = deps.audit ?? null;
    const ledger = deps.ledger ?? null;
    this.provider = new LiveProvider(deps.provider, deps.makeProvider ?? null);
    // The card a verification is for: the reader's, or a "use my face" demo card. The card stays held
    // after a verdict so the person can retry; the flow forgets it on the way back to attract (session.reset).
    const cards = {
      heldCard: (cardId: string) => this.demoCards.heldCard(cardId) ?? this.reader.heldCard(cardId),
      forget: () => undefined,
    };
    this.verify = new VerifyService({
      bus: this.bus,
      reader: cards,
      provider: this.provider,
      requireLiveness: deps.settings.verify.requireLiveness,
      capture: deps.settings.capture,
      log: this.log.child('verify'),
      enrollment: offersEnrollment(deps.settings)
        ? { kiosk: deps.settings.verify.cloudauth.kioskId ?? hostname(), wording: ENROLL_CONSENT_WORDING }
        : undefined,
      // The row is written when the verification starts and completed before the verdict is shown.
      audit: audit || ledger ? {
        started: (start) => audit?.started(start),
        finished: (record) => {
          const attempt = (this.attempts.get(record.card.cardId) ?? 0) + 1;
          this.attempts.set(record.card.cardId, attempt);
          audit?.finished(record);
          // Images are kept only sealed (audit-ledger), and only when the operator keeps images.
          ledger?.recordExtras(record, { attempt, storeImages: deps.settings.audit.storeImages });
        },
      } : undefined,
    });
    this.operator = new OperatorService({
      settings: deps.settings,
      settingsFile: deps.settingsFile ?? null,
      secrets: deps.secrets ?? null,
      pin: deps.pin ?? null,
      ledger,
      provider: this.provider,
      systemInfo: () => this.systemInfo(),
      recentErrors: this.recentErrors,
      log: this.log.child('operator'),
      signOut: () => this.operatorSignOut(),
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
        this.demoCards.forget();
        this.attempts.clear();
        return { ok: true as const };
      },
      'demo.faceCard': async ({ image }) => {
        // Demo aid like reader.simulate: only while no real reader is attached.
        if (!this.reader.status().canSimulate) {
          throw new ContractError({ code: 'unavailable', message: 'A real reader is attached; demo cards are off.' });
        }
        const card = await this.demoCards.present(Buffer.from(image.base64, 'base64')).catch((error: Error) => {
          throw new ContractError({ code: 'validation', message: `The demo photo could not be used: ${error.message}` });
        });
        this.bus.emit('reader.card', card.public);
        return { ok: true as const };
      },
      'session.manualCheck': ({ cardId }) => {
        const card = this.reader.heldCard(cardId) ?? this.demoCards.heldCard(cardId);
        if (!card) throw new ContractError({ code: 'not-found', message: 'The card is no longer held; read it again.' });
        ledger?.recordManualCheck(card);
        this.log.info('manual check asked for', { cardType: card.identity.type });
        return { ok: true as const };
      },
      'operator.unlock': async ({ pin }) => {
        const gate = deps.pin;
        if (!gate?.isSet() || !this.operatorOpener) {
          return { ok: false as const, locked: true, retryAfterMs: 0 };
        }
        const check = gate.check(pin);
        if (!check.ok) {
          this.log.warn('operator PIN refused', { locked: check.locked });
          ledger?.recordOperatorAction(check.locked ? 'unlock.locked' : 'unlock.refused', null);
          return { ok: false as const, locked: check.locked, retryAfterMs: check.retryAfterMs };
        }
        ledger?.recordOperatorAction('unlock', null);
        return { ok: true as const, url: await this.operatorOpener() };
      },
    };
  }

  /** The operator surface's gate: its own channel map, served only on the operator's own connection. */
  operatorDispatch() {
    return createOperatorDispatcher(this.operator.handlers(), this.log.child('operator'));
  }

  /** The shell says how the operator surface opens (web: a fresh token and URL; Electron: its own window). */
  setOperatorOpener(open: OperatorOpener, signOut: () => void): void {
    this.operatorOpener = open;
    this.operatorSignOut = signOut;
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
    const ledger = this.deps.ledger;
    if (ledger) {
      const purge = () => {
        try {
          const deleted = ledger.purgeOlderThan(this.deps.settings.audit.retentionDays);
          if (deleted) this.log.info('audit retention purge', { deleted, retentionDays: this.deps.settings.audit.retentionDays });
        } catch (error) {
          this.log.error('audit retention purge failed', { error: (error as Error).message });
        }
      };
      purge();
      this.purgeTimer = setInterval(purge, PURGE_EVERY_MS);
      this.purgeTimer.unref?.();
    }
    this.deps.outbox?.start();
    await this.reader.start();
  }

  async stop(): Promise<void> {
    if (this.purgeTimer) clearInterval(this.purgeTimer);
    this.deps.outbox?.stop();
    this.verify.cancel();
    await this.reader.stop();
    await this.provider.close();
    this.deps.audit?.close();
    this.deps.ledger?.close();
    await this.deps.onStop?.();
  }
}
