import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CropView } from '../../face/calibration';
import { makeChipMimic } from '../../face/chip-mimic';
import type { FaceEngine } from '../../face/engine';
import { decodeImage } from '../../face/image/decode';
import type { RgbImage } from '../../imaging/rgb';
import type { OnnxPipeline } from '../../face/pipeline';
import { measureQuality, type QualityMeasures } from '../../face/quality';
import { readIdentities, type FaceSet, type FixturePhoto } from './fixtures';

// Collects what the accuracy bench scores: for every photo of a set, a chip mimic (102x126, ~1 KB JPEG, cut
// around the face YuNet finds in the photo) and the full-size photo, each embedded by every candidate.
// Results are cached as JSON per (set, candidate, code revision) in the cache folder.

/** Bump when collection changes in a way that makes cached vectors stale (each candidate has its own). */
const REVISION = 5;
/** The old engine embeds the chip mimics, which revision 5 changed (YuNet keeps its best weak face when it finds no confident one). */
const LEGACY_REVISION = 5;

/** Every crop the candidates are built from: both sets of points, three zooms, and the mirror image. */
export const COLLECTED_VIEWS: readonly CropView[] = (['detector', 'landmarks'] as const).flatMap((points) => [
  { points, scale: 1, mirror: false },
  { points, scale: 1, mirror: true },
  { points, scale: 0.94, mirror: false },
  { points, scale: 1.06, mirror: false },
]);

export function viewKey(v: CropView): string {
  return `${v.points}@${v.scale}${v.mirror ? '/mirror' : ''}`;
}

/** One view of a photo (the chip mimic or the full-size photo) as the ONNX candidates saw it. */
export interface OnnxView {
  /** 0095 vectors (256 numbers each) per COLLECTED_VIEWS key. */
  vectors: Record<string, number[]>;
  /** Quality measured on the detector's points, as the engine measures it (its eye distance also serves the chip-resolution protocol). */
  quality: QualityMeasures;
}

export interface OnnxPhoto {
  chip: OnnxView | null;
  full: OnnxView | null;
  /** The chip mimic, base64 JPEG: every other candidate embeds exactly these bytes. */
  chipJpeg: string | null;
}

export interface CollectedSet {
  set: string;
  photos: FixturePhoto[];
  onnx: OnnxPhoto[];
  /** Old engine (dlib + MobileFaceNet, v2 calibration members): fused vector per view, null where no face. */
  legacy: { chip: number[] | null; full: number[] | null }[] | null;
  ms: { onnxPerPhoto: number; legacyPerPhoto: number };
}

function toGrayRgb(image: RgbImage): RgbImage {
  const data = new Uint8Array(image.data.length);
  for (let i = 0; i < data.length; i += 3) {
    const y = Math.round(0.299 * image.data[i]! + 0.587 * image.data[i + 1]! + 0.114 * image.data[i + 2]!);
    data[i] = data[i + 1] = data[i + 2] = y;
  }
  return { ...image, data };
}

async function onnxView(pipeline: OnnxPipeline, image: RgbImage): Promise<OnnxView | null> {
  const face = (await pipeline.detect(image))[0];
  if (!face) return null;
  const e = pipeline.embedders[0]!;
  const crops = COLLECTED_VIEWS.map((v) => e.crop(image, v.points === 'detector' ? face.detectorPoints : face.points, v.mirror, v.scale));
  const vectors = await e.embedCrops(crops);
  return {
    vectors: Object.fromEntries(COLLECTED_VIEWS.map((v, i) => [viewKey(v), Array.from(vectors[i]!)])),
    quality: measureQuality(image, face.detectorPoints),
  };
}

async function loadPhoto(set: FaceSet, photo: FixturePhoto): Promise<RgbImage> {
  const image = await decodeImage(await readFile(join(set.dir, photo.file)));
  return set.gray ? toGrayRgb(image) : image;
}

export interface Collectors {
  pipeline: () => Promise<OnnxPipeline>;
  /** The old engine, or null to leave it out (it takes minutes on the large sets). */
  legacy: (() => Promise<FaceEngine>) | null;
}

export async function collectSet(set: FaceSet, collectors: Collectors, cacheDir: string, log: (s: string) => void): Promise<CollectedSet> {
  await mkdir(cacheDir, { recursive: true });
  const photos = await readIdentities(set.dir);
  const digest = (revision: number) => createHash('sha256').update(JSON.stringify({ REVISION: revision, set: set.name, gray: set.gray, files: photos })).digest('hex').slice(0, 12);
  const onnxPath = join(cacheDir, `v${REVISION}-${set.name}-onnx-${digest(REVISION)}.json`);
  const legacyPath = join(cacheDir, `v${LEGACY_REVISION}-${set.name}-legacy-${digest(LEGACY_REVISION)}.json`);

  let onnx: { photos: OnnxPhoto[]; ms: number };
  if (existsSync(onnxPath)) onnx = JSON.parse(await readFile(onnxPath, 'utf8'));
  else {
    const pipeline = await collectors.pipeline();
    const started = performance.now();
    const rows: OnnxPhoto[] = [];
    for (const [i, photo] of photos.entries()) {
      const image = await loadPhoto(set, photo);
      const face = (await pipeline.detect(image))[0];
      if (!face) {
        rows.push({ chip: null, full: null, chipJpeg: null });
        continue;
      }
      const chipJpeg = await makeChipMimic(image, face.box);
      const chip = await decodeImage(chipJpeg);
      rows.push({ chip: await onnxView(pipeline, chip), full: await onnxView(pipeline, image), chipJpeg: chipJpeg.toString('base64') });
      if ((i + 1) % 200 === 0) log(`${set.name}: ${i + 1}/${photos.length} photos (onnx)`);
    }
    onnx = { photos: rows, ms: (performance.now() - started) / photos.length };
    await writeFile(onnxPath, JSON.stringify(onnx));
  }

  let legacy: { photos: CollectedSet['legacy']; ms: number } = { photos: null, ms: Number.NaN };
  if (existsSync(legacyPath)) legacy = JSON.parse(await readFile(legacyPath, 'utf8'));
  else if (collectors.legacy) {
    const engine = await collectors.legacy();
    const started = performance.now();
    const rows: NonNullable<CollectedSet['legacy']> = [];
    const embed = async (image: RgbImage, type: 'IDPic' | 'FacePic') => {
      try {
        return Array.from((await engine.embedImage(image, type)).vector);
      } catch {
        return null; // no face: the pair counts as rejected
      }
    };
    for (const [i, photo] of photos.entries()) {
      const chipJpeg = onnx.photos[i]!.chipJpeg;
      if (!chipJpeg) {
        rows.push({ chip: null, full: null });
        continue;
      }
      const chip = await decodeImage(Buffer.from(chipJpeg, 'base64'));
      rows.push({ chip: await embed(chip, 'IDPic'), full: await embed(await loadPhoto(set, photo), 'FacePic') });
      if ((i + 1) % 200 === 0) log(`${set.name}: ${i + 1}/${photos.length} photos (old engine)`);
    }
    legacy = { photos: rows, ms: (performance.now() - started) / photos.length };
    await writeFile(legacyPath, JSON.stringify(legacy));
  }
  return { set: set.name, photos, onnx: onnx.photos, legacy: legacy.photos, ms: { onnxPerPhoto: onnx.ms, legacyPerPhoto: legacy.ms } };
}
