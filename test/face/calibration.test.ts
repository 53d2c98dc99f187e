import { describe, expect, it } from 'vitest';
import {
  buildCalibration,
  confidenceThresholds,
  fusedSimilarity,
  memberViews,
  modelName,
  parseCalibration,
  type ModelMember,
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
    model: { members: [{ id: 'dlib', padding: 0.25, raw: true, metric: 'euclidean', flip: false, idPicCrops: 5, landmarks: 'corners', dims: 0, norm: { mean: 0, std: 1 } }] },
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
    expect(() => parseCalibration({ ...c, version: 3 })).toThrow(/regenerate it/);
    const twoMembers = { members: [c.model.members[0]!, { ...c.model.members[0]!, id: 'mobilefacenet' }] };
    expect(() => parseCalibration({ ...c, model: twoMembers })).toThrow(/members\[0\]\.dims/);
    expect(() => parseCalibration({ ...c, model: { members: [{ ...c.model.members[0]!, norm: { mean: 0, std: 0 } }] } })).toThrow(/norm/);
    expect(() => parseCalibration({ ...c, thresholds: { '0.01': c.thresholds['0.01'] } })).toThrow(/threshold 0.0001/);
  });

  it('reads a version 1 file (one model, no fusion) with the same thresholds and scores', () => {
    const c = synthetic();
    const { members } = c.model;
    const { dims: _dims, norm: _norm, ...v1model } = members[0]!;
    const upgraded = parseCalibration({ ...c, version: 1, model: v1model });
    expect(upgraded.version).toBe(2);
    expect(upgraded.thresholds).toEqual(c.thresholds);
    const a = Float32Array.of(0.1, 0.2), b = Float32Array.of(0.4, -0.2);
    expect(fusedSimilarity(a, b, upgraded.model.members)).toBeCloseTo(rawSimilarity(a, b, 'euclidean'), 12);
  });

  it('fuses two models by z-scores, each on its own slice of the embedding', () => {
    const members: ModelMember[] = [
      { id: 'dlib', padding: 0.25, raw: true, metric: 'euclidean', flip: false, idPicCrops: 3, landmarks: 'centres', dims: 2, norm: { mean: -0.8, std: 0.1 } },
      { id: 'mobilefacenet', padding: 0.25, raw: false, metric: 'cosine', flip: false, idPicCrops: 3, landmarks: 'centres', dims: 2, norm: { mean: 0.2, std: 0.2 } },
    ];
    // dlib part: distance 0.6 → z = (−0.6 + 0.8) / 0.1 = 2; mobilefacenet part: cosine 0.6 → z = (0.6 − 0.2) / 0.2 = 2.
    const a = Float32Array.of(0, 0, 1, 0);
    const b = Float32Array.of(0.6, 0, 0.6, 0.8);
    expect(fusedSimilarity(a, b, members)).toBeCloseTo(2, 5);
    expect(() => fusedSimilarity(a.subarray(0, 3), b.subarray(0, 3), members)).toThrow(/does not match/);
    const c = buildCalibration({ model: { members }, genuine: range(100, (i) => 3 + i / 100), impostor: range(2000, (i) => -2 + (4 * i) / 2000), protocol: 'synthetic', note: 'test' });
    // Identical faces: distance 0 (z 8) and cosine 1 (z 4) → the top of the scale.
    expect(c.scale.hundredAt).toBeCloseTo(6, 10);
    expect(toScore(fusedSimilarity(a, a, members), c.scale)).toBe(100);
    expect(modelName(c)).toBe('dlib+mobilefacenet');
  });

  it('says which crops an ONNX member embeds, and refuses views the pipeline cannot make', () => {
    const member = { flip: true };
    // Older files: one crop on the pipeline's points, plus its mirror with flip.
    expect(memberViews(member, { landmarks: null })).toEqual([
      { points: 'detector', scale: 1, mirror: false },
      { points: 'detector', scale: 1, mirror: true },
    ]);
    expect(memberViews({ flip: false }, { landmarks: 'intel-landmarks-0009' })).toEqual([{ points: 'landmarks', scale: 1, mirror: false }]);
    const shipped = shippedCalibration();
    const withViews = (views: unknown, landmarks: string | null = 'intel-landmarks-0009') =>
      JSON.parse(JSON.stringify({ ...shipped, pipeline: { ...shipped.pipeline, landmarks }, model: { members: [{ ...shipped.model.members[0], views }] } }));
    const views = [{ points: 'detector', scale: 1, mirror: false }, { points: 'landmarks', scale: 0.94, mirror: false }];
    expect(parseCalibration(withViews(views)).model.members[0]!.views).toEqual(views);
    expect(() => parseCalibration(withViews([]))).toThrow(/views/);
    expect(() => parseCalibration(withViews([{ points: 'nose', scale: 1, mirror: false }]))).toThrow(/views/);
    expect(() => parseCalibration(withViews([{ points: 'detector', scale: 3, mirror: false }]))).toThrow(/views/);
    expect(() => parseCalibration(withViews(views, null))).toThrow(/landmark points/);
  });

  it('ships a calibration measured on real pairs', () => {
    const c = shippedCalibration();
    expect(c.measured.impostorPairs).toBeGreaterThan(1000);
    expect(c.measured.genuinePairs).toBeGreaterThan(100);
    expect(c.thresholds['0.001'].score).toBeGreaterThan(c.thresholds['0.01'].score);
  });
});
