import { alignTo, dlibTemplate, warpToCrop, type Landmarks } from './align';
import { toGray } from '../imaging/metrics';
import type { RgbImage } from '../imaging/rgb';

/** DetectFaceAttributes' Glasses values (developer guide §2.4.6): none, ordinary glasses, sunglasses. */
export type Glasses = 'None' | 'Wear' | 'Sunglass';

/**
 * Edge and brightness measures of the eye band of a face, taken on a 64x64 grey crop aligned on the eye
 * centres (dlib mean face, eyes at about (20, 20) and (43, 20), 23 px apart). Gradients are divided by the
 * mean gradient of the lower face so the numbers do not depend on contrast or exposure.
 */
export interface GlassesFeatures {
  /** Horizontal edges between the eyes: a frame's bridge crosses the nose there, bare skin is smooth. */
  bridge: number;
  /** Horizontal edges just under each eye: the lower rims of a frame. */
  rims: number;
  /** Mean brightness of the eyes over that of the cheeks: dark lenses hide the whites of the eyes. */
  eyeBrightness: number;
}

const SIDE = 64;
const TEMPLATE = dlibTemplate(SIDE, 0.25);

export function glassesFeatures(image: RgbImage, landmarks: Landmarks): GlassesFeatures {
  const grey = toGray(warpToCrop(image, alignTo(landmarks.centres, TEMPLATE), SIDE), SIDE, SIDE, 3);
  const at = (x: number, y: number) => grey[y * SIDE + x]!;
  const dy = (x: number, y: number) => Math.abs(at(x, y + 1) - at(x, y - 1));
  const dx = (x: number, y: number) => Math.abs(at(x + 1, y) - at(x - 1, y));
  const mean = (x0: number, x1: number, y0: number, y1: number, f: (x: number, y: number) => number) => {
    let sum = 0;
    for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) sum += f(x, y);
    return sum / ((x1 - x0 + 1) * (y1 - y0 + 1));
  };
  const texture = mean(10, 54, 26, 50, (x, y) => dx(x, y) + dy(x, y)) || 1;
  const cheeks = (mean(14, 26, 31, 38, at) + mean(37, 49, 31, 38, at)) / 2 || 1;
  return {
    bridge: mean(29, 34, 15, 22, dy) / texture,
    rims: (mean(14, 26, 25, 29, dy) + mean(37, 49, 25, 29, dy)) / 2 / texture,
    eyeBrightness: (mean(16, 24, 17, 23, at) + mean(39, 47, 17, 23, at)) / 2 / cheeks,
  };
}

/**
 * Frame edges (bridge + lower rims) at or above this mean glasses. Set between the two classes of the
 * labelled fixture faces (`npm run bench -- glasses`): with glasses 1.41–2.59, without 0.29–1.26.
 */
export const FRAME_EDGES_MIN = 1.34;
/** Eyes darker than this fraction of the cheeks, behind a frame, are taken as dark lenses. */
export const DARK_LENS_MAX = 0.35;

export function classifyGlasses(f: GlassesFeatures): Glasses {
  if (f.bridge + f.rims < FRAME_EDGES_MIN) return 'None';
  return f.eyeBrightness <= DARK_LENS_MAX ? 'Sunglass' : 'Wear';
}
