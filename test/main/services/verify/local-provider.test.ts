import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCalibration } from '../../../../face/calibration';
import { startFaceWorker, type FaceEngineApi } from '../../../../face/client';
import { FaceError } from '../../../../face/errors';
import { createLocalProvider } from '../../../../main/services/verify/local-provider';
import type { VerifyInput } from '../../../../main/services/verify/provider';

const fixtures = join(import.meta.dirname, '../../../fixtures/faces');
const calibration = buildCalibration({
  model: { members: [{ id: 'dlib', padding: 0.25, raw: true, metric: 'euclidean', flip: false, idPicCrops: 5, landmarks: 'corners', dims: 0, norm: { mean: 0, std: 1 } }] },
  genuine: Array.from({ length: 200 }, (_, i) => -0.3 - i / 1000),
  impostor: Array.from({ length: 5000 }, (_, i) => -0.5 - i / 10000),
  protocol: 'synthetic',
  note: 'test',
});

/** An engine that answers with a fixed score (or error), to pin down the provider's decision rule. */
function fakeEngine(answer: number | FaceError): FaceEngineApi & { calls: { sourceType?: string; targetType?: string }[] } {
  const calls: { sourceType?: string; targetType?: string }[] = [];
  return {
    calls,
    calibration,
    embed: async () => {
      throw new Error('not used');
    },
    compare: async (_s, _t, options = {}) => {
      calls.push(options);
      if (answer instanceof FaceError) throw answer;
      return { SimilarityScore: answer, ConfidenceThresholds: { '0.0001': 0, '0.001': 0, '0.01': 0 } };
    },
    detectAttributes: async () => {
      throw new Error('not used');
    },
    close: async () => {},
  };
}

const input = (extra: Partial<VerifyInput> = {}): VerifyInput => ({
  reference: { mime: 'image/bmp', bytes: Buffer.from('chip') },
  live: Buffer.from('live'),
  identity: { type: 'resident', name: '测试', idNumber: '11010519491231002X' },
  ...extra,
});

describe('local verify provider (decision rule)', () => {
  it('reports the score with the calibrated threshold of the chosen FAR, sending the chip as IDPic', async () => {
    const threshold = calibration.thresholds['0.001'].score;
    const above = fakeEngine(threshold + 0.01);
    const provider = createLocalProvider({ engine: above });
    expect(await provider.verify(input())).toEqual({ kind: 'compared', score: threshold + 0.01, threshold, far: 0.001 });
    expect(above.calls[0]).toEqual({ sourceType: 'IDPic', targetType: 'FacePic' });

  });

  it('uses a stricter threshold for a smaller FAR', async () => {
    const score = (calibration.thresholds['0.01'].score + calibration.thresholds['0.0001'].score) / 2;
    const loose = await createLocalProvider({ far: 0.01, engine: fakeEngine(score) }).verify(input());
    const strict = await createLocalProvider({ far: 0.0001, engine: fakeEngine(score) }).verify(input());
    expect(loose).toMatchObject({ kind: 'compared', far: 0.01, threshold: calibration.thresholds['0.01'].score });
    expect(strict).toMatchObject({ kind: 'compared', far: 0.0001, threshold: calibration.thresholds['0.0001'].score });
    expect(score).toBeGreaterThan(calibration.thresholds['0.01'].score);
    expect(score).toBeLessThan(calibration.thresholds['0.0001'].score);
  });

  it('rejects an uncalibrated FAR at construction', () => {
    expect(() => createLocalProvider({ far: 0.05, engine: fakeEngine(1) })).toThrow(/0\.0001, 0\.001, 0\.01/);
  });

  it('reports engine errors with the cloudauth code and never a pass', async () => {
    const provider = createLocalProvider({ engine: fakeEngine(new FaceError('Error.NoFaceDetected', 'No face was detected in the image.')) });
    expect(await provider.verify(input())).toEqual({ kind: 'error', reason: 'no-face', providerCode: 'Error.NoFaceDetected', message: 'No face was detected in the image.' });
  });

  it('asks for another capture when the live face cannot be judged, and says so when the chip photo cannot', async () => {
    const live = createLocalProvider({ engine: fakeEngine(new FaceError('Error.FaceQualityTooLow', 'The live photo\'s face is too blurred to compare.', { reason: 'blurred', image: 'FacePic' })) });
    expect(await live.verify(input())).toMatchObject({ kind: 'error', reason: 'capture-again', message: expect.stringMatching(/blurred/) });
    const chip = createLocalProvider({ engine: fakeEngine(new FaceError('Error.FaceQualityTooLow', 'The chip photo\'s face is too small to compare.', { reason: 'small', image: 'IDPic' })) });
    expect(await chip.verify(input())).toMatchObject({ kind: 'error', reason: 'chip-photo-unusable' });
  });

  it('reports a failed engine start in status() and in every verification', async () => {
    const provider = createLocalProvider({ engine: Promise.reject(new FaceError('Error.ModelMissing', 'models gone')) });
    expect(await provider.verify(input())).toMatchObject({ kind: 'error', reason: 'provider-unavailable', providerCode: 'Error.ModelMissing' });
    expect(provider.status()).toEqual({ ready: false, detail: 'Local face engine failed to start: models gone' });
  });

  it('stops when the verification is cancelled, and reports stages', async () => {
    const controller = new AbortController();
    controller.abort();
    expect(await createLocalProvider({ engine: fakeEngine(99) }).verify(input({ signal: controller.signal }))).toMatchObject({ kind: 'error', reason: 'cancelled' });
    const stages: string[] = [];
    await createLocalProvider({ engine: fakeEngine(99) }).verify(input({ onStage: (s) => stages.push(s) }));
    expect(stages).toEqual(['preparing', 'comparing']);
  });
});

describe('local verify provider on the real face engine (worker thread)', () => {
  let engine: FaceEngineApi;
  beforeAll(async () => {
    engine = await startFaceWorker({ attributes: false, workers: 1 });
  });
  afterAll(async () => {
    await engine?.close();
  });

  it('tells the same person from a different person and reports readiness', async () => {
    const provider = createLocalProvider({ engine, far: 0.01 });
    const vlado = await readFile(join(fixtures, 'person-vlado.jpg'));
    const vlado1 = await readFile(join(fixtures, 'person-vlado1.jpg'));
    const linda = await readFile(join(fixtures, 'person-linda.jpg'));
    const same = await provider.verify(input({ reference: { mime: 'image/jpeg', bytes: vlado }, live: vlado1 }));
    const other = await provider.verify(input({ reference: { mime: 'image/jpeg', bytes: vlado }, live: linda }));
    if (same.kind !== 'compared' || other.kind !== 'compared') throw new Error(`expected comparisons, got ${same.kind} and ${other.kind}`);
    expect(same.score).toBeGreaterThanOrEqual(same.threshold);
    expect(other.score).toBeLessThan(other.threshold);
    expect(provider.status().ready).toBe(true);
    const background = await readFile(join(fixtures, 'background.jpg'));
    expect(await provider.verify(input({ live: background, reference: { mime: 'image/jpeg', bytes: vlado } }))).toMatchObject({ kind: 'error', reason: 'no-face', providerCode: 'Error.NoFaceDetected' });
  });
});
