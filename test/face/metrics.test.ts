import { describe, expect, it } from 'vitest';
import { calibratedThreshold, empiricalThreshold, equalErrorRate, farAt, frrAtFar, tailThreshold } from '../../face/metrics';

const range = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));

describe('verification metrics', () => {
  it('gives EER 0 when genuine and impostor scores do not overlap', () => {
    expect(equalErrorRate([0.8, 0.9], [0.1, 0.2, 0.3])).toBe(0);
  });

  it('finds the crossing of FAR and FRR for overlapping scores', () => {
    const genuine = range(100, (i) => i + 50); // 50..149
    const impostor = range(100, (i) => i); // 0..99
    expect(equalErrorRate(genuine, impostor)).toBeCloseTo(0.25, 2);
  });

  it('sets the threshold so measured FAR does not exceed the target', () => {
    const impostor = range(1000, (i) => i / 1000);
    const t = empiricalThreshold(impostor, 0.01);
    expect(farAt(impostor, t)).toBeLessThanOrEqual(0.01);
    expect(farAt(impostor, t - 0.0011)).toBeGreaterThan(0.01);
    expect(frrAtFar([0.995, 0.5], impostor, 0.01)).toBe(0.5);
  });

  it('extrapolates the impostor tail past the last measured impostor, and calibratedThreshold never goes below the data', () => {
    const impostor = range(2000, (i) => -Math.log(1 - (i + 0.5) / 2000)); // exponential quantiles
    const far = 1e-4; // 0.2 impostors expected among 2000: cannot be measured directly
    const tail = tailThreshold(impostor, far);
    expect(tail).toBeGreaterThan(Math.max(...impostor));
    expect(tail).toBeCloseTo(-Math.log(far), 0); // true quantile of Exp(1)
    const c = calibratedThreshold(impostor, far);
    expect(c.method).toBe('tail-model');
    expect(c.threshold).toBeGreaterThanOrEqual(empiricalThreshold(impostor, far));
    expect(calibratedThreshold(impostor, 0.01).method).toBe('empirical');
  });
});
