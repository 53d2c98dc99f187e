import { describe, expect, it } from 'vitest';
import { bestWindowCorrelation, correlation, mirrored, type Grey } from '../../../../main/services/verify/picture-match';

function noise(width: number, height: number, seed: number): Grey {
  let s = seed;
  const data = new Float64Array(width * height);
  for (let i = 0; i < data.length; i++) data[i] = (s = (s * 1103515245 + 12345) % 2 ** 31) % 256;
  return { width, height, data };
}

function cut(image: Grey, x: number, y: number, w: number, h: number): Grey {
  const data = new Float64Array(w * h);
  for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) data[r * w + c] = image.data[(y + r) * image.width + x + c]!;
  return { width: w, height: h, data };
}

describe('picture matching', () => {
  it('finds a picture placed anywhere in a larger one, whatever its brightness and contrast', () => {
    const scene = noise(40, 50, 7);
    const template = cut(scene, 13, 9, 16, 20);
    const relit = { ...template, data: template.data.map((v) => 0.5 * v + 60) };
    expect(bestWindowCorrelation(scene, relit)).toBeCloseTo(1, 6);
  });

  it('does not find a picture that is not there', () => {
    expect(bestWindowCorrelation(noise(40, 50, 7), noise(16, 20, 99))).toBeLessThan(0.6);
    expect(bestWindowCorrelation(noise(10, 10, 1), noise(16, 20, 2))).toBe(0);
  });

  it('correlates whole pictures and their mirror images', () => {
    const a = noise(8, 6, 3);
    expect(correlation(a.data, a.data)).toBeCloseTo(1, 9);
    expect(correlation(mirrored(mirrored(a)).data, a.data)).toBeCloseTo(1, 9);
    expect(correlation(a.data, new Float64Array(a.data.length))).toBe(0);
  });
});
