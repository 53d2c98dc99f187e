import { randomUUID } from 'node:crypto';
import { ContractError, type CardPublic, type ReaderError, type ReaderStatus } from '../../../contract';
import { isExpired, parseCardText, type Card } from '../../../idcard/card';
import { maskIdNumber } from '../../../idcard/id-number';
import { CardTextError, IdCardError } from '../../../idcard/errors';
import { hasWltMagic } from '../../../idcard/reply';
import { SamError } from '../../../idcard/status';
import { TransportError } from '../../../native/transport';
import type { EventBus } from '../events';
import { silentLogger, type Logger } from '../log';
import { CardReadError, type CardSource, type RawRead } from '../../../native/sam/card-source';
import type { HeldCard, ReaderService } from './types';


/** Presents and removes the simulated card; only the simulated/demo readers have one. */
export interface SimulatorControl {
  present(): void;
  remove(): void;
}

export interface ReaderLoopOptions {
  bus: EventBus;
  /** Open a reader and return it ready (status checked); throws when none can be opened now. */
  connect: () => Promise<CardSource>;
  /** WLT → 24-bit BMP; absent when no vendor decoder is configured. */
  decodePhoto?: (wlt: Uint8Array) => Promise<Buffer>;
  simulator?: SimulatorControl;
  /** Whether the simulator may be used now (auto mode learns it only after connecting). */
  simulatorAvailable?: () => boolean;
  pollIntervalMs?: number;
  /** Idle time after which the SAM status is checked (11 FF). */
  healthIntervalMs?: number;
  backoff?: { initialMs: number; maxMs: number };
  /** Consecutive failed reads (or unknown SAM errors) before the SAM is reset. */
  resetAfterFailures?: number;
  /** Consecutive timeouts with no card involved before the reader counts as lost. */
  reconnectAfterTimeouts?: number;
  /**
   * Hot-plug: `watch` starts watching for attached devices and returns a stop function; the
   * service owns the watcher for as long as it runs and calls `onAttach` on itself.
   */
  hotplug?: { watch(onAttach: () => void): () => void; onAttach(service: PollingReaderService): void };
  /** Freed once the loop has stopped (e.g. a WLT decoder's child process). */
  release?: () => Promise<void>;
  now?: () => Date;
  logger?: Logger;
}

type ReaderErrorCode =
  | 'reader-unavailable' // no reader could be opened (with why)
  | 'reader-detached' // the open reader went away
  | 'reader-unresponsive' // repeated timeouts; reconnecting
  | 'protocol' // damaged frames or a command the SAM rejected
  | 'sam-fault' // SW3 60 / 66: needs the operator
  | 'card-read-failed' // the card moved or the read broke off: place it again
  | 'card-unsupported' // SW3 40: not an ID card
  | 'card-invalid' // the text block failed validation
  | 'photo-decode-failed';

/**
 * The reader service: a poll loop over one CardSource at a time, with the card-removal rule
 * (a read card answers "no card" until re-presented, so any new find is a new presentation),
 * idle health checks, SAM resets after repeated failures, and reconnection with backoff.
 */
export class PollingReaderService implements ReaderService {
  private state: ReaderStatus;
  private readonly held = new Map<string, HeldCard>();
  private running: Promise<void> | null = null;
  private stopping = false;
  private wake: (() => void) | null = null;
  private lastErrorKey: string | null = null;
  private reconnectRequested = false;
  private unwatch: (() => void) | null = null;
  private readonly log: Logger;
  private readonly now: () => Date;

