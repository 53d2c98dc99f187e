import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import {
  ContractError, type CaptureSettings, type VerifyChallenge, type VerifyResult, type VerifySubmit,
} from '../../../contract';
import type { EventBus } from '../events';
import type { Logger } from '../log';
import type { ChipPhoto, HeldCard, ReaderService } from '../reader/types';
import { DEMO_CARD_WARNING } from '../demo/face-card';
import { ChallengeBook, type Redeemed } from './challenge-book';
import { checkLiveFrame, type FrameVerdict } from './frame-checks';
import { judgeLiveness } from './liveness-policy';
import type { VerifyOutcome, VerifyProvider } from './provider';

/** What the audit trail learns when a verification starts, before anything is decided. */
export interface VerificationStart {
  verificationId: string;
  startedAt: number;
  card: HeldCard;
  submit: VerifySubmit;
  provider: VerifyProvider['name'];
}

export interface VerificationRecord extends VerificationStart {
  durationMs: number;
  live: Buffer;
  result: VerifyResult;
  /** Why main refused the evidence or the frame (liveness-failed), for the audit row; never shown to the person. */
  detail: string | null;
}

/** The audit trail's two writes: a row when the verification starts, completed before the verdict is shown. */
export interface VerificationAudit {
  started(start: VerificationStart): void | Promise<void>;
  finished(record: VerificationRecord): void | Promise<void>;
}

/** What decide() concludes: the provider's outcome, or a refusal of the evidence before any comparison. */
type Decision = VerifyOutcome | { kind: 'rejected'; reason: 'liveness-failed'; detail: string };

export interface VerifyServiceDeps {
  bus: EventBus;
  reader: Pick<ReaderService, 'heldCard' | 'forget'>;
  provider: VerifyProvider;
  requireLiveness: boolean;
  /** The capture policy main holds the page's evidence to (thresholds, challenges, gate size). */
  capture: CaptureSettings;
  log: Logger;
  /** Its failure must not change a verdict. */
  audit?: VerificationAudit;
  /** Main's checks of the live frame itself (default: checkLiveFrame); a seam for tests. */
  checkFrame?: (live: Buffer, chip: ChipPhoto | null, capture: CaptureSettings) => Promise<FrameVerdict>;
  now?: () => number;
  /** Uniform in [0, 1) for the challenge draw; crypto by default. */
  random?: () => number;
  /**
   * Set when the consent screen offers enrollment (flow.offerEnrollment): a submit that carries the
   * person's consent then sends it on with the verification, naming this kiosk. Absent: never sent.
   */
  enrollment?: { kiosk: string; wording: string };
}

/** Uniform in [0, 1) from the crypto source: a person must not be able to predict the challenge. */
function cryptoRandom(): number {
  return randomInt(0, 2 ** 32) / 2 ** 32;
}

/**
 * Runs one verification at a time. Main decides liveness: it issues the challenge, holds the
 * page's record to its own thresholds, checks the frame itself, and only then asks the provider.
 * The audit row is written when the verification starts and completed before the verdict is
 * shown; the card and the frame are forgotten afterwards.
 */
export class VerifyService {
  private running: AbortController | null = null;
  private readonly now: () => number;
  private readonly challenges: ChallengeBook;

  constructor(private readonly deps: VerifyServiceDeps) {
    this.now = deps.now ?? Date.now;
    this.challenges = new ChallengeBook({
      now: this.now,
      random: deps.random ?? cryptoRandom,
      newId: () => randomBytes(16).toString('base64url'),
    });
  }

  status(): { provider: VerifyProvider['name']; ready: boolean; detail: string } {
    const { ready, detail } = this.deps.provider.status();
    return { provider: this.deps.provider.name, ready, detail };
  }

  /** Draw the active challenge for the held card; the capture screen asks once per capture. */
  challenge(cardId: string): VerifyChallenge {
    if (!this.deps.reader.heldCard(cardId)) {
      throw new ContractError({ code: 'not-found', message: 'The card for this challenge is no longer held; read the card again.' });
    }
    const issued = this.challenges.issue(cardId, this.deps.capture);
    if (!issued) {
      throw new ContractError({ code: 'busy', message: 'Too many attempts with this card read; take the card off the reader and place it again.' });
    }
    return issued;
  }

  submit(request: VerifySubmit): { verificationId: string } {
    if (this.running) throw new ContractError({ code: 'busy', message: 'A verification is already running; wait for its result.' });
    const card = this.deps.reader.heldCard(request.cardId);
    if (!card) {
      throw new ContractError({ code: 'not-found', message: 'The card for this verification is no longer held; read the card again.' });
    }
    // Redeemed here, synchronously: a second submit of the same challenge is a replay even while the first runs.
    const redeemed = this.challenges.redeem(request.challengeId, request.cardId);
    const verificationId = randomUUID();
    const controller = new AbortController();
    this.running = controller;
    void this.run(verificationId, card, request, redeemed, controller.signal)
      .catch((error: unknown) => this.deps.log.error('verification failed unexpectedly', { verificationId, error: (error as Error).message }))
      .finally(() => {
        this.running = null;
      });
    return { verificationId };
  }

  /** Abandon a running verification (the person walked away); its result is still recorded. */
  cancel(): void {
    this.running?.abort();
    this.challenges.clear();
  }

