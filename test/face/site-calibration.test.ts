import { describe, expect, it } from 'vitest';
import { buildCalibration } from '../../face/calibration';
import { farAt, impostorsNeeded } from '../../face/metrics';
import { buildSiteCalibration, TooFewImpostors } from '../../face/site-calibration';

const base = buildCalibration({
  model: { members: [{ id: 'intel-0095', padding: 0, raw: false, metric: 'cosine', flip: true, idPicCrops: 1, landmarks: 'centres', dims: 256, norm: { mean: 0, std: 1 } }] },
  pipeline: { detector: 'yunet-2023mar', landmarks: 'intel-landmarks-0009', quality: { minEyeDistance: 12, minSharpness: 25, maxTurn: 0.6 } },
  genuine: [0.7, 0.8],
  impostor: Array.from({ length: 50_000 }, (_, i) => 0.5 * ((i * 7919) % 50_000) / 50_000),
  thresholds: { '0.0001': { raw: 0.6, method: 'confidence-bound' }, '0.001': { raw: 0.5, method: 'confidence-bound' }, '0.01': { raw: 0.4, method: 'confidence-bound' } },
  protocol: 'synthetic',
  note: 'test',
});

/** Site impostor scores spread evenly over [0, top). */
const impostors = (n: number, top: number) => Array.from({ length: n }, (_, i) => (top * ((i * 104729) % n)) / n);

describe('site calibration', () => {
  it('refuses when the impostor pairs cannot support the requested FAR, saying how many are needed', () => {
    const few = impostors(2000, 0.3);
    expect(() => buildSiteCalibration(base, { genuine: [0.6], impostor: few }, 0.001, 'pairs.tsv')).toThrow(TooFewImpostors);
    try {
      buildSiteCalibration(base, { genuine: [0.6], impostor: few }, 0.001, 'pairs.tsv');
    } catch (error) {
      expect((error as TooFewImpostors).need).toBe(impostorsNeeded(0.001));
      expect((error as Error).message).toMatch(/2000 impostor pairs cannot support .*at least 2995/);
    }
  });

  it('sets supported thresholds on the site\'s impostors, keeps the shipped one where they cannot reach, and never lets a smaller FAR be laxer', () => {
    const impostor = impostors(5000, 0.3); // supports 0.01 and 0.001, not 0.0001
    const site = buildSiteCalibration(base, { genuine: [0.25, 0.35, 0.6], impostor }, 0.001, 'pairs.tsv', new Date(0));
    expect(site.thresholds['0.01'].method).toBe('confidence-bound');
    expect(site.thresholds['0.001'].method).toBe('confidence-bound');
    expect(site.thresholds['0.0001']).toMatchObject({ method: 'inherited', raw: 0.6 });
    expect(farAt(impostor, site.thresholds['0.01'].raw)).toBeLessThanOrEqual(0.01);
    expect(farAt(impostor, site.thresholds['0.001'].raw)).toBeLessThanOrEqual(0.001);
    expect(site.thresholds['0.001'].raw).toBeLessThan(base.thresholds['0.001'].raw); // this site's impostors score lower
    expect(site.thresholds['0.0001'].raw).toBeGreaterThanOrEqual(site.thresholds['0.001'].raw);
    expect(site.scale).toEqual(base.scale);
    expect(site.pipeline).toEqual(base.pipeline);
    expect(site.measured).toMatchObject({ genuinePairs: 3, impostorPairs: 5000 });
  });

  it('raises an inherited threshold to the site\'s stricter one for a larger FAR', () => {
    const site = buildSiteCalibration(base, { genuine: [], impostor: impostors(5000, 0.9) }, 0.001, 'pairs.tsv');
    expect(site.thresholds['0.001'].raw).toBeGreaterThan(0.6);
    expect(site.thresholds['0.0001'].raw).toBe(site.thresholds['0.001'].raw);
    expect(site.measured.eer).toBeNull();
  });
});
