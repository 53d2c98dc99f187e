import sharp from 'sharp';
import { decodeBmp, isBmp } from './bmp';
import { MAX_IMAGE_PIXELS } from './limits';
import { bestWindowCorrelation, correlation, mirrored, type Grey } from './picture-match';

/**
 * Node only (sharp): what the kiosk's main process and the service's H5 endpoint can check about a
 * live frame themselves, whatever the page claims. The smallest honest size comes from the capture
 * policy (capture/crop.ts minLiveSide); the reference is the chip photo or an enrolled one.
 */

/** A reference picture: chip photo BMP, or any JPEG/PNG. */
export interface ReferencePicture {
  bytes: Buffer;
}

/**
 * Picture correlation (see pictureSimilarity) at which the "live" frame is taken for the chip photo
 * itself. Measured on the fixtures (chip cut from person-vlado1): the chip re-encoded, rescaled,
 * mirrored or re-lit 0.99–1.00, padded onto a background 0.96; real captures of the same person
 * from another photo 0.39–0.52, other people ≤ 0.53. Not caught: the chip cropped (0.63), or
 * padded and blurred and noised together (0.948). Frames cut from the very photo the chip was made
 * from score 0.95–1.00 and are refused, rightly: a live camera never reproduces the chip's pixels.
 */
export const NEAR_IDENTICAL = 0.95;
const THUMB_W = 24;
const THUMB_H = 30;

export type FrameVerdict =
  | { ok: true; width: number; height: number }
  | { ok: false; reason: 'image-invalid' | 'liveness-failed'; why: string };

function isJpeg(bytes: Uint8Array): boolean {
  return bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}

async function greyThumb(input: sharp.Sharp): Promise<Float64Array> {
  const data = await input.resize(THUMB_W, THUMB_H, { fit: 'fill' }).greyscale().raw().toBuffer();
  return Float64Array.from(data.subarray(0, THUMB_W * THUMB_H));
}

function chipInput(chip: ReferencePicture): sharp.Sharp {
  if (isBmp(chip.bytes)) {
    const image = decodeBmp(chip.bytes);
    return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } });
  }
  return sharp(chip.bytes, { failOn: 'error', limitInputPixels: MAX_IMAGE_PIXELS });
}

/** Width the live frame is scaled to for the search; the chip is searched at widths from a third of it up. */
const SEARCH_W = 48;
const SEARCH_MIN_TEMPLATE_W = 16;
const SEARCH_STEP = 4;

async function grey(input: sharp.Sharp, width: number, height?: number): Promise<Grey> {
  const { data, info } = await input.resize(width, height, { fit: height ? 'fill' : 'inside' }).greyscale().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: Float64Array.from(data.subarray(0, info.width * info.height)) };
}

/**
 * How alike the live frame and the chip photo are as pictures (not as faces), in [-1, 1]: the
 * better of the two whole pictures compared (catches the chip rescaled to any shape) and the chip
 * searched over the live frame at several sizes and every position (catches it padded or placed
 * on a background), each also mirrored. Correlation ignores brightness and contrast changes.
 */
export async function pictureSimilarity(live: Buffer, chip: ReferencePicture): Promise<number> {
  const liveInput = () => sharp(live, { failOn: 'error', limitInputPixels: MAX_IMAGE_PIXELS });
  const [a, b] = await Promise.all([greyThumb(liveInput()), greyThumb(chipInput(chip))]);
  let best = Math.max(correlation(a, b), correlation(mirrored({ width: THUMB_W, height: THUMB_H, data: a }).data, b));
  const scene = await grey(liveInput(), SEARCH_W);
  const chipRatio = await chipAspect(chip);
  for (let w = SEARCH_MIN_TEMPLATE_W; w <= SEARCH_W; w += SEARCH_STEP) {
    const h = Math.round(w * chipRatio);
    if (h > scene.height) break;
    const template = await grey(chipInput(chip), w, h);
    best = Math.max(best, bestWindowCorrelation(scene, template), bestWindowCorrelation(scene, mirrored(template)));
  }
  return best;
}

async function chipAspect(chip: ReferencePicture): Promise<number> {
  const meta = await chipInput(chip).metadata();
  return meta.width && meta.height ? meta.height / meta.width : 126 / 102;
}

/**
 * What main can check about the live frame itself, in Node, whatever the provider: it is a JPEG
 * within the pixel limit, at least as large as an honest capture through the gate makes it, and
 * not the card's own chip photo handed back as the live face. (The Node face engine has no
 * antispoof or liveness model, so the page's passive scores cannot be re-measured here.)
 */
export async function checkLiveFrame(live: Buffer, chip: ReferencePicture | null, least: number): Promise<FrameVerdict> {
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
