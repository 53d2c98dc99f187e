import { createHash } from 'node:crypto';
import { confidentThreshold, equalErrorRate, farAt, frrAt, frrAtFar, rateInterval, tailThreshold } from '../../face/metrics';

// Pure scoring of collected embeddings: pair enumeration, identity splits, thresholds defended by a
// confidence bound, and the measured FAR / FRR at them. No models, no files.

/** Chip mimic of photo i against full-size photo j ≠ i, both from one set. */
export interface ScoredSet {
  set: string;
  identities: readonly string[];
  /** scores[i * n + j]: similarity of chip i and full j; -Infinity where a face was missing or refused. */
  scores: Float64Array;
}

/** Score every ordered pair of a set with `similarity` (null vectors: no face → -Infinity, i.e. rejected). */
export function scoreSet<V>(set: string, identities: readonly string[], chips: readonly (V | null)[], fulls: readonly (V | null)[], similarity: (a: V, b: V) => number): ScoredSet {
  const n = identities.length;
  const scores = new Float64Array(n * n).fill(Number.NEGATIVE_INFINITY);
  for (let i = 0; i < n; i++) {
    const a = chips[i];
    if (!a) continue;
    for (let j = 0; j < n; j++) {
      const b = fulls[j];
      if (i !== j && b) scores[i * n + j] = similarity(a, b);
    }
  }
  return { set, identities, scores };
}

/** Which half (0 or 1) an identity falls in for a given split seed: a hash, so it is stable and label-blind. */
export function half(identity: string, seed: number): 0 | 1 {
  return (createHash('sha256').update(`${seed}:${identity}`).digest()[0]! & 1) as 0 | 1;
}

/** Genuine and impostor scores of a set, optionally only pairs whose two identities are both in `only` half. */
export function pairScores(s: ScoredSet, only?: { seed: number; half: 0 | 1 }): { genuine: number[]; impostor: number[] } {
  const n = s.identities.length;
  const inHalf = only ? s.identities.map((id) => half(id, only.seed) === only.half) : null;
  const genuine: number[] = [];
  const impostor: number[] = [];
  for (let i = 0; i < n; i++) {
    if (inHalf && !inHalf[i]) continue;
    for (let j = 0; j < n; j++) {
      const v = s.scores[i * n + j]!;
      // NaN: a pair the protocol leaves out (see protocols.ts); -Infinity: kept, and rejected.
      if (i === j || (inHalf && !inHalf[j]) || Number.isNaN(v)) continue;
      (s.identities[i] === s.identities[j] ? genuine : impostor).push(v);
    }
  }
  return { genuine, impostor };
}

export interface ErrorRates {
  genuine: number;
  impostor: number;
  eer: number;
  frrAtFar: Record<string, number>;
}

export const FAR_POINTS = [0.01, 0.001, 0.0001] as const;

/** EER and FRR at empirical FAR points (thresholds read off these very impostors: not a calibration). */
export function errorRates(scores: { genuine: number[]; impostor: number[] }): ErrorRates | null {
  if (!scores.genuine.length || !scores.impostor.length) return null;
  return {
    genuine: scores.genuine.length,
    impostor: scores.impostor.length,
    eer: equalErrorRate(scores.genuine, scores.impostor),
    frrAtFar: Object.fromEntries(FAR_POINTS.map((f) => [String(f), frrAtFar(scores.genuine, scores.impostor, f)])),
  };
}

export interface DerivedThreshold {
  far: number;
  raw: number;
  /** confidence-bound: the most demanding set's bound; tail-model: no set had enough impostors. */
  method: 'confidence-bound' | 'tail-model';
  /** The set whose impostors set the threshold, and each set's own threshold (null: too few impostors). */
  decidedBy: string;
  perSet: Record<string, number | null>;
}

/**
 * Threshold for a nominal FAR from calibration impostors of several sets: on each set, the lowest threshold whose
 * 95% upper bound on FAR is ≤ far; shipped is the highest of them, so the promise holds on every population the
 * calibration saw. A set too small to support the FAR does not vote. With no voter, an exponential tail model
 * of the pooled impostors.
 */
export function deriveThreshold(far: number, calibration: Record<string, number[]>): DerivedThreshold {
  const perSet = Object.fromEntries(Object.entries(calibration).map(([set, imp]) => [set, confidentThreshold(imp, far)?.threshold ?? null]));
  const voters = Object.entries(perSet).filter((e): e is [string, number] => e[1] !== null);
  if (voters.length) {
    const [decidedBy, raw] = voters.reduce((a, b) => (b[1] > a[1] ? b : a));
    return { far, raw, method: 'confidence-bound', decidedBy, perSet };
  }
  const pooled = Object.values(calibration).flat().filter(Number.isFinite);
  return { far, raw: tailThreshold(pooled, far), method: 'tail-model', decidedBy: 'pooled tail model', perSet };
}

export interface Measured {
  set: string;
  impostor: number;
  accepted: number;
  far: { rate: number; low: number; high: number };
  genuine: number;
  rejected: number;
  frr: number;
}

/** Measured FAR (with its 95% interval) and FRR of one set's pairs at a threshold. */
export function measureAt(set: string, scores: { genuine: number[]; impostor: number[] }, threshold: number): Measured {
  const accepted = scores.impostor.filter((s) => s > threshold).length;
  const rejected = scores.genuine.filter((s) => s <= threshold).length;
  return {
    set,
    impostor: scores.impostor.length,
    accepted,
    far: rateInterval(accepted, scores.impostor.length),
    genuine: scores.genuine.length,
    rejected,
    frr: scores.genuine.length ? rejected / scores.genuine.length : Number.NaN,
  };
}

export { farAt, frrAt };