  constructor(private readonly options: ReaderLoopOptions) {
    this.log = options.logger ?? silentLogger;
    this.now = options.now ?? (() => new Date());
    this.state = { state: 'searching', transport: null, description: 'looking for an ID-card reader', canSimulate: this.canSimulate() };
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.stopping = false;
    this.watchHotplug();
    this.options.bus.emit('reader.status', this.state);
    this.running = this.loop().catch((error: unknown) => {
      this.log.error('reader loop crashed', { error: String(error) });
      this.setStatus({ state: 'error', transport: null, description: 'the reader service stopped after an internal error' });
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.unwatch?.();
    this.unwatch = null;
    this.wake?.();
    await this.running;
    this.running = null;
    await this.options.release?.().catch((error: unknown) => this.log.warn('releasing the reader failed', { error: String(error) }));
  }

  private watchHotplug(): void {
    const hotplug = this.options.hotplug;
    if (!hotplug || this.unwatch) return;
    try {
      this.unwatch = hotplug.watch(() => hotplug.onAttach(this));
    } catch (error) {
      this.log.warn('hot-plug watching unavailable; relying on periodic retries', { error: String(error) });
    }
  }

  /** Drop the current reader and connect again (auto mode found real hardware while in demo). */
  requestReconnect(): void {
    this.reconnectRequested = true;
    this.wake?.();
  }

  /** Skip the current backoff wait (a device was just plugged in). */
  retryNow(): void {
    if (this.state.state !== 'ready' && this.state.state !== 'simulated') this.wake?.();
  }

  status(): ReaderStatus {
    return { ...this.state };
  }

  private canSimulate(): boolean {
    return this.options.simulatorAvailable ? this.options.simulatorAvailable() : Boolean(this.options.simulator);
  }

  async simulate(action: 'present' | 'remove'): Promise<void> {
    const sim = this.options.simulator;
    if (!sim || !this.canSimulate()) throw new ContractError({ code: 'unavailable', message: 'no simulated reader is active; a real reader is in use' });
    if (action === 'present') {
      sim.present();
    } else {
      sim.remove();
      // The simulator knows the card left; a real SAM cannot tell (see removal rule).
      this.dropHeldCards();
    }
    this.wake?.();
  }

  heldCard(cardId: string): HeldCard | undefined {
    return this.held.get(cardId);
  }

  forget(): void {
    this.held.clear();
  }

  private setStatus(next: Omit<ReaderStatus, 'canSimulate'>): void {
    const status: ReaderStatus = { ...next, canSimulate: this.canSimulate() };
    if (JSON.stringify(status) === JSON.stringify(this.state)) return;
    this.state = status;
    this.options.bus.emit('reader.status', status);
  }

  /** Emit a reader.error, once per distinct fault until something else happens. */
  private reportError(code: ReaderErrorCode, message: string, sw3: number | null = null, repeat = false): void {
    const key = `${code}:${sw3}`;
    if (!repeat && key === this.lastErrorKey) return;
    this.lastErrorKey = key;
    const payload: ReaderError = { code, message, sw3 };
    this.log.warn('reader error', { code, sw3 });
    this.options.bus.emit('reader.error', payload);
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(timer);
        if (self.wake === done) self.wake = null;
        resolve();
      }
      this.wake = done;
    });
  }

  private async loop(): Promise<void> {
    const backoff = this.options.backoff ?? { initialMs: 500, maxMs: 5000 };
    let delay = backoff.initialMs;
    while (!this.stopping) {
      let source: CardSource;
      try {
        source = await this.options.connect();
      } catch (error) {
        this.reportConnectFailure(error);
        await this.pause(delay);
        delay = Math.min(delay * 2, backoff.maxMs);
        continue;
      }
      if (this.stopping) {
        await source.close().catch(() => undefined);
        break;
      }
      delay = backoff.initialMs;
      this.lastErrorKey = null;
      this.log.info('reader ready', { transport: source.kind, description: source.description });
      this.setStatus({ state: source.kind === 'simulator' ? 'simulated' : 'ready', transport: source.kind, description: source.description });
      await this.serve(source);
      await source.close().catch(() => undefined);
    }
  }

  private reportConnectFailure(error: unknown): void {
    if (error instanceof SamError && error.statusClass === 'sam-fatal') {
      this.setStatus({ state: 'sam-fault', transport: null, description: `the reader's security module failed (SW3 ${error.sw3.toString(16).toUpperCase()}); call the operator` });
      this.reportError('sam-fault', error.message, error.sw3);
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    const absent = error instanceof TransportError && (error.code === 'not-found' || error.code === 'unplugged');
    this.setStatus({ state: absent ? 'searching' : 'error', transport: null, description: absent ? 'looking for an ID-card reader' : message });
    this.reportError('reader-unavailable', message, error instanceof SamError ? error.sw3 : null);
  }

  private async serve(source: CardSource): Promise<void> {
    let lostWith: Error | null = null;
    const off = source.onClose((error) => {
      lostWith = error ?? new TransportError('closed', 'the reader connection closed');
      this.wake?.();
    });
    const pollMs = this.options.pollIntervalMs ?? 400;
    const healthMs = this.options.healthIntervalMs ?? 3000;
    const resetAfter = this.options.resetAfterFailures ?? 3;
    const reconnectAfter = this.options.reconnectAfterTimeouts ?? 3;
    let lastActivity = Date.now();
    let cardFailures = 0;
    let timeouts = 0;
    try {
      this.reconnectRequested = false;
      while (!this.stopping && !lostWith && !this.reconnectRequested) {
        try {
          const raw = await source.poll();
          timeouts = 0;
          if (raw) {
            cardFailures = 0;
            lastActivity = Date.now();
            await this.accept(raw);
          } else {
            this.lastErrorKey = null;
            if (Date.now() - lastActivity >= healthMs) {
              await source.health();
              lastActivity = Date.now();
              if (this.state.state === 'sam-fault') this.setStatus({ state: 'ready', transport: source.kind, description: source.description });
            }
          }
        } catch (error) {
          if (lostWith || error instanceof TransportError) {
            lostWith ??= error as Error;
            break;
          }
          const verdict = await this.handleFailure(error, source, { cardFailures: ++cardFailures, resetAfter });
          if (verdict === 'reset') cardFailures = 0;
          if (error instanceof IdCardError && error.code === 'timeout' && ++timeouts >= reconnectAfter) {
            this.reportError('reader-unresponsive', `the reader stopped answering (${timeouts} timeouts); reconnecting`);
            break;
          }
          if (verdict === 'reconnect') break;
        }
        await this.pause(pollMs);
      }
    } finally {
      off();
    }
    // Leaving the demo for real hardware: the demo card is gone with its reader.
    if (this.reconnectRequested && source.kind === 'simulator') this.dropHeldCards();
    if (lostWith && !this.stopping) {
      this.log.warn('reader lost', { transport: source.kind });
      this.setStatus({ state: 'searching', transport: null, description: 'the reader was disconnected; looking for it' });
      this.reportError('reader-detached', `the reader was disconnected (${(lostWith as Error).message})`, null, true);
    }
  }

  private async handleFailure(
    error: unknown,
    source: CardSource,
    counts: { cardFailures: number; resetAfter: number },
  ): Promise<'continue' | 'reset' | 'reconnect'> {
    const resetIfDue = async (): Promise<'continue' | 'reset'> => {
      if (counts.cardFailures < counts.resetAfter) return 'continue';
      this.log.warn('resetting SAM after repeated failures', { failures: counts.cardFailures });
      await source.reset().catch((e: unknown) => this.log.warn('SAM reset failed', { error: String(e) }));
      return 'reset';
    };
    if (error instanceof SamError && error.statusClass === 'sam-fatal') {
      this.setStatus({ state: 'sam-fault', transport: source.kind, description: `the reader's security module failed (SW3 ${error.sw3.toString(16).toUpperCase()}); call the operator` });
      this.reportError('sam-fault', error.message, error.sw3);
      // One reset may clear a self-test failure; if not, reconnect with backoff (and keep alerting).
      try {
        await source.reset();
        await source.health();
        this.setStatus({ state: 'ready', transport: source.kind, description: source.description });
        return 'reset';
      } catch {
        return 'reconnect';
      }
    }
    if (error instanceof CardReadError) {
      const cause = error.cause;
      if (cause instanceof SamError && cause.statusClass === 'not-id-card') {
        this.reportError('card-unsupported', 'this card is not an ID card or residence permit', cause.sw3);
        return 'continue';
      }
      this.reportError('card-read-failed', `the card could not be read (${cause.message}); lift it and place it again`, cause instanceof SamError ? cause.sw3 : null);
      return resetIfDue();
    }
    if (error instanceof SamError) {
      this.reportError('protocol', error.message, error.sw3);
      return error.statusClass === 'unknown' ? resetIfDue() : 'continue';
    }
    if (error instanceof IdCardError) {
      this.reportError('protocol', error.message);
      return 'continue';
    }
    // Anything else (a vendor SDK failure, a crashed child process): start over.
    this.reportError('reader-unavailable', error instanceof Error ? error.message : String(error));
    return 'reconnect';
  }

  private async accept(raw: RawRead): Promise<void> {
    let card: Card;
    try {
      card = parseCardText(raw.text);
    } catch (error) {
      if (error instanceof CardTextError) {
        this.reportError('card-invalid', `the card data is inconsistent (${error.field}): ${error.message}`, null, true);
        return;
      }
      throw error;
    } finally {
      raw.text.fill(0);
    }
    const warnings = [...card.warnings];
    let bmp = raw.photoBmp;
    if (!bmp && raw.photoProblem && !(raw.wlt && this.options.decodePhoto)) {
      warnings.push('photo-decode-failed');
      this.reportError('photo-decode-failed', `the chip photo could not be decoded (${raw.photoProblem}); face comparison is unavailable for this card`, null, true);
    } else if (!bmp && raw.wlt) {
      if (!this.options.decodePhoto) warnings.push('photo-decoder-missing');
      else if (!hasWltMagic(raw.wlt)) warnings.push('photo-not-wlt');
      else {
        try {
          bmp = await this.options.decodePhoto(raw.wlt);
        } catch (error) {
          warnings.push('photo-decode-failed');
          this.reportError('photo-decode-failed', `the chip photo could not be decoded (${error instanceof Error ? error.message : String(error)}); face comparison is unavailable for this card`, null, true);
        }
      }
    }
    // A new presentation means the previous card was taken away.
    this.dropHeldCards();
    const cardId = randomUUID();
    const publicCard: CardPublic = {
      cardId,
      type: card.type,
      name: card.name || ('englishName' in card ? card.englishName : ''),
      ...('englishName' in card ? { englishName: card.englishName } : {}),
      sex: card.sex,
      idNumberMasked: maskIdNumber(card.idNumber),
      validUntil: card.validUntil,
      expired: isExpired(card, this.now()),
      photo: bmp ? { mime: 'image/bmp', base64: bmp.toString('base64') } : null,
      warnings,
    };
    this.held.set(cardId, {
      cardId,
      public: publicCard,
      identity: { type: card.type, name: card.name || publicCard.name, idNumber: card.idNumber },
      photo: bmp ? { mime: 'image/bmp', bytes: bmp } : null,
      readAt: Date.now(),
    });
    this.lastErrorKey = null;
    this.log.info('card read', { type: card.type, id: publicCard.idNumberMasked, photo: Boolean(bmp), warnings });
    this.options.bus.emit('reader.card', publicCard);
  }

  private dropHeldCards(): void {
    for (const cardId of [...this.held.keys()]) {
      this.held.delete(cardId);
      this.options.bus.emit('reader.cardRemoved', { cardId });
    }
  }
}