  private async run(verificationId: string, card: HeldCard, request: VerifySubmit, redeemed: Redeemed, signal: AbortSignal): Promise<void> {
    const startedAt = this.now();
    const start: VerificationStart = { verificationId, startedAt, card, submit: request, provider: this.deps.provider.name };
    // The "started" row goes in before anything else: a kiosk killed mid-verification leaves a trace.
    await this.audit('started', () => this.deps.audit?.started(start));
    this.deps.bus.emit('verify.progress', { verificationId, stage: 'queued' });
    const live = Buffer.from(request.image.base64, 'base64');
    const outcome = await this.decide(verificationId, card, live, request, redeemed, signal);
    const result = this.toResult(verificationId, outcome);
    const detail = outcome.kind === 'rejected' ? outcome.detail : null;
    // The verdict is on disk before anyone sees it.
    await this.audit('finished', () => this.deps.audit?.finished({ ...start, durationMs: this.now() - startedAt, live, result, detail }));
    this.deps.bus.emit('verify.progress', { verificationId, stage: 'done' });
    this.deps.bus.emit('verify.result', result);
    this.deps.log.info('verification finished', {
      verificationId,
      verdict: result.verdict,
      reason: result.reason,
      providerCode: result.providerCode,
      detail,
      score: result.score,
      provider: result.provider,
    });
    this.deps.reader.forget();
  }

  private async audit(step: string, write: () => void | Promise<void> | undefined): Promise<void> {
    try {
      await write();
    } catch (error) {
      this.deps.log.error(`audit ${step} failed`, { error: (error as Error).message });
    }
  }

  private async decide(
    verificationId: string, card: HeldCard, live: Buffer, request: VerifySubmit, redeemed: Redeemed, signal: AbortSignal,
  ): Promise<Decision> {
    const { capture, requireLiveness } = this.deps;
    // Every submit must answer a challenge main issued for this card, in time, once: a record
    // prepared in advance or replayed from another verification is refused whatever it claims.
    if (!redeemed.ok) return { kind: 'rejected', reason: 'liveness-failed', detail: redeemed.why };
    if (requireLiveness) {
      // A failed liveness check ends here: a possible spoof frame is never compared, and never sent to a cloud.
      const judgement = judgeLiveness(request.liveness, redeemed.issued, capture, this.now());
      if (!judgement.ok) return { kind: 'rejected', reason: 'liveness-failed', detail: judgement.why };
    }
    // A demo card's photo was itself taken by this camera moments ago ("use my face as the card"), so
    // a live frame that resembles it is the point, not a replayed chip photo: only real cards get that check.
    const isDemoCard = card.public.warnings.includes(DEMO_CARD_WARNING);
    const frame = await (this.deps.checkFrame ?? checkLiveFrame)(live, isDemoCard ? null : card.photo, capture);
    if (!frame.ok) {
      if (frame.reason === 'liveness-failed') return { kind: 'rejected', reason: 'liveness-failed', detail: frame.why };
      return { kind: 'error', reason: frame.reason, providerCode: null, message: frame.why };
    }
    if (!card.photo) {
      return { kind: 'error', reason: 'no-chip-photo', providerCode: null, message: 'The card photo could not be decoded (no WLT decoder), so faces cannot be compared.' };
    }
    const provider = this.deps.provider;
    const { ready, detail, loading } = provider.status();
    // Still loading its models (the first minute after start on a slow machine): the provider waits
    // for them inside verify(); only a provider that cannot serve at all ends the verification here.
    if (!ready && !loading) return { kind: 'error', reason: 'provider-unavailable', providerCode: null, message: detail };
    try {
      return await provider.verify({
        reference: card.photo,
        live,
        identity: card.identity,
        signal,
        // Consent to keep the card photo travels only where main offered the choice; a page cannot add it elsewhere.
        ...(request.enrollConsent && this.deps.enrollment
          ? { enrollConsent: { at: new Date(this.now()).toISOString(), ...this.deps.enrollment } }
          : {}),
        onStage: (stage) => this.deps.bus.emit('verify.progress', { verificationId, stage }),
      });
    } catch (error) {
      if (signal.aborted) return { kind: 'error', reason: 'cancelled', providerCode: null, message: 'The verification was cancelled.' };
      this.deps.log.error('provider failed', { verificationId, provider: provider.name, error: (error as Error).message });
      return { kind: 'error', reason: 'provider-failed', providerCode: null, message: (error as Error).message };
    }
  }

  private toResult(verificationId: string, outcome: Decision): VerifyResult {
    const provider = this.deps.provider.name;
    const none = { score: null, threshold: null, far: null, providerCode: null };
    switch (outcome.kind) {
      case 'rejected':
        // The why stays in the audit row and the log: the screen says "liveness failed", not which check.
        return { verificationId, verdict: 'fail', provider, ...none, reason: outcome.reason, message: null };
      case 'error':
        return { verificationId, verdict: 'error', provider, ...none, reason: outcome.reason, providerCode: outcome.providerCode, message: outcome.message };
      case 'decided':
        return {
          verificationId, verdict: outcome.pass ? 'pass' : 'fail', provider, ...none, score: outcome.score,
          reason: outcome.pass ? null : 'face-mismatch', message: null,
        };
      case 'compared': {
        // The one pass rule for every provider: a score at or over the threshold at the chosen FAR
        // passes (cloudauth's documented rule, and what "score / threshold" on the screen reads as).
        const pass = outcome.score >= outcome.threshold;
        return {
          verificationId,
          verdict: pass ? 'pass' : 'fail',
          provider,
          score: outcome.score,
          threshold: outcome.threshold,
          far: outcome.far,
          reason: pass ? null : 'face-mismatch',
          providerCode: null,
          message: null,
        };
      }
    }
  }
}
