// Verification error rates from genuine (same person) and impostor (different people) scores.
// Convention everywhere: a pair is accepted when score > threshold.

function descending(values: readonly number[]): number[] {
  return [...values].sort((a, b) => b - a);
}

/** Fraction of impostor scores accepted at `threshold`. */
export function farAt(impostor: readonly number[], threshold: number): number {
  return impostor.filter((s) => s > threshold).length / impostor.length;
}

/** Fraction of genuine scores rejected at `threshold`. */
export function frrAt(genuine: readonly number[], threshold: number): number {
  return genuine.filter((s) => s <= threshold).length / genuine.length;
}

/**
 * The lowest threshold whose measured FAR is ≤ `far`: the k-th highest impostor score, k = floor(far·N).
 * With fewer than 1/far impostors this is the highest impostor score (FAR measured as 0).
 */
export function empiricalThreshold(impostor: readonly number[], far: number): number {
  if (impostor.length === 0) throw new Error('empiricalThreshold needs impostor scores');
  const sorted = descending(impostor);
  const k = Math.floor(far * sorted.length);
  return sorted[Math.min(k, sorted.length - 1)]!;
}

export function frrAtFar(genuine: readonly number[], impostor: readonly number[], far: number): number {
  return frrAt(genuine, empiricalThreshold(impostor, far));
}

/** Equal-error rate: where FAR and FRR cross (mean of the two at the closest threshold). */
export function equalErrorRate(genuine: readonly number[], impostor: readonly number[]): number {
  if (!genuine.length || !impostor.length) throw new Error('equalErrorRate needs genuine and impostor scores');
  const candidates = [...new Set([...genuine, ...impostor, -Infinity])].sort((a, b) => a - b);
  let best = { gap: Infinity, eer: 1 };
  for (const t of candidates) {
    const far = farAt(impostor, t);
    const frr = frrAt(genuine, t);
    const gap = Math.abs(far - frr);
    if (gap < best.gap) best = { gap, eer: (far + frr) / 2 };
  }
  return best.eer;
}

/**
 * Exponential model of the impostor upper tail (peaks over threshold): above the `tailFraction` quantile u,
 * P(score > t) ≈ tailFraction · exp(-(t - u) / β), β = mean excess over u. Lets us quote thresholds for FARs
 * smaller than 1/N, which the fixtures cannot measure directly.
 */
export function tailThreshold(impostor: readonly number[], far: number, tailFraction = 0.05): number {
  const sorted = descending(impostor);
  const k = Math.max(2, Math.floor(tailFraction * sorted.length));
  const u = sorted[k]!;
  const excess = sorted.slice(0, k).map((s) => s - u);
  const beta = excess.reduce((a, b) => a + b, 0) / excess.length;
  const p0 = k / sorted.length;
  if (far >= p0) return empiricalThreshold(impostor, far);
  return u + beta * Math.log(p0 / far);
}

/** Fewer than this many impostors above a threshold and the empirical estimate is too noisy on its own. */
export const MIN_TAIL_COUNT = 10;

/**
 * Threshold for a target FAR: empirical when the fixtures hold at least MIN_TAIL_COUNT impostors beyond it,
 * otherwise the larger (safer) of the empirical and the tail-model thresholds.
 */
export function calibratedThreshold(impostor: readonly number[], far: number): { threshold: number; method: 'empirical' | 'tail-model' } {
  const empirical = empiricalThreshold(impostor, far);
  if (far * impostor.length >= MIN_TAIL_COUNT) return { threshold: empirical, method: 'empirical' };
  return { threshold: Math.max(empirical, tailThreshold(impostor, far)), method: 'tail-model' };
}
