import { describe, expect, it } from 'vitest';
import type { FivePoints } from '../../face/align';
import type { RgbImage } from '../../imaging/rgb';
import { DEFAULT_QUALITY_LIMITS, measureQuality, qualityMessage, qualityProblem } from '../../face/quality';

/** A 200x200 grey image with a sharp checkerboard "face" texture; blurred: a smooth gradient instead. */
function image(sharp: boolean): RgbImage {
  const data = new Uint8Array(200 * 200 * 3);
  for (let y = 0; y < 200; y++) {
    for (let x = 0; x < 200; x++) {
      const v = sharp ? ((x >> 2) + (y >> 2)) % 2 ? 220 : 40 : 100 + x / 4;
      data.set([v, v, v], (y * 200 + x) * 3);
    }
  }
  return { width: 200, height: 200, data };
}

const face = (eyes: number, noseShift = 0): FivePoints => [
  [100 - eyes / 2, 90],
  [100 + eyes / 2, 90],
  [100 + noseShift * eyes, 90 + eyes * 0.5],
  [100 - eyes * 0.35, 90 + eyes * 0.9],
  [100 + eyes * 0.35, 90 + eyes * 0.9],
];

describe('face quality gate', () => {
  it('lets a sharp, frontal face with a chip photo\'s resolution through', () => {
    expect(qualityProblem(measureQuality(image(true), face(26)))).toBeNull();
  });

  it('refuses a face with too few pixels between the eyes', () => {
    const m = measureQuality(image(true), face(DEFAULT_QUALITY_LIMITS.minEyeDistance - 2));
    expect(qualityProblem(m)).toBe('small');
    expect(qualityMessage('small', m, 'FacePic')).toMatch(/live photo's face is too small .* capture again/);
  });

  it('refuses a face turned so far that the nose sits beside an eye', () => {
    expect(qualityProblem(measureQuality(image(true), face(40, DEFAULT_QUALITY_LIMITS.maxTurn + 0.1)))).toBe('turned');
    expect(measureQuality(image(true), face(40, 0.1)).turn).toBeCloseTo(0.1, 6);
  });

  it('refuses a face without edges (blurred), and says so for the chip photo', () => {
    const m = measureQuality(image(false), face(30));
    expect(m.sharpness).toBeLessThan(DEFAULT_QUALITY_LIMITS.minSharpness);
    expect(qualityProblem(m)).toBe('blurred');
    expect(qualityMessage('blurred', m, 'IDPic')).toMatch(/^The chip photo's face is too blurred/);
  });
});

describe('face quality gate: order', () => {
  it('calls a turned head turned, not small, though its eyes look close together', () => {
    expect(qualityProblem({ eyeDistance: 8, sharpness: 500, turn: 1.2 })).toBe('turned');
  });
});
