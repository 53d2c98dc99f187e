import { BmpError, decodeBmp as decodeBmpBytes, encodeBmp24, isBmp } from '../../imaging/bmp';
import { FaceError } from '../errors';
import type { RgbImage } from '../../imaging/rgb';

// sharp (libvips) cannot read BMP, and ID-card WLT decoders hand out 24-bit BMPs. The codec is the
// imaging leaf's (imaging/bmp.ts); here its errors become the image-format error CompareFaces defines.

export { encodeBmp24, isBmp };

export function decodeBmp(bytes: Uint8Array): RgbImage {
  try {
    return decodeBmpBytes(bytes);
  } catch (error) {
    if (error instanceof BmpError) throw new FaceError('InvalidParam.ImageValuePatternError', `Not a readable BMP: ${error.message}.`);
    throw error;
  }
}
