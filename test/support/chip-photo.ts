import { join } from 'node:path';
import sharp from 'sharp';
import { encodeBmp24 } from '../../imaging/bmp';
import { repoRoot } from './test-kiosk';

export type Region = { left: number; top: number; width: number; height: number };

/** Head regions measured by eye on the fixtures (pixels of the original photos). */
export const VLADO1_HEAD: Region = { left: 380, top: 20, width: 180, height: 222 };
export const VLADO_AT_KIOSK: Region = { left: 300, top: 0, width: 640, height: 360 };

/** A 102×126 chip-photo BMP cut around the head, the shape a WLT decoder hands out. */
export async function chipPhotoFrom(image: string, region: Region): Promise<Buffer> {
  const { data, info } = await sharp(join(repoRoot, image)).extract(region).resize(102, 126).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return encodeBmp24({ width: info.width, height: info.height, data });
}
