import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCalibration } from '../../face/calibration';
import { resolveWorkerEntry, startFaceWorker, tsxBootstrap } from '../../face/client';
import { FaceError } from '../../face/errors';

const has = (...paths: string[]) => (p: string) => paths.includes(p);

describe('face worker launcher', () => {
  it('prefers the built face-worker.js next to the bundle, with no loader', () => {
    const dir = '/app/out/main';
    expect(resolveWorkerEntry(dir, has(join(dir, 'face-worker.js'), '/app/face/worker.ts'))).toEqual({ file: join(dir, 'face-worker.js'), loader: 'none' });
  });

  it('finds the built worker one folder up when this code sits in a chunk', () => {
    const dir = '/app/out/main/chunks';
    expect(resolveWorkerEntry(dir, has('/app/out/main/face-worker.js')).file).toBe('/app/out/main/face-worker.js');
  });

  it('falls back to the TypeScript source through tsx (tests, bench, tsx CLI)', () => {
    const dir = '/repo/face';
    expect(resolveWorkerEntry(dir, has(join(dir, 'worker.ts')))).toEqual({ file: join(dir, 'worker.ts'), loader: 'tsx' });
  });

  it('bootstraps the TypeScript entry by registering tsx inside the worker, then importing it', () => {
    const code = tsxBootstrap('/repo/face/worker.ts', '/repo/node_modules/tsx/dist/esm/api/index.mjs');
    expect(code.indexOf('file:///repo/node_modules/tsx/dist/esm/api/index.mjs')).toBeLessThan(code.indexOf('file:///repo/face/worker.ts'));
    expect(code).toContain('register()');
  });

  it('honours an explicit path and says clearly when nothing is there', () => {
    expect(resolveWorkerEntry('/x', has('/w.ts'), '/w.ts').loader).toBe('tsx');
    expect(resolveWorkerEntry('/x', has('/w.js'), '/w.js').loader).toBe('none');
    expect(() => resolveWorkerEntry('/x', has())).toThrow(/npm run build/);
    expect(() => resolveWorkerEntry('/x', has(), '/missing.js')).toThrow(/does not exist/);
  });
});

describe('face worker pool (scripted workers)', () => {
  const calibration = buildCalibration({
    model: { members: [{ id: 'dlib', padding: 0.25, raw: true, metric: 'euclidean', flip: false, idPicCrops: 3, landmarks: 'corners', dims: 0, norm: { mean: 0, std: 1 } }] },
    genuine: Array.from({ length: 100 }, (_, i) => -i / 1000),
    impostor: Array.from({ length: 2000 }, (_, i) => -1 - i / 1000),
    protocol: 'synthetic',
    note: 'test',
  });
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'renzheng-fake-worker-'));
  });

  /** A worker that speaks the protocol: embeds image[0] as a 1-d vector, 0 = no face, 9 = crash. */
  async function script(name: string, body: string): Promise<string> {
    const file = join(dir, `${name}.mjs`);
    await writeFile(file, `import { parentPort } from 'node:worker_threads';\nconst calibration = ${JSON.stringify(calibration)};\n${body}\n`);
    return file;
  }
  const echo = `parentPort.postMessage({ ready: true, calibration, loadMs: 1 });
parentPort.on('message', (m) => {
  const v = m.image[0];
  if (v === 9) process.exit(3);
  if (v === 0) parentPort.postMessage({ id: m.id, ok: false, error: { code: 'Error.NoFaceDetected', message: 'no face in ' + m.type } });
  else parentPort.postMessage({ id: m.id, ok: true, value: { model: 'dlib', vector: new Float32Array([v / 10]), box: { x: 0, y: 0, width: 1, height: 1 }, faces: 1 } });
});`;

  it('scores through the calibration and reports the source image problem first', async () => {
    const engine = await startFaceWorker({ workerPath: await script('echo', echo), workers: 2 });
    try {
      expect(await engine.compare(Uint8Array.of(5), Uint8Array.of(5))).toMatchObject({ SimilarityScore: 100 });
      await expect(engine.compare(Uint8Array.of(0), Uint8Array.of(0), { sourceType: 'IDPic' })).rejects.toMatchObject({ message: 'no face in IDPic' });
      await expect(engine.compare(Uint8Array.of(5), Uint8Array.of(5), { sourceType: 'IDPic', targetType: 'IDPic' })).rejects.toBeInstanceOf(FaceError);
    } finally {
      await engine.close();
    }
    await expect(engine.embed(Uint8Array.of(5))).rejects.toMatchObject({ code: 'Error.EngineClosed' });
  });

  it('fails the requests in flight when a worker dies, and refuses new ones', async () => {
    const engine = await startFaceWorker({ workerPath: await script('crash', echo), workers: 1 });
    await expect(engine.embed(Uint8Array.of(9))).rejects.toMatchObject({ code: 'Error.InternalError', message: 'The face worker exited (code 3).' });
    await expect(engine.embed(Uint8Array.of(5))).rejects.toMatchObject({ code: 'Error.EngineClosed' });
    await engine.close();
  });

  it('passes on a model-loading failure with its code, and gives up on a worker that never gets ready', async () => {
    const broken = await script('broken', `parentPort.postMessage({ ready: false, error: { code: 'Error.ModelMissing', message: 'gone' } });`);
    await expect(startFaceWorker({ workerPath: broken })).rejects.toMatchObject({ code: 'Error.ModelMissing', message: 'gone' });
    const silent = await script('silent', `setInterval(() => {}, 1000);`);
    await expect(startFaceWorker({ workerPath: silent, startTimeoutMs: 300 })).rejects.toMatchObject({ code: 'Error.InternalError', message: expect.stringMatching(/within 300 ms/) });
  });
});
