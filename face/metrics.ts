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
  // One sweep over the sorted scores (the bench scores a million pairs): at each candidate threshold t,
  // FRR counts genuine ≤ t and FAR impostor > t.
  const g = Float64Array.from(genuine).sort();
  const im = Float64Array.from(impostor).sort();
  const candidates = [...new Set([-Infinity, ...g, ...im])].sort((a, b) => a - b);
  let best = { gap: Infinity, eer: 1 };
  let gi = 0, ii = 0;
  for (const t of candidates) {
    while (gi < g.length && g[gi]! <= t) gi++;
    while (ii < im.length && im[ii]! <= t) ii++;
    const far = (im.length - ii) / im.length;
    const frr = gi / g.length;
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

/** log P(X ≤ k) for X ~ Binomial(n, p), summed in log space (k may be thousands, n millions). */
function logBinomialCdf(k: number, n: number, p: number): number {
  if (p <= 0) return 0;
  if (p >= 1) return k >= n ? 0 : -Infinity;
  const ratio = Math.log(p) - Math.log1p(-p);
  let term = n * Math.log1p(-p); // log P(X = 0)
  let acc = term;
  for (let i = 0; i < Math.min(k, n); i++) {
    term += Math.log(n - i) - Math.log(i + 1) + ratio;
    acc = Math.max(acc, term) + Math.log1p(Math.exp(-Math.abs(acc - term)));
  }
  return Math.min(0, acc);
}

function bisect(f: (p: number) => boolean, lo = 0, hi = 1): number {
  // f is true on [lo, x) and false on [x, hi]; 60 halvings reach double precision.
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (f(mid)) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * Exact (Clopper–Pearson) upper confidence bound on a rate after `k` events in `n` trials: the p at which
 * seeing k or fewer has probability `alpha`. One-sided by default (alpha 0.05 → 95% bound). It treats the
 * pairs as independent; pairs that share a photo are not, so the true uncertainty is somewhat larger.
 */
export function upperBound(k: number, n: number, alpha = 0.05): number {
  if (n <= 0) return 1;
  if (k >= n) return 1;
  const target = Math.log(alpha);
  return bisect((p) => logBinomialCdf(k, n, p) > target);
}

/** Exact lower bound: the p at which seeing k or more has probability alpha (0 when k = 0). */
export function lowerBound(k: number, n: number, alpha = 0.05): number {
  if (k <= 0) return 0;
  const target = Math.log1p(-alpha);
  // P(X ≥ k) = 1 − P(X ≤ k−1) grows with p; find where it reaches alpha.
  return bisect((p) => logBinomialCdf(k - 1, n, p) > target);
}

/** Two-sided 95% Clopper–Pearson interval of k/n. */
export function rateInterval(k: number, n: number): { rate: number; low: number; high: number } {
  return { rate: n ? k / n : Number.NaN, low: lowerBound(k, n, 0.025), high: upperBound(k, n, 0.025) };
}

/**
 * The threshold for a nominal FAR that the impostor scores can defend: the lowest one at which the 95% upper
 * bound of the FAR measured on `impostor` is still ≤ `far`. Null when the scores cannot support that FAR at all
 * (fewer than about 3/far impostors: even zero accepts leaves an upper bound above it).
 */
export function confidentThreshold(impostor: readonly number[], far: number, alpha = 0.05): { threshold: number; accepted: number } | null {
  const n = impostor.length;
  if (n === 0 || upperBound(0, n, alpha) > far) return null;
  const sorted = descending(impostor);
  // The largest accept count whose bound still holds (the bound grows with the count).
  let lo = 0, hi = Math.min(n - 1, Math.ceil(far * n));
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (upperBound(mid, n, alpha) <= far) lo = mid;
    else hi = mid - 1;
  }
  // Accepting scores strictly above sorted[lo] lets at most `lo` impostors through (fewer on ties).
  const threshold = sorted[lo]!;
  return { threshold, accepted: impostor.filter((s) => s > threshold).length };
}

/** Fewest impostor pairs that can support a nominal FAR at all (zero accepts, 95% bound ≤ far). */
export function impostorsNeeded(far: number, alpha = 0.05): number {
  return Math.ceil(Math.log(alpha) / Math.log1p(-far));
}
