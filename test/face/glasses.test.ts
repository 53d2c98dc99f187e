import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { FaceDetector } from '../../face/detector';
import { classifyGlasses, DARK_LENS_MAX, FRAME_EDGES_MIN, glassesFeatures } from '../../face/glasses';
import { decodeImage } from '../../face/image/decode';
import { loadTf } from '../../face/runtime';

const fixtures = join(import.meta.dirname, '../fixtures/faces');

describe('glasses rule', () => {
  it('needs frame edges for glasses, and dark eyes behind them for sunglasses', () => {
    expect(classifyGlasses({ bridge: 0.3, rims: 0.3, eyeBrightness: 0.2 })).toBe('None'); // dark eyes alone are not sunglasses
    expect(classifyGlasses({ bridge: FRAME_EDGES_MIN / 2, rims: FRAME_EDGES_MIN / 2, eyeBrightness: 0.7 })).toBe('Wear');
    expect(classifyGlasses({ bridge: 1, rims: 1, eyeBrightness: DARK_LENS_MAX })).toBe('Sunglass');
  });
});

describe('glasses on photos', () => {
  let detector: FaceDetector;
  beforeAll(async () => {
    detector = await FaceDetector.create(await loadTf(), { attributes: false });
  });

  /** person-vlado.jpg, optionally with a frame (and dark lenses) drawn over the eyes the detector found. */
  async function vlado(draw: 'none' | 'frame' | 'sunglasses') {
    const bytes = await readFile(join(fixtures, 'person-vlado.jpg'));
    const plain = await decodeImage(bytes);
    if (draw === 'none') return plain;
    const [[lx, ly], [rx, ry]] = (await detector.detect(plain))[0]!.landmarks.centres;
    const d = Math.hypot(rx - lx, ry - ly);
    const lens = (x: number, y: number) =>
      `<ellipse cx="${x}" cy="${y}" rx="${0.3 * d}" ry="${0.2 * d}" fill="${draw === 'sunglasses' ? '#111' : 'none'}" stroke="#111" stroke-width="${0.06 * d}"/>`;
    const bridge = `<line x1="${lx + 0.3 * d}" y1="${ly - 0.05 * d}" x2="${rx - 0.3 * d}" y2="${ry - 0.05 * d}" stroke="#111" stroke-width="${0.06 * d}"/>`;
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${plain.width}" height="${plain.height}">${lens(lx, ly)}${lens(rx, ry)}${bridge}</svg>`;
    return decodeImage(await sharp(bytes).composite([{ input: Buffer.from(svg) }]).jpeg({ quality: 90 }).toBuffer());
  }
  const glassesOf = async (image: Awaited<ReturnType<typeof vlado>>) => {
    const face = (await detector.detect(image))[0]!;
    return classifyGlasses(glassesFeatures(image, face.landmarks));
  };

  it('says None for bare faces', async () => {
    expect(await glassesOf(await vlado('none'))).toBe('None');
    expect(await glassesOf(await decodeImage(await readFile(join(fixtures, 'person-linda.jpg'))))).toBe('None');
  });

  it('says Wear for a frame and Sunglass for dark lenses (drawn over a bare face)', async () => {
    expect(await glassesOf(await vlado('frame'))).toBe('Wear');
    expect(await glassesOf(await vlado('sunglasses'))).toBe('Sunglass');
  });
});
