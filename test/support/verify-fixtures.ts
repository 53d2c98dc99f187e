import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { encodeBmp24 } from '../../imaging/bmp';
import { repoRoot } from './test-kiosk';
import { y4mFromImage } from './y4m';

// What the end-to-end verification tests show the kiosk: fake-camera videos and chip photos cut
// from the face fixtures, and a capture policy that runs passive-only (docs/liveness.md).

export const passiveOnly = { activeChallenges: [], antispoofMin: 0, livenessMin: 0, captureTimeoutMs: 30_000 };

export type Region = { left: number; top: number; width: number; height: number };

/** A fake camera showing `image` framed like a person at the kiosk (the region around the head, scaled to 640×360). */
export async function cameraFrom(image: string, region: Region): Promise<string> {
  const file = join(mkdtempSync(join(tmpdir(), 'rz-verify-')), 'camera.y4m');
  const framed = await sharp(join(repoRoot, image)).extract(region).resize(640, 360).toBuffer();
  await y4mFromImage(file, framed, { width: 640, height: 360, frames: 10 });
  return file;
}

/** A 102×126 chip-photo BMP cut around the head, the shape a WLT decoder hands out. */
export async function chipPhotoFrom(image: string, region: Region): Promise<Buffer> {
  const { data, info } = await sharp(join(repoRoot, image)).extract(region).resize(102, 126).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return encodeBmp24({ width: info.width, height: info.height, data });
}

// Head regions measured by eye on the fixtures (pixels of the original photos).
export const VLADO1_HEAD: Region = { left: 380, top: 20, width: 180, height: 222 };
export const VLADO_AT_KIOSK: Region = { left: 300, top: 0, width: 640, height: 360 };
export const LINDA_AT_KIOSK: Region = { left: 220, top: 100, width: 680, height: 382 };
