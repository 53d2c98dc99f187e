import type { ScoredSet } from './evaluate';

// Which pairs of the colour fixtures a protocol keeps. The LFW and East-Asian sets are always scored whole.

export type Protocol = 'all' | 'detected' | 'frontal' | 'chip-resolution' | 'photographs';
export const PROTOCOLS: readonly Protocol[] = ['all', 'detected', 'frontal', 'chip-resolution', 'photographs'];

/** What the detector saw in one photo. */
export interface PhotoFacts {
  identity: string;
  chipFound: boolean;
  fullFound: boolean;
  /** Eye-centre distance in the chip mimic and in the full-size photo, pixels (null: no face). */
  chipEyeDistance: number | null;
  fullEyeDistance: number | null;
  /** Nose offset from the eye midpoint in eye distances (face/quality.ts), full-size photo. */
  fullTurn: number | null;
}

/** Nose offset at most this many eye distances: about ±20° of yaw, the ID-photo and kiosk-capture condition. */
export const FRONTAL_TURN = 0.2;

/**
 * Renders, not photographs of a person: the cgi-* characters (pose-pack images on one base model: near-twins
 * that take part almost only in impostor pairs) and ai-face, a generated face.
 */
export function isSynthetic(identity: string): boolean {
  return identity.startsWith('cgi-') || identity === 'ai-face';
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length ? s[s.length >> 1]! : 0;
}

/**
 * - all: every pair; a face the detector misses counts as an error.
 * - detected: a face found in the chip mimic and in the full-size photo.
 * - frontal: detected, both source photos within about ±20° of yaw (FRONTAL_TURN).
 * - chip-resolution: detected, both source photos show the face with at least the chip mimics' median eye
 *   distance (a mimic cut from a smaller face is scaled up into a blur no chip holds).
 * - photographs: detected, neither identity a render (isSynthetic).
 */
export function photoFilter(protocol: Protocol, facts: readonly PhotoFacts[]): (i: number, j: number) => boolean {
  const detected = (i: number, j: number) => facts[i]!.chipFound && facts[j]!.fullFound;
  const chipEyes = median(facts.flatMap((f) => (f.chipEyeDistance === null ? [] : [f.chipEyeDistance])));
  const sharp = (i: number) => (facts[i]!.fullEyeDistance ?? 0) >= chipEyes;
  const frontal = (i: number) => facts[i]!.fullTurn !== null && facts[i]!.fullTurn! <= FRONTAL_TURN;
  switch (protocol) {
    case 'all':
      return () => true;
    case 'detected':
      return detected;
    case 'frontal':
      return (i, j) => detected(i, j) && frontal(i) && frontal(j);
    case 'chip-resolution':
      return (i, j) => detected(i, j) && sharp(i) && sharp(j);
    case 'photographs':
      return (i, j) => detected(i, j) && !isSynthetic(facts[i]!.identity) && !isSynthetic(facts[j]!.identity);
  }
}

/** The set with the pairs a protocol leaves out marked NaN (pairScores skips them). */
export function restrict(s: ScoredSet, keep: (i: number, j: number) => boolean): ScoredSet {
  const n = s.identities.length;
  const scores = Float64Array.from(s.scores, (v, k) => (keep(Math.floor(k / n), k % n) ? v : Number.NaN));
  return { ...s, scores };
}
