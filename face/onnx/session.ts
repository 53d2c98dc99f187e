import { createRequire } from 'node:module';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { FaceError } from '../errors';
import { readModelFile, type ModelManifest } from './manifest';
import { convertIrToOnnx } from './openvino-ir';

// onnxruntime-node is CommonJS with a native binding; loaded lazily so modules that only score embeddings
// (the CLI's batch mode, the provider) never load it.
const requireCjs = createRequire(import.meta.url);
type Ort = typeof import('onnxruntime-node');
let ort: Ort | null = null;
export function loadOrt(): Ort {
  if (ort) return ort;
  try {
    ort = requireCjs('onnxruntime-node') as Ort;
  } catch (error) {
    throw new FaceError('Error.ModelMissing', `onnxruntime-node could not be loaded (${(error as Error).message}); run npm install.`);
  }
  return ort;
}

/** The ONNX bytes of a manifest's model: read as is, or converted from Intel's IR (checked files either way). */
export function modelBytes(manifest: ModelManifest, batch: number | 'dynamic' = 'dynamic'): Uint8Array {
  const model = readModelFile(manifest, manifest.files.model);
  if (manifest.format === 'onnx') return model;
  const weights = readModelFile(manifest, manifest.files.weights!);
  return convertIrToOnnx(new TextDecoder().decode(model), weights, manifest.id, { batch }).onnx;
}

/** A session on one thread: the engine runs one worker per core, so more threads per session only contend. */
export async function createSession(manifest: ModelManifest, threads = 1): Promise<InferenceSession> {
  const { InferenceSession } = loadOrt();
  return InferenceSession.create(modelBytes(manifest), {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    executionProviders: ['cpu'],
  });
}

/**
 * HWC float RGB crops (0..255) → one NCHW batch in the manifest's colour order and normalisation.
 */
export function toInputTensor(crops: readonly Float32Array[], manifest: ModelManifest): Tensor {
  const { Tensor } = loadOrt();
  const { size, colour, mean, std } = manifest.input;
  const plane = size * size;
  const data = new Float32Array(crops.length * 3 * plane);
  const order = colour === 'BGR' ? [2, 1, 0] : [0, 1, 2];
  crops.forEach((crop, n) => {
    if (crop.length !== plane * 3) throw new Error(`${manifest.id}: a crop holds ${crop.length} values, expected ${plane * 3}`);
    for (let c = 0; c < 3; c++) {
      const src = order[c]!;
      const base = (n * 3 + c) * plane;
      const m = mean[c]!, s = std[c]!;
      for (let i = 0; i < plane; i++) data[base + i] = (crop[i * 3 + src]! - m) / s;
    }
  });
  return new Tensor('float32', data, [crops.length, 3, size, size]);
}
