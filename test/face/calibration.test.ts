import { describe, expect, it } from 'vitest';
import {
  buildCalibration,
  confidenceThresholds,
  parseCalibration,
  rawSimilarity,
  thresholdForFar,
  toScore,
} from '../../face/calibration';
import { shippedCalibration } from '../../face/shipped-calibration';

const range = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));

function synthetic() {
  // Euclidean distances reported as negative similarities: impostors far apart, genuine pairs close.
  const impostor = range(5000, (i) => -(0.9 - 0.3 * ((i * 7919) % 5000) / 5000));
  const genuine = range(300, (i) => -(0.3 + 0.3 * i / 300));
  return buildCalibration({
    model: { id: 'dlib', padding: 0.25, raw: true, metric: 'euclidean', flip: false, idPicCrops: 5, landmarks: 'corners' },
    genuine,
    impostor,
    protocol: 'synthetic',
    note: 'test',
    now: new Date(0),
  });
}

describe('score calibration', () => {
  it('quotes stricter thresholds for smaller false-accept rates, all within 0..100', () => {
    const c = synthetic();
    const t = confidenceThresholds(c);
    expect(Object.keys(t)).toEqual(['0.0001', '0.001', '0.01']);
    expect(t['0.0001']).toBeGreaterThanOrEqual(t['0.001']);
    expect(t['0.001']).toBeGreaterThan(t['0.01']);
    for (const v of Object.values(t)) expect(v).toBeGreaterThan(0), expect(v).toBeLessThan(100);
    expect(c.thresholds['0.0001'].method).toBe('tail-model');
    expect(c.thresholds['0.01'].method).toBe('empirical');
  });

  it('maps identical faces to 100 and the typical impostor to 0', () => {
    const c = synthetic();
    expect(toScore(0, c.scale)).toBe(100);
    expect(toScore(c.scale.zeroAt, c.scale)).toBe(0);
    expect(toScore(-5, c.scale)).toBe(0);
    expect(rawSimilarity([0, 3], [4, 0], 'euclidean')).toBe(-5);
    expect(rawSimilarity([1, 0], [1, 0], 'cosine')).toBe(1);
  });

  it('refuses a FAR it has no threshold for, and corrupt calibration files', () => {
    const c = synthetic();
    expect(thresholdForFar(c, 0.001)).toBe(c.thresholds['0.001'].score);
    expect(() => thresholdForFar(c, 0.05)).toThrow(/No calibrated threshold for FAR 0.05/);
    expect(() => parseCalibration({ ...c, version: 2 })).toThrow(/regenerate it/);
    expect(() => parseCalibration({ ...c, thresholds: { '0.01': c.thresholds['0.01'] } })).toThrow(/threshold 0.0001/);
  });

  it('ships a calibration measured on real pairs', () => {
    const c = shippedCalibration();
    expect(c.measured.impostorPairs).toBeGreaterThan(1000);
    expect(c.measured.genuinePairs).toBeGreaterThan(100);
    expect(c.thresholds['0.001'].score).toBeGreaterThan(c.thresholds['0.01'].score);
  });
});
