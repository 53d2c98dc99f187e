import type { Human, Result } from '@vladmandic/human';
import type { CaptureSettings } from '../../../contract';
import { backendCandidates, type BrowserBackend, type GraphicsProbe } from '../../../capture/backend';
import { CAPTURE_MODELS, captureHumanConfig } from './human-config';

export type FaceEngineErrorCode = 'no-backend' | 'models-missing';

export class LiveDetectorError extends Error {
  constructor(readonly code: FaceEngineErrorCode, message: string) {
    super(message);
    this.name = 'LiveDetectorError';
  }
}

export interface LiveDetector {
  readonly backend: BrowserBackend;
  readonly human: Human;
  /** Detect on a frame already copied into a canvas. */
  detect(frame: HTMLCanvasElement): Promise<Result>;
}

/** The slice of tfjs (bundled inside Human, typed `any` there) that the engine uses. */
interface TfPixels {
  browser: { fromPixels(pixels: HTMLCanvasElement): unknown };
  dispose(tensor: unknown): void;
}

/**
 * Human copies a canvas or video input through three canvases of its own before making a
 * tensor; the loop already holds the frame in a canvas, so it hands Human the tensor directly.
 */
function detectFromCanvas(human: Human, frame: HTMLCanvasElement): Promise<Result> {
  const tf = human.tf as TfPixels;
  const tensor = tf.browser.fromPixels(frame);
  return human.detect(tensor as Parameters<Human['detect']>[0]).finally(() => tf.dispose(tensor));
}

interface NavigatorGpu {
  gpu?: { requestAdapter(): Promise<unknown> };
}

/** What graphics this browser really has: a WebGPU adapter, and the WebGL renderer's name. */
export async function probeGraphics(): Promise<GraphicsProbe> {
  let webgpuAdapter = false;
  try {
    webgpuAdapter = Boolean(await (navigator as Navigator & NavigatorGpu).gpu?.requestAdapter());
  } catch {
    webgpuAdapter = false;
  }
  let webglRenderer: string | null = null;
  const canvas = document.createElement('canvas');
  const gl = (canvas.getContext('webgl2') ?? canvas.getContext('webgl')) as WebGLRenderingContext | null;
  if (gl) {
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    webglRenderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER) ?? '');
    gl.getExtension('WEBGL_lose_context')?.loseContext();
  }
  return { webgpuAdapter, webglRenderer };
}

/** Names of configured models that did not load; loaded() is not trusted here (it lists failures too). */
export function missingModels(human: Human): string[] {
  const stats = human.models.stats().modelStats;
  return CAPTURE_MODELS.filter((name) => !stats.some((m) => m.name === name && m.loaded && m.sizeLoadedWeights > 0));
}

async function tryBackend(backend: BrowserBackend, assetsBase: string): Promise<LiveDetector> {
  const { Human } = await import('@vladmandic/human');
  const human = new Human({ ...captureHumanConfig(backend, assetsBase), cacheModels: false });
  await human.load();
  const active = human.tf.getBackend();
  if (active !== backend) throw new LiveDetectorError('no-backend', `backend ${backend} did not start (tfjs is on ${active || 'none'})`);
  const missing = missingModels(human);
  if (missing.length) {
    throw new LiveDetectorError('models-missing', `face models failed to load: ${missing.join(', ')} (from ${new URL('human/models/', assetsBase).href})`);
  }
  // One real inference proves the backend compiles and runs the models, not just that it initialised.
  const probe = document.createElement('canvas');
  probe.width = 64;
  probe.height = 64;
  const warm = await detectFromCanvas(human, probe);
  if (warm.error) throw new LiveDetectorError('no-backend', `backend ${backend} failed its first inference: ${warm.error}`);
  return { backend, human, detect: (frame) => detectFromCanvas(human, frame) };
}

let loading: { key: string; engine: Promise<LiveDetector> } | null = null;

/**
 * Human on the best backend this machine really has (webgpu, then hardware webgl, then wasm),
 * models and wasm binaries from the app's own origin. Loaded once per page and reused.
 */
export function loadLiveDetector(preferred: CaptureSettings['preferredBackend'], assetsBase = location.href): Promise<LiveDetector> {
  const key = `${preferred}|${assetsBase}`;
  if (loading?.key === key) return loading.engine;
  const engine = (async () => {
    const candidates = backendCandidates(preferred, await probeGraphics());
    const failures: string[] = [];
    for (const backend of candidates) {
      try {
        return await tryBackend(backend, assetsBase);
      } catch (error) {
        // Missing models are missing on every backend: no point trying the next one.
        if (error instanceof LiveDetectorError && error.code === 'models-missing') throw error;
        failures.push(`${backend}: ${(error as Error).message}`);
      }
    }
    throw new LiveDetectorError('no-backend', `no face backend could start (${failures.join('; ')})`);
  })();
  loading = { key, engine };
  // A failed load may be retried by the next capture (e.g. after the models were restored).
  engine.catch(() => {
    if (loading?.engine === engine) loading = null;
  });
  return engine;
}
