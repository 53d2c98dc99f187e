import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeChipMimic } from '../../face/chip-mimic';
import { FaceDetector, retryView } from '../../face/detector';
import { decodeImage } from '../../face/image/decode';
import type { RgbImage } from '../../imaging/rgb';
import { loadTf } from '../../face/runtime';

const fixtures = join(import.meta.dirname, '../fixtures/faces');
const read = (name: string) => readFile(join(fixtures, name));

let plain: FaceDetector;
let detector: FaceDetector;
let tightChip: RgbImage;
let usualChip: RgbImage;
beforeAll(async () => {
  const tf = await loadTf();
  plain = await FaceDetector.create(tf, { attributes: false, retry: false });
  detector = await FaceDetector.create(tf, { attributes: false });
  const photo = await decodeImage(await read('person-vlado1.jpg'));
  const face = (await detector.detect(photo))[0]!;
  // A tight chip photo (the face fills 95% of the width, as on some cards) and the usual head-and-shoulders one.
  tightChip = await decodeImage(await makeChipMimic(photo, face.box, { faceFraction: 0.95 }));
  usualChip = await decodeImage(await makeChipMimic(photo, face.box));
});

describe('face detector: second look on a miss', () => {
  it('finds the face in a tight 102x126 chip photo that a single BlazeFace pass misses', async () => {
    expect(tightChip).toMatchObject({ width: 102, height: 126 });
    expect(await plain.detect(tightChip)).toEqual([]);
    const [face] = await detector.detect(tightChip);
    expect(face).toBeDefined();
    // Landmarks are in chip pixels: eyes in the upper half, left of each other, about a third of the width apart.
    const [eyeA, eyeB, nose] = face!.landmarks.centres;
    expect(eyeA[0]).toBeLessThan(eyeB[0]);
    expect(eyeB[0] - eyeA[0]).toBeGreaterThan(0.25 * 102);
    expect(eyeB[0] - eyeA[0]).toBeLessThan(0.6 * 102);
    for (const p of [eyeA, eyeB]) {
      expect(p[0]).toBeGreaterThan(0);
      expect(p[0]).toBeLessThan(102);
      expect(p[1]).toBeGreaterThan(0);
      expect(p[1]).toBeLessThan(nose[1]);
    }
    expect(face!.box.width).toBeGreaterThan(0.5 * 102);
  });

  it('maps landmarks found in the upscaled, padded copy back onto the source', async () => {
    const [direct] = await plain.detect(usualChip);
    const view = await retryView(usualChip);
    expect(view.scale).toBeGreaterThan(2);
    const [seen] = await plain.detect(view.image);
    expect(direct && seen).toBeTruthy();
    const back = seen!.landmarks.centres.map(([x, y]) => [(x - view.pad) / view.scale, (y - view.pad) / view.scale]);
    direct!.landmarks.centres.forEach(([x, y], i) => {
      expect(Math.hypot(x - back[i]![0]!, y - back[i]![1]!)).toBeLessThan(3);
    });
  });

  it('still finds no face in a background photo', async () => {
    expect(await detector.detect(await decodeImage(await read('background.jpg')))).toEqual([]);
  });
});
