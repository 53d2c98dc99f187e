import { describe, expect, it } from 'vitest';
import { alignTo, applySimilarity, arcfaceTemplate, dlibTemplate, estimateSimilarity, templatePixels, warpToCrop, type Point } from '../../face/align';

describe('five-point alignment', () => {
  it('recovers a rotation, scale and shift exactly from point pairs', () => {
    const from: Point[] = [[10, 20], [40, 22], [25, 40], [14, 55], [37, 56]];
    const angle = 0.3, scale = 1.7, tx = 5, ty = -8;
    const to = from.map(([x, y]) => [scale * (Math.cos(angle) * x - Math.sin(angle) * y) + tx, scale * (Math.sin(angle) * x + Math.cos(angle) * y) + ty] as Point);
    const t = estimateSimilarity(from, to);
    from.forEach((p, i) => {
      const q = applySimilarity(t, p);
      expect(q[0]).toBeCloseTo(to[i]![0], 6);
      expect(q[1]).toBeCloseTo(to[i]![1], 6);
    });
  });

  it('puts the eyes of the dlib template where dlib puts them (padding 0.25 of a 150 px chip)', () => {
    const [left, right] = templatePixels(dlibTemplate(150, 0.25));
    expect(left[0]).toBeCloseTo(((0.25 + 0.224152) / 1.5) * 150, 6);
    expect(right[1]).toBeCloseTo(left[1], 6);
    expect(arcfaceTemplate().points[0][0] * 112).toBeCloseTo(38.2946, 4);
  });

  it('warps a face so its landmarks land on the template, mirrored on request', () => {
    // A 40x40 picture whose only bright pixel is at (30, 10); map it through a 2x scale.
    const data = new Uint8Array(40 * 40 * 3);
    data.set([255, 255, 255], (10 * 40 + 30) * 3);
    const image = { width: 40, height: 40, data };
    const crop = warpToCrop(image, { a: 2, b: 0, tx: 0, ty: 0 }, 80);
    const brightest = crop.reduce((best, v, i) => (v > crop[best]! ? i : best), 0);
    const px = Math.floor(brightest / 3) % 80, py = Math.floor(brightest / 3 / 80);
    expect(Math.abs(px - 60.5)).toBeLessThanOrEqual(1);
    expect(Math.abs(py - 20.5)).toBeLessThanOrEqual(1);
    const mirrored = warpToCrop(image, { a: 2, b: 0, tx: 0, ty: 0 }, 80, true);
    const m = mirrored.reduce((best, v, i) => (v > mirrored[best]! ? i : best), 0);
    expect(Math.abs((Math.floor(m / 3) % 80) - (79 - 60.5))).toBeLessThanOrEqual(1);
  });

  it('averages a shrunk face over each crop pixel instead of aliasing its fine detail', () => {
    // Stripes one pixel wide (hair, a knitted collar) shrunk 4x: every crop pixel covers two black and two white
    // columns, so it must come out mid-grey; sampling one point per pixel would paint it black or white.
    const w = 256, data = new Uint8Array(w * w * 3);
    for (let y = 0; y < w; y++) for (let x = 0; x < w; x += 2) data.fill(255, (y * w + x) * 3, (y * w + x) * 3 + 3);
    const crop = warpToCrop({ width: w, height: w, data }, { a: 0.25, b: 0, tx: 0.125, ty: 0 }, 64);
    for (let y = 4; y < 60; y++) for (let x = 4; x < 60; x++) expect(Math.abs(crop[(y * 64 + x) * 3]! - 127.5)).toBeLessThan(8);
  });

  it('aligning the template onto itself is the identity', () => {
    const template = dlibTemplate(150, 0.25);
    const t = alignTo(templatePixels(template), template);
    expect(t.a).toBeCloseTo(1, 9);
    expect(t.b).toBeCloseTo(0, 9);
  });
});
