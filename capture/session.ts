import type { ActiveChallenge, CaptureSettings, LivenessRecord } from '../contract';
import { BestFrameTracker, frameScore } from './best-frame';
import { createChallengeJudge, type ChallengeJudge } from './challenges';
import { challengeArrow, challengePrompt, gateArrow, gatePrompt, type Arrow, type PromptKey } from './guidance';
import { assembleLivenessRecord, type ChallengeOutcome, type PassiveScores } from './liveness-record';
import { assessQuality, countedFaces, type QualityIssue } from './quality';
import type { FaceObservation, FrameObservation } from './types';

/** Consecutive gate-passing frames needed: the face must be steady, not a lucky single frame. */
export const STEADY_FRAMES = 5;
/** During a challenge, frames may lack the one face (blink blur, a passer-by) for this long before we start over. */
export const CONTINUITY_GRACE_MS = 600;
/** A face centre jumping farther than this share of the frame between frames is a different face. */
export const MAX_CENTRE_JUMP = 0.25;

export type CapturePhase = 'gate' | 'challenge' | 'complete' | 'timed-out';

export interface CaptureStep {
  phase: CapturePhase;
  prompt: PromptKey;
  arrow: Arrow | null;
  /** Overall progress in [0, 1] for the ring: the gate fills the first half, the challenge the rest. */
  progress: number;
  issues: readonly QualityIssue[];
  /** The face to outline, when there is exactly one. */
  face: FaceObservation | null;
  /** This frame is the new best: the shell must keep its pixels now, they are what main will get. */
  keepFrame: boolean;
  /** Set on the step that completes the capture. */
  result: CaptureResult | null;
}

export interface CaptureResult {
  liveness: LivenessRecord;
  /** The chosen frame's face box, to crop the kept pixels. */
  bestFace: FaceObservation;
}

type SessionSettings = Pick<
  CaptureSettings,
  'minFaceRatio' | 'maxYawRad' | 'maxPitchRad' | 'minSharpness' | 'antispoofMin' | 'livenessMin' | 'activeChallenges' | 'challengeTimeoutMs' | 'captureTimeoutMs'
> &
  Partial<Pick<CaptureSettings, 'blinkClosedRatio' | 'mouthOpenMin'>>;

/**
 * One capture as a pure state machine fed with detector observations: the quality gate picks
 * the best frame and collects the passive scores, then the active challenge must be done by the
 * same continuously tracked face within its time limit.
 */
export class CaptureSession {
  private phase: CapturePhase = 'gate';
  private steady = 0;
  private passive: PassiveScores = { antispoof: [], liveness: [] };
  private readonly best = new BestFrameTracker<FaceObservation>();
  private judge: ChallengeJudge | null = null;
  private challengeStartMs = 0;
  /** First frame of the current run of frames without exactly one face, during the challenge. */
  private missingSinceMs: number | null = null;
  private lastCentre: { x: number; y: number } | null = null;
  private startMs: number | null;
  /** How often the tracked face was lost mid-challenge and the capture started over. */
  restarts = 0;

  constructor(
    private readonly settings: SessionSettings,
    /** Drawn once per verification; kept when the person has to start over so they cannot re-roll it. */
    readonly challenge: ActiveChallenge | null,
    /** When the capture screen opened; captureTimeoutMs counts from here (default: the first frame). */
    startMs?: number,
  ) {
    this.startMs = startMs ?? null;
  }

  get currentPhase(): CapturePhase {
    return this.phase;
  }

  feed(frame: FrameObservation): CaptureStep {
    this.startMs ??= frame.timeMs;
    if (this.phase === 'complete' || this.phase === 'timed-out') return this.idle();
    return this.phase === 'gate' ? this.feedGate(frame) : this.feedChallenge(frame);
  }

