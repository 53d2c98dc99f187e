import { randomUUID } from 'node:crypto';
import { ContractError, type VerifyResult, type VerifySubmit } from '../../../contract';
import type { EventBus } from '../events';
import type { Logger } from '../log';
import type { HeldCard, ReaderService } from '../reader/types';
import type { VerifyOutcome, VerifyProvider } from './provider';

export interface VerificationRecord {
  verificationId: string;
  startedAt: number;
  durationMs: number;
  card: HeldCard;
  live: Buffer;
  submit: VerifySubmit;
  result: VerifyResult;
}

/** What decide() concludes: the provider's outcome, or a rejection before any comparison. */
type Decision = VerifyOutcome | { kind: 'rejected'; reason: 'liveness-failed' };

export interface VerifyServiceDeps {
  bus: EventBus;
  reader: Pick<ReaderService, 'heldCard' | 'forget'>;
  provider: VerifyProvider;
  requireLiveness: boolean;
  log: Logger;
  /** Called once per finished verification (audit); its failure must not change the verdict. */
  record?: (record: VerificationRecord) => void | Promise<void>;
  now?: () => number;
}

/**
 * Runs one verification at a time: checks the card and liveness, asks the provider, emits
 * progress and the verdict, and forgets the card and the frame afterwards.
 */
export class VerifyService {
  private running: AbortController | null = null;
  private readonly now: () => number;

  constructor(private readonly deps: VerifyServiceDeps) {
    this.now = deps.now ?? Date.now;
  }

  status(): { provider: VerifyProvider['name']; ready: boolean; detail: string } {
    return { provider: this.deps.provider.name, ...this.deps.provider.status() };
  }

  submit(request: VerifySubmit): { verificationId: string } {
    if (this.running) throw new ContractError({ code: 'busy', message: 'A verification is already running; wait for its result.' });
    const card = this.deps.reader.heldCard(request.cardId);
    if (!card) {
      throw new ContractError({ code: 'not-found', message: 'The card for this verification is no longer held; read the card again.' });
    }
    const verificationId = randomUUID();
    const controller = new AbortController();
    this.running = controller;
    this.deps.bus.emit('verify.progress', { verificationId, stage: 'queued' });
    void this.run(verificationId, card, request, controller.signal).finally(() => {
      this.running = null;
    });
    return { verificationId };
  }

  /** Abandon a running verification (the person walked away); its result is still recorded. */
  cancel(): void {
    this.running?.abort();
  }

  private async run(verificationId: string, card: HeldCard, request: VerifySubmit, signal: AbortSignal): Promise<void> {
    const startedAt = this.now();
    const live = Buffer.from(request.image.base64, 'base64');
    const outcome = await this.decide(verificationId, card, live, request, signal);
    const result = this.toResult(verificationId, outcome);
    this.deps.bus.emit('verify.progress', { verificationId, stage: 'done' });
    this.deps.bus.emit('verify.result', result);
    this.deps.log.info('verification finished', {
      verificationId,
      verdict: result.verdict,
      reason: result.reason,
      score: result.score,
      provider: result.provider,
    });
    try {
      await this.deps.record?.({ verificationId, startedAt, durationMs: this.now() - startedAt, card, live, submit: request, result });
    } catch (error) {
      this.deps.log.error('audit record failed', { verificationId, error: (error as Error).message });
    }
    this.deps.reader.forget();
  }

  private async decide(
    verificationId: string, card: HeldCard, live: Buffer, request: VerifySubmit, signal: AbortSignal,
  ): Promise<Decision> {
    // A failed liveness check ends here: a possible spoof frame is never compared, and never sent to a cloud.
    if (this.deps.requireLiveness && !request.liveness.passed) return { kind: 'rejected', reason: 'liveness-failed' };
    if (!card.photo) {
      return { kind: 'error', reason: 'no-chip-photo', message: 'The card photo could not be decoded (no WLT decoder), so faces cannot be compared.' };
    }
    const provider = this.deps.provider;
    const { ready, detail } = provider.status();
    if (!ready) return { kind: 'error', reason: 'provider-unavailable', message: detail };
    try {
      return await provider.verify({
        reference: card.photo,
        live,
        identity: card.identity,
        signal,
        onStage: (stage) => this.deps.bus.emit('verify.progress', { verificationId, stage }),
      });
    } catch (error) {
      if (signal.aborted) return { kind: 'error', reason: 'cancelled', message: 'The verification was cancelled.' };
      this.deps.log.error('provider failed', { verificationId, provider: provider.name, error: (error as Error).message });
      return { kind: 'error', reason: 'provider-failed', message: (error as Error).message };
    }
  }

  private toResult(verificationId: string, outcome: Decision): VerifyResult {
    const provider = this.deps.provider.name;
    const none = { score: null, threshold: null, far: null };
    switch (outcome.kind) {
      case 'rejected':
        return { verificationId, verdict: 'fail', provider, ...none, reason: outcome.reason, message: null };
      case 'error':
        return { verificationId, verdict: 'error', provider, ...none, reason: outcome.reason, message: outcome.message };
      case 'compared':
        return {
          verificationId,
          verdict: outcome.pass ? 'pass' : 'fail',
          provider,
          score: outcome.score,
          threshold: outcome.threshold,
          far: outcome.far,
          reason: outcome.pass ? null : 'face-mismatch',
          message: null,
        };
    }
  }
}
