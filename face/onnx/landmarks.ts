import type { InferenceSession } from 'onnxruntime-node';
import { stretchToCrop, type FivePoints, type Point } from '../align';
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
    // A non-uniform scale is not a similarity: the box is stretched to the square input, x and y apart.
    const crop = stretchToCrop(image, r, size);
    const out = await this.session.run({ [this.session.inputNames[0]!]: toInputTensor([crop], this.manifest) });
    const v = out[this.session.outputNames[0]!]!.data as Float32Array;
    return Array.from({ length: 5 }, (_, k): Point => [r.x + v[2 * k]! * r.width, r.y + v[2 * k + 1]! * r.height]) as unknown as FivePoints;
  }
}