  private feedGate(frame: FrameObservation): CaptureStep {
    if (frame.timeMs - this.startMs! > this.settings.captureTimeoutMs) {
      this.phase = 'timed-out';
      return this.step({ prompt: 'timed-out', progress: 0 });
    }
    const report = assessQuality(frame, this.settings);
    if (!report.ok || !report.face || !frame.pixels) {
      this.steady = 0;
      return this.step({
        prompt: gatePrompt(report.issues), arrow: gateArrow(report.issues[0], report.face, frame), issues: report.issues, face: report.face, progress: 0,
      });
    }
    const face = report.face;
    this.steady++;
    if (face.real !== null) this.passive.antispoof.push(face.real);
    if (face.live !== null) this.passive.liveness.push(face.live);
    const keepFrame = this.best.offer(frameScore(face, frame.pixels, frame.width), face);
    this.track(face, frame);
    if (this.steady < STEADY_FRAMES) {
      return this.step({ prompt: 'hold-still', face, keepFrame, progress: 0.5 * (this.steady / STEADY_FRAMES) });
    }
    if (this.challenge === null) return this.complete(frame, face, keepFrame, null);
    this.phase = 'challenge';
    this.judge = createChallengeJudge(this.challenge, this.settings);
    this.challengeStartMs = frame.timeMs;
    this.judge.feed(face);
    return this.step({ prompt: challengePrompt(this.challenge), arrow: challengeArrow(this.challenge), face, keepFrame, progress: 0.5 });
  }

  private feedChallenge(frame: FrameObservation): CaptureStep {
    const judge = this.judge!;
    const challenge = judge.challenge;
    const deadline = Math.min(this.challengeStartMs + this.settings.challengeTimeoutMs, this.startMs! + this.settings.captureTimeoutMs);
    if (frame.timeMs > deadline) {
      return this.complete(frame, null, false, { challenge, passed: false, score: judge.score, threshold: judge.threshold });
    }
    const faces = countedFaces(frame);
    const face = faces.length === 1 ? faces[0]! : null;
    // A different face, or no single face for too long (walked off, someone stepped in): start over.
    if (face && this.jumped(face, frame)) return this.restart(frame);
    if (!face) {
      this.missingSinceMs ??= frame.timeMs;
      if (frame.timeMs - this.missingSinceMs > CONTINUITY_GRACE_MS) return this.restart(frame);
      return this.step({ prompt: challengePrompt(challenge), arrow: challengeArrow(challenge), progress: 0.5 });
    }
    this.track(face, frame);
    const progress = judge.feed(face);
    if (progress.state === 'passed') {
      return this.complete(frame, face, false, { challenge, passed: true, score: judge.score, threshold: judge.threshold });
    }
    return this.step({ prompt: challengePrompt(challenge), arrow: challengeArrow(challenge), face, progress: 0.5 + 0.5 * progress.progress });
  }

  /** The tracked face was lost or swapped mid-challenge: everything measured so far is void. */
  private restart(frame: FrameObservation): CaptureStep {
    this.phase = 'gate';
    this.steady = 0;
    this.passive = { antispoof: [], liveness: [] };
    this.best.reset();
    this.judge = null;
    this.lastCentre = null;
    this.restarts++;
    return this.feedGate(frame);
  }

  private track(face: FaceObservation, frame: FrameObservation): void {
    this.missingSinceMs = null;
    this.lastCentre = centre(face, frame);
  }

  private jumped(face: FaceObservation, frame: FrameObservation): boolean {
    if (!this.lastCentre) return false;
    const c = centre(face, frame);
    return Math.hypot(c.x - this.lastCentre.x, c.y - this.lastCentre.y) > MAX_CENTRE_JUMP;
  }

  private complete(frame: FrameObservation, face: FaceObservation | null, keepFrame: boolean, outcome: ChallengeOutcome | null): CaptureStep {
    this.phase = 'complete';
    const liveness = assembleLivenessRecord({
      passive: this.passive, challenge: outcome, settings: this.settings, durationMs: frame.timeMs - this.startMs!,
    });
    const bestFace = this.best.current!.value;
    return this.step({ prompt: 'done', face, keepFrame, progress: 1, result: { liveness, bestFace } });
  }

  private idle(): CaptureStep {
    return this.step({ prompt: this.phase === 'complete' ? 'done' : 'timed-out', progress: this.phase === 'complete' ? 1 : 0 });
  }

  private step(partial: Partial<CaptureStep> & Pick<CaptureStep, 'prompt' | 'progress'>): CaptureStep {
    return { phase: this.phase, arrow: null, issues: [], face: null, keepFrame: false, result: null, ...partial };
  }
}

function centre(face: FaceObservation, frame: FrameObservation): { x: number; y: number } {
  return { x: (face.box.x + face.box.width / 2) / frame.width, y: (face.box.y + face.box.height / 2) / frame.height };
}
