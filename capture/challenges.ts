import type { ActiveChallenge } from '../contract';
import { eyeOpenness, mouthOpenness, turnToOwnLeft } from './landmarks';
import type { FaceObservation } from './types';

/**
 * Active challenges judged from the face mesh. Each judge needs a change over time (neutral,
 * then the action), so a still photo, which never changes, cannot pass any of them.
 */
export interface ChallengeProgress {
  /** 'neutral' until a neutral face was seen, 'acting' after, 'passed' once the action is complete. */
  state: 'neutral' | 'acting' | 'passed';
  /** How far the action has got toward its threshold, in [0, 1], for the progress ring. */
  progress: number;
}

export interface ChallengeJudge {
  readonly challenge: ActiveChallenge;
  /** The measured action so far (the peak), in the unit of `threshold`. */
  readonly score: number;
  readonly threshold: number;
  feed(face: FaceObservation): ChallengeProgress;
}

/** Blink: closed eyes measure under this share of the open-eye baseline (default of the setting). */
export const BLINK_CLOSED_RATIO = 0.6;
/** Blink: eyes count as open again above this share of the baseline. */
export const BLINK_REOPEN_RATIO = 0.85;
/** Open mouth: the inner-lip gap must reach this share of the mouth width (default of the setting). */
export const MOUTH_OPEN_MIN = 0.35;
/** Open mouth: a closed mouth (the neutral start) measures under this. */
export const MOUTH_CLOSED_MAX = 0.15;

function clamp01(x: number): number {
  return Math.max(0, Math.min(1, x));
}

/** Eyes open, then closed (relative to this person's open eyes), then open again. */
class BlinkJudge implements ChallengeJudge {
  readonly challenge = 'blink' as const;
  /** The reported score is how deep the blink went: 1 - closed/open. */
  readonly threshold: number;
  private baseline = 0;
  private closed = false;
  private passed = false;
  private deepest = 0;

  constructor(private readonly closedRatio: number) {
    this.threshold = 1 - closedRatio;
  }

  get score(): number {
    return this.deepest;
  }

  feed(face: FaceObservation): ChallengeProgress {
    if (this.passed) return { state: 'passed', progress: 1 };
    const ear = eyeOpenness(face);
    if (!this.closed) {
      // A slowly decaying maximum follows the person's own open-eye shape.
      this.baseline = Math.max(ear, this.baseline * 0.98);
    }
    if (this.baseline <= 0) return { state: 'neutral', progress: 0 };
    const depth = 1 - ear / this.baseline;
    this.deepest = Math.max(this.deepest, depth);
    if (ear <= this.baseline * this.closedRatio) this.closed = true;
    else if (this.closed && ear >= this.baseline * BLINK_REOPEN_RATIO) this.passed = true;
    if (this.passed) return { state: 'passed', progress: 1 };
    return { state: 'acting', progress: this.closed ? 0.8 : clamp01(depth / this.threshold) * 0.8 };
  }
}

/** Frontal first, then turned past the limit toward the asked side. */
class TurnJudge implements ChallengeJudge {
  private frontalSeen = false;
  private peak = 0;

  /** threshold: radians of turn needed (the gate's frontal limit, so "turned" means beyond it). */
  constructor(readonly challenge: 'turn-left' | 'turn-right', readonly threshold: number) {}

  get score(): number {
    return this.peak;
  }

  feed(face: FaceObservation): ChallengeProgress {
    // Positive toward the side asked for.
    const turn = turnToOwnLeft(face) * (this.challenge === 'turn-left' ? 1 : -1);
    if (!this.frontalSeen) {
      if (Math.abs(turn) < this.threshold / 2) this.frontalSeen = true;
      else return { state: 'neutral', progress: 0 };
    }
    this.peak = Math.max(this.peak, turn);
    if (this.peak >= this.threshold) return { state: 'passed', progress: 1 };
    return { state: 'acting', progress: clamp01(this.peak / this.threshold) };
  }
}

/** Mouth closed first, then opened wide. */
class OpenMouthJudge implements ChallengeJudge {
  readonly challenge = 'open-mouth' as const;
  private closedSeen = false;
  private peak = 0;

  constructor(readonly threshold: number) {}

  get score(): number {
    return this.peak;
  }

  feed(face: FaceObservation): ChallengeProgress {
    const mar = mouthOpenness(face);
    if (!this.closedSeen) {
      if (mar <= MOUTH_CLOSED_MAX) this.closedSeen = true;
      else return { state: 'neutral', progress: 0 };
    }
    this.peak = Math.max(this.peak, mar);
    if (this.peak >= this.threshold) return { state: 'passed', progress: 1 };
    return { state: 'acting', progress: clamp01(this.peak / this.threshold) };
  }
}

export interface ChallengeThresholds {
  maxYawRad: number;
  blinkClosedRatio?: number;
  mouthOpenMin?: number;
}

export function createChallengeJudge(challenge: ActiveChallenge, settings: ChallengeThresholds): ChallengeJudge {
  switch (challenge) {
    case 'blink':
      return new BlinkJudge(settings.blinkClosedRatio ?? BLINK_CLOSED_RATIO);
    case 'turn-left':
    case 'turn-right':
      return new TurnJudge(challenge, settings.maxYawRad);
    case 'open-mouth':
      return new OpenMouthJudge(settings.mouthOpenMin ?? MOUTH_OPEN_MIN);
  }
}

/** One challenge drawn at random from those enabled; null when none are enabled. */
export function pickChallenge(enabled: readonly ActiveChallenge[], random: () => number = Math.random): ActiveChallenge | null {
  const unique = [...new Set(enabled)];
  if (unique.length === 0) return null;
  return unique[Math.min(unique.length - 1, Math.floor(random() * unique.length))]!;
}
