import { describe, expect, it } from 'vitest';
import { deriveThreshold, half, measureAt, pairScores, scoreSet } from '../../../bench/bakeoff/evaluate';

describe('bake-off evaluation', () => {
  it('splits identities into two halves and never mixes them in one pair', () => {
    const ids = Array.from({ length: 40 }, (_, i) => `p${i >> 1}`); // 20 people, two photos each
    const set = scoreSet('t', ids, ids.map(() => 1), ids.map(() => 1), () => 0.5);
    const a = pairScores(set, { seed: 0, half: 0 });
    const b = pairScores(set, { seed: 0, half: 1 });
    const inA = new Set(ids.filter((id) => half(id, 0) === 0)).size;
    expect(inA).toBeGreaterThan(3);
    expect(inA).toBeLessThan(17);
    expect(a.genuine.length).toBe(2 * inA);
    expect(a.impostor.length + b.impostor.length).toBeLessThan(pairScores(set).impostor.length); // cross-half pairs left out
    expect(new Set(ids.map((id) => half(id, 1))).size).toBe(2);
  });

  it('ships the highest of the sets\' bounded thresholds and leaves out a set too small to vote', () => {
    const spread = (n: number, top: number) => Array.from({ length: n }, (_, i) => (top * i) / n);
    const t = deriveThreshold(0.001, { western: spread(50_000, 0.5), eastAsian: spread(50_000, 0.7), tiny: spread(500, 0.99) });
    expect(t.method).toBe('confidence-bound');
    expect(t.decidedBy).toBe('eastAsian');
    expect(t.perSet.tiny).toBeNull();
    expect(t.raw).toBeGreaterThan(t.perSet.western!);
  });

  it('measures FAR with an exact interval and FRR at a threshold', () => {
    const m = measureAt('t', { genuine: [0.2, 0.8, 0.9], impostor: Array.from({ length: 1000 }, (_, i) => i / 1000) }, 0.99);
    expect(m.accepted).toBe(9);
    expect(m.far.rate).toBeCloseTo(0.009, 9);
    expect(m.far.low).toBeLessThan(0.009);
    expect(m.far.high).toBeGreaterThan(0.009);
    expect(m.rejected).toBe(3);
  });
});
