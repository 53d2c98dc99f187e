import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { makeChipMimic } from '../face/chip-mimic';
import { startFaceWorker } from '../face/client';
import type { FaceEmbedding } from '../face/compare';
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
    console.log(`engine: ${engine.calibration.model.members.map((m) => m.id).join('+')}${engine.calibration.pipeline ? ` (${engine.calibration.pipeline.detector} → ${engine.calibration.pipeline.landmarks ?? 'detector points'})` : ' (tfjs)'}`);
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
      // Where the time goes: per stage, in the worker, for each side of the kiosk's compare.
      const stageMetrics: Metric[] = [];
      for (const [side, bytes, type] of [['chip', chip, 'IDPic'], ['live', live, 'FacePic'], ['frame640', frame, 'FacePic']] as const) {
        const runs: NonNullable<FaceEmbedding['stages']>[] = [];
        for (let i = 0; i < RUNS; i++) runs.push((await single.embed(bytes, type)).stages!);
        const stage = (name: string, pick: (s: NonNullable<FaceEmbedding['stages']>) => number) =>
          stageMetrics.push(metric(`stage_${side}_${name}_ms_median`, median(runs.map(pick)), 'ms'));
        stage('decode', (s) => s.decode);
        stage('detect', (s) => s.detect);
        stage('landmarks', (s) => s.landmarks);
        stage('align', (s) => s.align);
        for (const model of Object.keys(runs[0]!.embed)) stage(`embed_${model}`, (s) => s.embed[model] ?? 0);
      }
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
        ...stageMetrics,
      ];
    } finally {
      await Promise.all([engine.close(), single.close()]);
    }
  },
} satisfies Benchmark;
