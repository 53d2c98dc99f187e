import { describe, expect, it } from 'vitest';
import { confidentThreshold, farAt, impostorsNeeded, rateInterval, upperBound } from '../../face/metrics';

describe('confidence bounds on measured rates', () => {
  it('gives the exact Clopper–Pearson bounds', () => {
    expect(upperBound(0, 100)).toBeCloseTo(1 - 0.05 ** (1 / 100), 9); // zero events: closed form
    const i = rateInterval(5, 100);
    expect(i.low).toBeCloseTo(0.0164, 4);
    expect(i.high).toBeCloseTo(0.1128, 4);
  });

  it('needs about 3/FAR impostor pairs before a FAR can be claimed at all', () => {
    expect(impostorsNeeded(0.001)).toBe(2995);
    expect(confidentThreshold(Array.from({ length: 2994 }, (_, k) => k), 0.001)).toBeNull();
    expect(confidentThreshold(Array.from({ length: 2995 }, (_, k) => k), 0.001)).toEqual({ threshold: 2994, accepted: 0 });
  });

  it('picks a threshold whose measured FAR sits below the nominal one, by the margin the bound demands', () => {
    const impostor = Array.from({ length: 100_000 }, (_, k) => (k * 7919) % 100_000);
    const t = confidentThreshold(impostor, 0.001)!;
    const measured = farAt(impostor, t.threshold);
    expect(measured).toBeLessThan(0.001);
    expect(measured).toBeGreaterThan(0.0006);
    expect(upperBound(t.accepted, impostor.length)).toBeLessThanOrEqual(0.001);
    expect(upperBound(t.accepted + 1, impostor.length)).toBeGreaterThan(0.001);
  });
});
