import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Landmarks } from '../align';
import { makeChipMimic } from '../chip-mimic';
import type { FaceDetector } from '../detector';
import { decodeImage } from '../image/decode';
import type { RgbImage } from '../../imaging/rgb';
import type { FixturePhoto } from './fixtures';

/** One face ready for embedding: the picture and the alignment landmarks found in it. */
export interface PreparedFace {
  image: RgbImage;
  landmarks: Landmarks;
  pose: { pitch: number; yaw: number; roll: number };
}

/** Every view of one fixture photo the protocol uses; null where no face was found. */
export interface PreparedPhoto {
  photo: FixturePhoto;
  full: PreparedFace | null;
  chip: PreparedFace | null;
  /** The chip mimic upscaled 2x (lanczos) before detection and alignment. */
  chip2x: PreparedFace | null;
  chipBytes: number;
}

export async function upscale(image: RgbImage, factor: number): Promise<RgbImage> {
  const { data, info } = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(image.width * factor, image.height * factor, { kernel: 'lanczos3' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

async function largest(detector: FaceDetector, image: RgbImage): Promise<PreparedFace | null> {
  const faces = await detector.detect(image);
  return faces[0] ? { image, landmarks: faces[0].landmarks, pose: faces[0].pose } : null;
}

export async function preparePhoto(detector: FaceDetector, fixturesDir: string, photo: FixturePhoto): Promise<PreparedPhoto> {
  const image = await decodeImage(await readFile(join(fixturesDir, photo.file)));
  const faces = await detector.detect(image);
  const face = faces[0];
  if (!face) return { photo, full: null, chip: null, chip2x: null, chipBytes: 0 };
  const chipJpeg = await makeChipMimic(image, face.box);
  const chipImage = await decodeImage(chipJpeg);
  return {
    photo,
    full: { image, landmarks: face.landmarks, pose: face.pose },
    chip: await largest(detector, chipImage),
    chip2x: await largest(detector, await upscale(chipImage, 2)),
    chipBytes: chipJpeg.length,
  };
}
