import sharp from 'sharp';
import { FaceError } from '../errors';
import { decodeBmp, isBmp } from './bmp';
import type { RgbImage } from '../../imaging/rgb';

/** Largest side we keep; bigger photos are shrunk first (detection does not need more, and memory stays bounded). */
export const MAX_SIDE = 1920;
/** Larger inputs are refused before decoding: a phone photo is ~12-50 MP, and decoding more risks the worker's memory. */
export const MAX_INPUT_PIXELS = 50_000_000;

/** Decode JPEG, PNG, WebP or BMP bytes into RGB, honouring EXIF orientation. */
export async function decodeImage(bytes: Uint8Array): Promise<RgbImage> {
  if (bytes.length === 0) throw new FaceError('InvalidParam.ImageValuePatternError', 'The image is empty (0 bytes).');
  if (isBmp(bytes)) return shrink(decodeBmp(bytes));
  try {
    const { data, info } = await sharp(bytes, { failOn: 'error', limitInputPixels: MAX_INPUT_PIXELS })
      .rotate()
      .resize({ width: MAX_SIDE, height: MAX_SIDE, fit: 'inside', withoutEnlargement: true })
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`expected 3 channels, got ${info.channels}`);
    return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/pixel limit/i.test(message)) {
      const { width = 0, height = 0 } = await sharp(bytes).metadata().catch(() => ({ width: 0, height: 0 }));
      throw new FaceError(
        'InvalidParam.ImageValuePatternError',
        `The image is too large (${width}x${height} pixels, more than ${MAX_INPUT_PIXELS / 1e6} megapixels); send a smaller photo.`,
      );
    }
    throw new FaceError('InvalidParam.ImageValuePatternError', `The image could not be decoded (${message}); send a JPEG, PNG or 24-bit BMP.`);
  }
}

async function shrink(image: RgbImage): Promise<RgbImage> {
  if (Math.max(image.width, image.height) <= MAX_SIDE) return image;
  const { data, info } = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize({ width: MAX_SIDE, height: MAX_SIDE, fit: 'inside' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}
