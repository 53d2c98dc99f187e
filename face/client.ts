import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { DetectFaceAttributesResult } from './attributes';
import type { Calibration } from './calibration';
import { checkImageTypes, compareEmbeddings, type CompareOptions, type CompareResult, type FaceEmbedding, type ImageType } from './compare';
import { FaceError } from './errors';
import type { FaceReady, FaceRequest, FaceResponse, FaceWorkerData } from './worker-protocol';

type FaceRequestBody = FaceRequest extends infer R ? (R extends FaceRequest ? Omit<R, 'id'> : never) : never;

/** The face engine as the rest of the app sees it: async, off the main thread. */
export interface FaceEngineApi {
  readonly calibration: Calibration;
  /** Embed the largest face; type IDPic applies the chip-photo augmentation the calibration was measured with. */
  embed(image: Uint8Array, type?: ImageType): Promise<FaceEmbedding>;
  compare(source: Uint8Array, target: Uint8Array, options?: CompareOptions): Promise<CompareResult>;
  detectAttributes(image: Uint8Array, maxFaces?: number): Promise<DetectFaceAttributesResult>;
  close(): Promise<void>;
}

export interface WorkerEntry {
  file: string;
  /** The TypeScript source runs through tsx's loader; the built file needs none. */
  loader: 'none' | 'tsx';
}

/**
 * Find the worker entry: an explicit path; else the built `face-worker.js` next to this module or one folder up
 * (electron-vite puts entries in out/main/ and shared code in out/main/chunks/); else the TypeScript source
 * `worker.ts` beside this file, run through tsx (tests, `npm run bench`, `tsx cli`).
 */
export function resolveWorkerEntry(moduleDir: string, exists: (path: string) => boolean, override?: string): WorkerEntry {
  const tsEntry = (file: string): WorkerEntry => ({ file, loader: 'tsx' });
  if (override) {
    if (!exists(override)) throw new FaceError('Error.ModelMissing', `Face worker ${override} does not exist.`);
    return override.endsWith('.ts') ? tsEntry(override) : { file: override, loader: 'none' };
  }
  for (const built of [join(moduleDir, 'face-worker.js'), join(moduleDir, '..', 'face-worker.js')]) {
    if (exists(built)) return { file: built, loader: 'none' };
  }
  const source = join(moduleDir, 'worker.ts');
  if (exists(source)) return tsEntry(source);
  throw new FaceError('Error.ModelMissing', `No face worker found near ${moduleDir}: build the app (npm run build) or run from the sources.`);
}

/**
 * Worker source that registers tsx's ESM loader and then imports the TypeScript entry.
 * (On Node 20, `execArgv: ['--import', 'tsx']` does not apply tsx to a worker's own entry file:
 * it fails with "Unknown file extension .ts", so the loader is registered from inside the worker.)
 */
export function tsxBootstrap(file: string, tsxEsmApi: string): string {
  return `import(${JSON.stringify(pathToFileURL(tsxEsmApi).href)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(pathToFileURL(file).href)}); });`;
}

function createWorker(entry: WorkerEntry, workerData: FaceWorkerData): Worker {
  const execArgv = process.execArgv.filter((a) => !a.startsWith('--inspect'));
  if (entry.loader === 'none') return new Worker(entry.file, { workerData, execArgv });
  // tsx's package maps 'tsx/esm/api' to index.cjs for require(); its ESM twin sits beside it.
  const api = createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs');
  return new Worker(tsxBootstrap(entry.file, api), { eval: true, workerData, execArgv });
}

export interface StartFaceWorkerOptions extends FaceWorkerData {
  /** Override the worker entry (a built .js or a .ts source). */
  workerPath?: string;
  /**
   * Worker threads, each with its own copy of the models. With two, a compare embeds its two images in
   * parallel (the wasm backend is single-threaded). Default: 2 when the machine has 2+ cores. Measured on the
   * shared 2-core dev machine: idle, 95–117 ms per compare with 2 workers vs 147–154 ms with 1; saturated by
   * other jobs (load 3+), 2 workers were slower (271–286 ms vs 182–206 ms) — set 1 on a busy host.
   */
  workers?: number;
  /** Give up if the models have not loaded by then (default 120 s: the first load on a busy 2-core machine is slow). */
  startTimeoutMs?: number;
}

