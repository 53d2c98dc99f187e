import sharp from 'sharp';
import type { RgbImage } from '../imaging/rgb';

/** Size of the photo stored on a Chinese resident ID card chip. */
export const CHIP_WIDTH = 102;
export const CHIP_HEIGHT = 126;

export interface ChipMimicOptions {
  /** Face box width as a fraction of the chip width (fixtures README: about 55%). */
  faceFraction?: number;
  /** Where the face box centre sits, as a fraction of the chip height from the top. */
  faceCentreY?: number;
  /** JPEG quality; chip photos are about 1 KB. */
  quality?: number;
}

/**
 * Imitate an ID-card chip photo from a full-size photo and its face box: head-and-shoulders crop,
 * 102x126, low-quality JPEG. Areas outside the photo repeat its edge pixels.
 */
export async function makeChipMimic(
  image: RgbImage,
  face: { x: number; y: number; width: number; height: number },
  options: ChipMimicOptions = {},
): Promise<Buffer> {
  const faceFraction = options.faceFraction ?? 0.55;
  const centreY = options.faceCentreY ?? 0.45;
  const cropW = face.width / faceFraction;
  const cropH = (cropW * CHIP_HEIGHT) / CHIP_WIDTH;
  const left = Math.round(face.x + face.width / 2 - cropW / 2);
  const top = Math.round(face.y + face.height / 2 - centreY * cropH);
  const w = Math.round(cropW), h = Math.round(cropH);
  const pad = {
    left: Math.max(0, -left),
    top: Math.max(0, -top),
    right: Math.max(0, left + w - image.width),
    bottom: Math.max(0, top + h - image.height),
  };
  const raw = { raw: { width: image.width, height: image.height, channels: 3 as const } };
  const padded = await sharp(image.data, raw).extend({ ...pad, extendWith: 'copy' }).raw().toBuffer({ resolveWithObject: true });
  return sharp(padded.data, { raw: { width: padded.info.width, height: padded.info.height, channels: 3 } })
    .extract({ left: left + pad.left, top: top + pad.top, width: w, height: h })
    .resize(CHIP_WIDTH, CHIP_HEIGHT, { fit: 'fill', kernel: 'lanczos3' })
    .jpeg({ quality: options.quality ?? 25, chromaSubsampling: '4:2:0' })
    .toBuffer();
}
