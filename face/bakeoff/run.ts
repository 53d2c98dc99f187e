import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { alignTo, eyeDistance, jitteredCrops, meanVector, warpToCrop, warpToCropAtResolution, type FaceTemplate } from '../align';
import { FaceDetector } from '../detector';
import { loadEmbedder, type EmbedderId, type EmbedderVariant } from '../embedders';
import { loadTf } from '../runtime';
import { buildPairs, readIdentities } from './fixtures';
import { preparePhoto, type PreparedFace, type PreparedPhoto } from './prepare';

/** A model configuration in the bake-off. */
export interface ModelVariant {
  key: string;
  model: EmbedderId;
  variant: EmbedderVariant;
  /** Also embed the chip as the mean of this many JITTERS crops (view chipJitter). */
  jitter?: number;
  /** Bump when the embedder's code changes, so cached vectors of the old code are not reused. */
  revision?: number;
}

export type View = 'full' | 'fullLow' | 'chip' | 'chip2x' | 'chipJitter';
export const VIEWS: readonly View[] = ['full', 'fullLow', 'chip', 'chip2x', 'chipJitter'];
/** Embeddings of one photo: per view, the plain and the mirrored crop; null where no face. */
export type PhotoEmbeddings = Record<View, { plain: number[]; mirrored: number[] } | null>;

export interface VariantEmbeddings {
  key: string;
  msPerFace: number;
  photos: PhotoEmbeddings[];
}

/** What the detector saw in each photo (pose in radians). */
export interface PhotoMeta {
  fullPose: { pitch: number; yaw: number; roll: number } | null;
  /** Distance between the eyes in the full-size photo, pixels (how much detail the source has). */
  fullEyeDistance: number | null;
  chipEyeDistance: number | null;
  chipBytes: number;
}

export interface BakeoffData {
  photos: PreparedPhoto['photo'][];
  /** index pairs into photos: [chip source, full-size target] */
  genuine: [number, number][];
  impostor: [number, number][];
  missing: { full: number; chip: number; chip2x: number };
  detectMs: number;
  meta: PhotoMeta[];
  /** Median distance between the eyes in the chip mimics, pixels: the resolution live photos are matched to. */
  chipEyeDistance: number;
  variants: VariantEmbeddings[];
}

async function embedFace(
  embed: (c: Float32Array[]) => Promise<Float32Array[]>,
  face: PreparedFace | null,
  template: FaceTemplate,
  maxEyeDistance?: number,
) {
  if (!face) return null;
  const crops =
    maxEyeDistance === undefined
      ? [false, true].map((m) => warpToCrop(face.image, alignTo(face.landmarks[template.landmarks], template), template.size, m))
      : [false, true].map((m) => warpToCropAtResolution(face.image, face.landmarks, template, maxEyeDistance, m));
  const [plain, mirrored] = await embed(crops);
  return { plain: Array.from(plain!), mirrored: Array.from(mirrored!) };
}

async function embedJittered(embed: (c: Float32Array[]) => Promise<Float32Array[]>, face: PreparedFace | null, template: FaceTemplate, n: number) {
  if (!face) return null;
  const plain = meanVector(await embed(jitteredCrops(face.image, face.landmarks, template, n)));
  const mirrored = meanVector(await embed(jitteredCrops(face.image, face.landmarks, template, n, true)));
  return { plain: Array.from(plain), mirrored: Array.from(mirrored) };
}

