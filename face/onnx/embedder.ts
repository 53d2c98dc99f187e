import type { InferenceSession } from 'onnxruntime-node';
import { estimateSimilarity, jitter, warpToCrop, type FivePoints, type Point, type Similarity } from '../align';
import type { RgbImage } from '../../imaging/rgb';
import type { ModelManifest } from './manifest';
import { toInputTensor } from './session';

/** An embedding network driven by its manifest: aligned crops in, one L2-normalised vector per crop out. */
export class OnnxEmbedder {
  constructor(
    readonly manifest: ModelManifest,
    private readonly session: InferenceSession,
  ) {
    if (manifest.kind !== 'embedder' || !manifest.template || !manifest.output) throw new Error(`${manifest.id} is not an embedder manifest`);
    if (manifest.template.landmarks !== 'centres') {
      throw new Error(`${manifest.id}: the ONNX pipeline finds eye centres, nose tip and mouth corners; a template on '${manifest.template.landmarks}' cannot be used.`);
    }
  }

  get id(): string {
    return this.manifest.id;
  }

  /** Similarity transform from source pixels to this model's crop (five points onto its template). */
  alignment(points: FivePoints): Similarity {
    const size = this.manifest.input.size;
    return estimateSimilarity(points, this.manifest.template!.points.map(([x, y]): Point => [x * size, y * size]));
  }

  /** The aligned crop (HWC float RGB), zoomed by `scale` about its centre and mirrored when asked. */
  crop(image: RgbImage, points: FivePoints, mirror = false, scale = 1): Float32Array {
    const size = this.manifest.input.size;
    const t = this.alignment(points);
    return warpToCrop(image, scale === 1 ? t : jitter(t, size, { dx: 0, dy: 0, scale, angle: 0 }), size, mirror);
  }

  async embedCrops(crops: readonly Float32Array[]): Promise<Float32Array[]> {
    const input = toInputTensor(crops, this.manifest);
    const result = await this.session.run({ [this.session.inputNames[0]!]: input });
    const flat = result[this.session.outputNames[0]!]!.data as Float32Array;
    const dims = flat.length / crops.length;
    if (dims !== this.manifest.output!.dims) throw new Error(`${this.id} returned ${dims} values per face; its manifest says ${this.manifest.output!.dims}.`);
    return crops.map((_, i) => normalise(flat.slice(i * dims, (i + 1) * dims)));
  }
}

export function normalise(v: Float32Array): Float32Array {
  let n = 0;
  for (const x of v) n += x * x;
  n = Math.sqrt(n) || 1;
  return v.map((x) => x / n);
}

/** Mean of unit vectors, renormalised (flip test-time augmentation: a face and its mirror image). */
export function meanDirection(vectors: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(vectors[0]!.length);
  for (const v of vectors) for (let i = 0; i < v.length; i++) out[i]! += v[i]!;
  return normalise(out);
}
