import type { ActiveChallenge, CaptureSettings, LivenessRecord } from '../contract';

/**
 * The judge of a page's liveness evidence, shared by the kiosk's main process and the service's H5
 * endpoint (both issue the challenge and both must read the page's record with their own policy).
 */

/** What the judge needs of an issued challenge: which one, and when it was issued (judge's clock). */
export interface IssuedChallenge {
  challenge: ActiveChallenge | null;
  issuedAt: number;
}

/** The page rounds scores and thresholds to 3 decimals (capture/liveness-record.ts); judge with the same grain. */
const GRAIN = 0.0005;
/** Page and main measure time on different clocks and the submit takes a moment. */
const CLOCK_SLACK_MS = 2_000;

export type LivenessJudgement = { ok: true } | { ok: false; why: string };

type PolicySettings = Pick<
  CaptureSettings,
  'antispoofMin' | 'livenessMin' | 'maxYawRad' | 'blinkClosedRatio' | 'mouthOpenMin'
>;

/** Main's threshold for each active challenge, from its own settings (never the record's claim). */
export function challengeThreshold(challenge: ActiveChallenge, settings: PolicySettings): number {
  switch (challenge) {
    case 'blink':
      return 1 - settings.blinkClosedRatio;
    case 'turn-left':
    case 'turn-right':
      return settings.maxYawRad;
    case 'open-mouth':
      return settings.mouthOpenMin;
  }
}

/**
 * Main's reading of the page's liveness evidence. The page's own `passed` is not trusted: the
 * record must answer the challenge main issued, hold every configured check as having run with a
 * score at or over main's threshold, and not claim to have taken longer than the challenge existed.
 * This proves the record is consistent with main's policy, not that it is true: a local process
 * that speaks the contract can still write one (docs/liveness.md says what else main checks).
 */
export function judgeLiveness(
  record: LivenessRecord, issued: IssuedChallenge, settings: PolicySettings, now: number,
): LivenessJudgement {
  if (!record.passed) return { ok: false, why: 'the capture reported its liveness checks as failed' };
  if (record.challenge !== issued.challenge) {
    return { ok: false, why: `the record answers challenge ${record.challenge ?? 'none'}, main issued ${issued.challenge ?? 'none'}` };
  }
  if (record.durationMs > now - issued.issuedAt + CLOCK_SLACK_MS) {
    return { ok: false, why: 'the record claims a capture longer than the challenge has existed' };
  }
  const required: { name: string; threshold: number }[] = [
    { name: 'passive-antispoof', threshold: settings.antispoofMin },
    { name: 'passive-liveness', threshold: settings.livenessMin },
  ];
  if (issued.challenge) required.push({ name: `active-${issued.challenge}`, threshold: challengeThreshold(issued.challenge, settings) });
  for (const { name, threshold } of required) {
    const check = record.checks.find((c) => c.name === name);
    if (!check) return { ok: false, why: `check ${name} is missing from the record` };
    if (!check.ran || check.score === null) return { ok: false, why: `check ${name} did not run` };
    if (!check.passed || check.score < threshold - GRAIN) {
      return { ok: false, why: `check ${name} scored ${check.score}, under main's threshold ${threshold}` };
    }
  }
  return { ok: true };
}