/** Start the face worker(s) and wait until their models are loaded. */
export async function startFaceWorker(options: StartFaceWorkerOptions = {}): Promise<FaceEngineApi> {
  const here = dirname(fileURLToPath(import.meta.url));
  const entry = resolveWorkerEntry(here, existsSync, options.workerPath);
  const data: FaceWorkerData = { calibrationPath: options.calibrationPath, attributes: options.attributes, modelDirs: options.modelDirs };
  const count = Math.max(1, Math.min(options.workers ?? 2, availableParallelism()));
  const started = await Promise.allSettled(Array.from({ length: count }, () => startChannel(entry, data, options.startTimeoutMs ?? 120_000)));
  const channels = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failure = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) {
    await Promise.all(channels.map((c) => c.close()));
    throw failure.reason;
  }
  return new FaceWorkerPool(channels);
}

async function startChannel(entry: WorkerEntry, data: FaceWorkerData, timeoutMs: number): Promise<WorkerChannel> {
  const worker = createWorker(entry, data);
  const ready = await new Promise<FaceReady>((resolve, reject) => {
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(new FaceError('Error.InternalError', `The face worker did not load its models within ${timeoutMs} ms.`));
    }, timeoutMs);
    worker.once('message', (m: FaceReady) => {
      clearTimeout(timer);
      resolve(m);
    });
    worker.once('error', (e) => {
      clearTimeout(timer);
      reject(new FaceError('Error.InternalError', `The face worker failed to start: ${e.message}`));
    });
  });
  if (!ready.ready) {
    await worker.terminate();
    throw new FaceError(ready.error.code, ready.error.message);
  }
  return new WorkerChannel(worker, ready.calibration);
}

/** One worker thread and its in-flight requests. */
class WorkerChannel {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: never) => void; reject: (e: FaceError) => void }>();
  private closed: FaceError | null = null;

  constructor(
    private readonly worker: Worker,
    readonly calibration: Calibration,
  ) {
    worker.on('message', (m: FaceResponse) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.value as never);
      else p.reject(new FaceError(m.error.code, m.error.message, m.error.quality));
    });
    const fail = (reason: string) => {
      this.closed ??= new FaceError('Error.EngineClosed', reason);
      for (const p of this.pending.values()) p.reject(new FaceError('Error.InternalError', reason));
      this.pending.clear();
    };
    worker.on('error', (e) => fail(`The face worker crashed: ${e.message}`));
    worker.on('exit', (code) => fail(`The face worker exited (code ${code}).`));
  }

  get load(): number {
    return this.closed ? Infinity : this.pending.size;
  }

  request<T>(message: FaceRequestBody): Promise<T> {
    if (this.closed) return Promise.reject(this.closed);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: never) => void, reject });
      this.worker.postMessage({ ...message, id });
    });
  }

  async close(): Promise<void> {
    this.closed ??= new FaceError('Error.EngineClosed', 'The face engine was closed.');
    await this.worker.terminate();
  }
}

/** Spreads requests over the workers; a compare embeds source and target on two workers at once. */
class FaceWorkerPool implements FaceEngineApi {
  readonly calibration: Calibration;

  constructor(private readonly channels: WorkerChannel[]) {
    this.calibration = channels[0]!.calibration;
  }

  /** The least busy workers first (a crashed worker sorts last and answers with its error). */
  private pick(n: number): WorkerChannel[] {
    const sorted = [...this.channels].sort((a, b) => a.load - b.load);
    return Array.from({ length: n }, (_, i) => sorted[i % sorted.length]!);
  }

  embed(image: Uint8Array, type: ImageType = 'FacePic'): Promise<FaceEmbedding> {
    return this.pick(1)[0]!.request({ op: 'embed', image, type });
  }

  async compare(source: Uint8Array, target: Uint8Array, options: CompareOptions = {}): Promise<CompareResult> {
    const sourceType = options.sourceType ?? 'FacePic';
    const targetType = options.targetType ?? 'FacePic';
    checkImageTypes(sourceType, targetType);
    const [a, b] = this.pick(2);
    const [ea, eb] = await Promise.allSettled([
      a!.request<FaceEmbedding>({ op: 'embed', image: source, type: sourceType }),
      b!.request<FaceEmbedding>({ op: 'embed', image: target, type: targetType }),
    ]);
    // Report the source's problem first, as the engine does when it runs the two in order.
    if (ea.status === 'rejected') throw ea.reason;
    if (eb.status === 'rejected') throw eb.reason;
    return compareEmbeddings(ea.value, eb.value, this.calibration);
  }

  detectAttributes(image: Uint8Array, maxFaces = 1): Promise<DetectFaceAttributesResult> {
    return this.pick(1)[0]!.request({ op: 'detectAttributes', image, maxFaces });
  }

  async close(): Promise<void> {
    await Promise.all(this.channels.map((c) => c.close()));
  }
}
