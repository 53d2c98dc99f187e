import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { makeChipMimic } from '../face/chip-mimic';
import { startFaceWorker } from '../face/client';
import { encodeBmp24 } from '../face/image/bmp';
import { decodeImage } from '../face/image/decode';
import { median, metric, type Benchmark, type Metric } from './harness';

// Latency of one local CompareFaces through the worker thread, models warm: the kiosk's case of a
// 24-bit BMP chip photo (IDPic) against a live photo (FacePic). Images come from test/fixtures/faces.

const fixtures = resolve(import.meta.dirname, '..', 'test', 'fixtures', 'faces');
const RUNS = 15;

export default {
  name: 'compare',
  description: 'Local face compare latency (chip BMP vs live JPEG) through the face worker pool (default size), warm',
  async run(): Promise<Metric[]> {
    const loadStarted = performance.now();
    const engine = await startFaceWorker({ attributes: false }); // the default pool, as the provider starts it
    const loadMs = performance.now() - loadStarted;
    const single = await startFaceWorker({ attributes: false, workers: 1 });
    try {
      const source = await readFile(join(fixtures, 'person-vlado.jpg'));
      const live = await readFile(join(fixtures, 'person-vlado1.jpg'));
      const image = await decodeImage(source);
      const face = await engine.embed(source);
      const chip = encodeBmp24(await decodeImage(await makeChipMimic(image, face.box)));
      // A kiosk camera frame: 640x480 JPEG.
      const frame = await sharp(live).resize(640, 480, { fit: 'cover' }).jpeg({ quality: 90 }).toBuffer();
      const time = async (e: typeof engine, a: Uint8Array, b: Uint8Array) => {
        await e.compare(a, b, { sourceType: 'IDPic', targetType: 'FacePic' }); // warm-up
        const ms: number[] = [];
        for (let i = 0; i < RUNS; i++) {
          const started = performance.now();
          await e.compare(a, b, { sourceType: 'IDPic', targetType: 'FacePic' });
          ms.push(performance.now() - started);
        }
        return ms;
      };
      const full = await time(engine, chip, live);
      const kiosk = await time(engine, chip, frame);
      const oneWorker = await time(single, chip, live);
      return [
        metric('compare_ms_median', median(full), 'ms', { max: 150 }),
        metric('compare_ms_median_640x480', median(kiosk), 'ms', { max: 150 }),
        metric('compare_ms_median_1_worker', median(oneWorker), 'ms'),
        metric('compare_ms_max', Math.max(...full), 'ms'),
        metric('worker_load_ms', loadMs, 'ms'),
        metric('runs', RUNS, 'compares'),
      ];
    } finally {
      await Promise.all([engine.close(), single.close()]);
    }
  },
} satisfies Benchmark;
