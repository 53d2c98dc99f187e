import type { ActiveChallenge, CaptureSettings, LivenessRecord } from '../contract';

export interface PassiveScores {
  /** Human antispoof "real" scores of the decision frames. */
  antispoof: number[];
  /** Human liveness scores of the decision frames. */
  liveness: number[];
}

export interface ChallengeOutcome {
  challenge: ActiveChallenge;
  passed: boolean;
  score: number;
  threshold: number;
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Scores are recorded to 3 decimals, and judged as recorded, so the record is self-consistent. */
function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function passiveCheck(name: string, scores: readonly number[], threshold: number): LivenessRecord['checks'][number] {
  // The median over several decision frames, so one lucky frame cannot carry the check.
  const m = median(scores);
  const score = m === null ? null : round(m);
  return { name, ran: score !== null, score, threshold, passed: score !== null && score >= threshold };
}

/**
 * The record main receives. A check that was configured but could not run counts as failed:
 * the record never claims more than was measured.
 */
export function assembleLivenessRecord(input: {
  passive: PassiveScores;
  challenge: ChallengeOutcome | null;
  settings: Pick<CaptureSettings, 'antispoofMin' | 'livenessMin' | 'activeChallenges'>;
  durationMs: number;
}): LivenessRecord {
  const checks: LivenessRecord['checks'] = [
    passiveCheck('passive-antispoof', input.passive.antispoof, input.settings.antispoofMin),
    passiveCheck('passive-liveness', input.passive.liveness, input.settings.livenessMin),
  ];
  const activeRequired = input.settings.activeChallenges.length > 0;
  if (input.challenge) {
    checks.push({
      name: `active-${input.challenge.challenge}`,
      ran: true,
      score: round(input.challenge.score),
      threshold: round(input.challenge.threshold),
      passed: input.challenge.passed,
    });
  } else if (activeRequired) {
    checks.push({ name: 'active-challenge', ran: false, score: null, threshold: null, passed: false });
  }
  return {
    passed: checks.every((c) => c.ran && c.passed),
    challenge: input.challenge?.challenge ?? null,
    checks,
    durationMs: Math.max(0, Math.round(input.durationMs)),
  };
}
