import sharp from 'sharp';
import type { CaptureSettings } from '../../../contract';
import { CROP_MARGIN } from '../../../capture/crop';
import { decodeBmp, isBmp } from '../../../imaging/bmp';
import { MAX_IMAGE_PIXELS } from '../../../imaging/limits';
import type { ChipPhoto } from '../reader/types';

/**
 * The smallest camera frame width the kiosk supports. With it, the capture gate's smallest face
 * (minFaceRatio of the width) cropped with the page's margin (capture/crop.ts) gives the smallest
 * live frame an honest capture can produce.
 */
export const MIN_CAMERA_WIDTH = 640;
/** Room for the crop being clamped at the frame edge and the detector's box being tight. */
const SIZE_SLACK = 0.8;
/**
 * Normalised correlation of the two pictures' grey thumbnails at which the "live" frame is taken
 * for the chip photo itself (re-encoded, rescaled or mirrored). Measured on the fixtures: the chip
 * photo against its own JPEG re-encodes and rescales 0.99+, against real captures of the same
 * person well under 0.8 (test/main/services/verify/frame-checks.test.ts).
 */
export const NEAR_IDENTICAL = 0.95;
const THUMB_W = 24;
const THUMB_H = 30;

export type FrameVerdict =
  | { ok: true; width: number; height: number }
  | { ok: false; reason: 'image-invalid' | 'liveness-failed'; why: string };

/** Smallest side, in pixels, that the page's crop of a gate-passing face can have. */
export function minLiveSide(settings: Pick<CaptureSettings, 'minFaceRatio'>): number {
  return Math.floor(settings.minFaceRatio * MIN_CAMERA_WIDTH * (1 + 2 * CROP_MARGIN) * SIZE_SLACK);
}

function isJpeg(bytes: Uint8Array): boolean {
  return bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}

async function greyThumb(input: sharp.Sharp): Promise<Float64Array> {
  const data = await input.resize(THUMB_W, THUMB_H, { fit: 'fill' }).greyscale().raw().toBuffer();
  return Float64Array.from(data.subarray(0, THUMB_W * THUMB_H));
}

function chipInput(chip: ChipPhoto): sharp.Sharp {
  if (isBmp(chip.bytes)) {
    const image = decodeBmp(chip.bytes);
    return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } });
  }
  return sharp(chip.bytes, { failOn: 'error', limitInputPixels: MAX_IMAGE_PIXELS });
}

/** Pearson correlation of two equally long sample vectors; 0 when either is flat. */
export function correlation(a: Float64Array, b: Float64Array): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) (ma += a[i]!), (mb += b[i]!);
  ma /= n;
  mb /= n;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i]! - ma;
    const db = b[i]! - mb;
    ab += da * db;
    aa += da * da;
    bb += db * db;
  }
  return aa === 0 || bb === 0 ? 0 : ab / Math.sqrt(aa * bb);
}

function mirrored(thumb: Float64Array): Float64Array {
  const out = new Float64Array(thumb.length);
  for (let y = 0; y < THUMB_H; y++) for (let x = 0; x < THUMB_W; x++) out[y * THUMB_W + x] = thumb[y * THUMB_W + THUMB_W - 1 - x]!;
  return out;
}

/** How alike the live frame and the chip photo are as pictures (not as faces), in [-1, 1]. */
export async function pictureSimilarity(live: Buffer, chip: ChipPhoto): Promise<number> {
  const [a, b] = await Promise.all([greyThumb(sharp(live, { failOn: 'error', limitInputPixels: MAX_IMAGE_PIXELS })), greyThumb(chipInput(chip))]);
  return Math.max(correlation(a, b), correlation(mirrored(a), b));
}

/**
 * What main can check about the live frame itself, in Node, whatever the provider: it is a JPEG
 * within the pixel limit, at least as large as an honest capture through the gate makes it, and
 * not the card's own chip photo handed back as the live face. (The Node face engine has no
 * antispoof or liveness model, so the page's passive scores cannot be re-measured here.)
 */
export async function checkLiveFrame(
  live: Buffer, chip: ChipPhoto | null, settings: Pick<CaptureSettings, 'minFaceRatio'>,
): Promise<FrameVerdict> {
  if (!isJpeg(live)) return { ok: false, reason: 'image-invalid', why: 'the live frame is not JPEG bytes' };
  let width: number;
  let height: number;
  try {
    const meta = await sharp(live, { failOn: 'error', limitInputPixels: MAX_IMAGE_PIXELS }).metadata();
    if (meta.format !== 'jpeg' || !meta.width || !meta.height) throw new Error(`format ${meta.format ?? 'unknown'}`);
    if (meta.width * meta.height > MAX_IMAGE_PIXELS) throw new Error(`${meta.width}x${meta.height} is over the pixel limit`);
    ({ width, height } = meta);
  } catch (error) {
    return { ok: false, reason: 'image-invalid', why: `the live frame could not be read (${(error as Error).message})` };
  }
  const least = minLiveSide(settings);
  if (Math.min(width, height) < least) {
    return { ok: false, reason: 'liveness-failed', why: `the live frame is ${width}x${height}, smaller than a capture through the gate (${least} px) can be` };
  }
  if (chip) {
    try {
      const similarity = await pictureSimilarity(live, chip);
      if (similarity >= NEAR_IDENTICAL) {
        return { ok: false, reason: 'liveness-failed', why: `the live frame is the chip photo itself (picture correlation ${similarity.toFixed(3)})` };
      }
    } catch (error) {
      return { ok: false, reason: 'image-invalid', why: `the live frame could not be decoded (${(error as Error).message})` };
    }
  }
  return { ok: true, width, height };
}
