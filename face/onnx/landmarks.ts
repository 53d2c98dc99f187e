import type { InferenceSession } from 'onnxruntime-node';
import { warpToCrop, type FivePoints, type Point } from '../align';
import type { RgbImage } from '../../imaging/rgb';
import type { ModelManifest } from './manifest';
import { toInputTensor } from './session';

/**
 * Intel landmarks-regression-retail-0009: five points (image-left eye, image-right eye, nose tip, image-left
 * and image-right mouth corner) as fractions of a face crop stretched to 48x48. Open Model Zoo's demos feed it
 * the detector's box enlarged by 1.15, which is what `expand` does here.
 */
export class LandmarkRegressor {
  constructor(
    private readonly manifest: ModelManifest,
    private readonly session: InferenceSession,
    private readonly expand = 1.15,
  ) {}

  /** The crop box: the detector's box scaled about its centre. */
  region(box: { x: number; y: number; width: number; height: number }) {
    const cx = box.x + box.width / 2, cy = box.y + box.height / 2;
    const w = box.width * this.expand, h = box.height * this.expand;
    return { x: cx - w / 2, y: cy - h / 2, width: w, height: h };
  }

  async points(image: RgbImage, box: { x: number; y: number; width: number; height: number }): Promise<FivePoints> {
    const size = this.manifest.input.size;
    const r = this.region(box);
    // A non-uniform scale is not a similarity, so the crop is warped axis by axis: sample with x and y scales apart.
    const crop = stretch(image, r, size);
    const out = await this.session.run({ [this.session.inputNames[0]!]: toInputTensor([crop], this.manifest) });
    const v = out[this.session.outputNames[0]!]!.data as Float32Array;
    return Array.from({ length: 5 }, (_, k): Point => [r.x + v[2 * k]! * r.width, r.y + v[2 * k + 1]! * r.height]) as unknown as FivePoints;
  }
}

/** Crop of `region` stretched to size×size (HWC float RGB): bilinear, averaged over each pixel's footprint when shrinking. */
function stretch(image: RgbImage, region: { x: number; y: number; width: number; height: number }, size: number): Float32Array {
  // Scale x to fit, then resample the rows: two similarity warps would blur twice, so do it directly.
  const sx = size / region.width, sy = size / region.height;
  if (Math.abs(sx - sy) < 1e-6) return warpToCrop(image, { a: sx, b: 0, tx: -region.x * sx, ty: -region.y * sy }, size);
  const out = new Float32Array(size * size * 3);
  const { width: w, height: h, data } = image;
  const kx = Math.min(8, Math.max(1, Math.ceil(1 / sx - 1e-6))), ky = Math.min(8, Math.max(1, Math.ceil(1 / sy - 1e-6)));
  const weight = 1 / (kx * ky);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const o = (y * size + x) * 3;
      for (let j = 0; j < ky; j++) {
        const fy = Math.min(Math.max(region.y + (y + (j + 0.5) / ky) / sy - 0.5, 0), h - 1);
        const y0 = Math.floor(fy), y1 = Math.min(y0 + 1, h - 1), dy = fy - y0;
        for (let i = 0; i < kx; i++) {
          const fx = Math.min(Math.max(region.x + (x + (i + 0.5) / kx) / sx - 0.5, 0), w - 1);
          const x0 = Math.floor(fx), x1 = Math.min(x0 + 1, w - 1), dx = fx - x0;
          for (let c = 0; c < 3; c++) {
            const top = data[(y0 * w + x0) * 3 + c]! * (1 - dx) + data[(y0 * w + x1) * 3 + c]! * dx;
            const bottom = data[(y1 * w + x0) * 3 + c]! * (1 - dx) + data[(y1 * w + x1) * 3 + c]! * dx;
            out[o + c]! += (top * (1 - dy) + bottom * dy) * weight;
          }
        }
      }
    }
  }
  return out;
}