function medianOf(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/**
 * Detect, mimic chips, and embed every fixture photo with every variant. Embeddings are cached as JSON in
 * `cacheDir` per variant (and the fixture list), so re-running only embeds what is new.
 */
export async function collect(fixturesDir: string, variants: ModelVariant[], cacheDir: string, log: (s: string) => void): Promise<BakeoffData> {
  await mkdir(cacheDir, { recursive: true });
  const tf = await loadTf();
  const photos = await readIdentities(fixturesDir);
  const { genuine, impostor } = buildPairs(photos);
  let prepared: PreparedPhoto[] | null = null;
  let detectMs = Number.NaN;
  const prepare = async () => {
    if (prepared) return prepared;
    const detector = await FaceDetector.create(tf, { attributes: false });
    const started = performance.now();
    prepared = [];
    for (const p of photos) prepared.push(await preparePhoto(detector, fixturesDir, p));
    detectMs = (performance.now() - started) / photos.length;
    log(`prepared ${photos.length} photos, ${detectMs.toFixed(0)} ms/photo (decode, detect, mimic, detect chip twice)`);
    return prepared;
  };
  const out: VariantEmbeddings[] = [];
  // Bump the name when PhotoMeta gains a field, so an older cache is not read.
  const summaryPath = join(cacheDir, 'summary-v2.json');
  type Summary = BakeoffData['missing'] & { detectMs: number; meta: PhotoMeta[] };
  let missing = existsSync(summaryPath) ? (JSON.parse(await readFile(summaryPath, 'utf8')) as Summary) : null;
  for (const v of variants) {
    // The file name carries a digest of the variant, so changing a variant's settings never reuses stale vectors.
    const digest = createHash('sha256').update(JSON.stringify(v)).digest('hex').slice(0, 12);
    const path = join(cacheDir, `${v.key}-${digest}.json`);
    if (existsSync(path)) {
      out.push(JSON.parse(await readFile(path, 'utf8')) as VariantEmbeddings);
      continue;
    }
    const ready = await prepare();
    const embedder = await loadEmbedder(tf, v.model, v.variant);
    const size = embedder.template.size;
    const embed = (c: Float32Array[]) => embedder.embed(c);
    const matchEyes = medianOf(ready.flatMap((p) => (p.chip ? [eyeDistance(p.chip.landmarks)] : [])));
    await embed([new Float32Array(size * size * 3), new Float32Array(size * size * 3)]); // warm-up
    const started = performance.now();
    let faces = 0;
    const rows: PhotoEmbeddings[] = [];
    for (const p of ready) {
      const row: PhotoEmbeddings = {
        full: await embedFace(embed, p.full, embedder.template),
        fullLow: await embedFace(embed, p.full, embedder.template, matchEyes),
        chip: await embedFace(embed, p.chip, embedder.template),
        chip2x: await embedFace(embed, p.chip2x, embedder.template),
        chipJitter: v.jitter ? await embedJittered(embed, p.chip, embedder.template, v.jitter) : null,
      };
      faces += 2 * VIEWS.filter((view) => row[view]).length + (row.chipJitter ? 2 * ((v.jitter ?? 1) - 1) : 0);
      rows.push(row);
    }
    const result = { key: v.key, msPerFace: (performance.now() - started) / faces, photos: rows };
    log(`${v.key}: ${result.msPerFace.toFixed(1)} ms/face crop`);
    await writeFile(path, JSON.stringify(result));
    out.push(result);
  }
  if (!missing) {
    const ready = await prepare();
    missing = {
      full: ready.filter((p) => !p.full).length,
      chip: ready.filter((p) => !p.chip).length,
      chip2x: ready.filter((p) => !p.chip2x).length,
      detectMs,
      meta: ready.map((p) => ({
        fullPose: p.full?.pose ?? null,
        fullEyeDistance: p.full ? eyeDistance(p.full.landmarks) : null,
        chipEyeDistance: p.chip ? eyeDistance(p.chip.landmarks) : null,
        chipBytes: p.chipBytes,
      })),
    };
    await writeFile(summaryPath, JSON.stringify(missing));
  }
  const { detectMs: cachedDetectMs, meta, ...counts } = missing;
  const chipEyeDistance = medianOf(meta.flatMap((m) => (m.chipEyeDistance === null ? [] : [m.chipEyeDistance])));
  return { photos, genuine, impostor, missing: counts, detectMs: cachedDetectMs, meta, chipEyeDistance, variants: out };
}
