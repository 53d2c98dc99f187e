import { equalErrorRate, frrAtFar } from '../metrics';
import type { BakeoffData, PhotoEmbeddings, VariantEmbeddings, View } from './run';

/** A face that was not found scores below every real cosine: the pair is rejected (a genuine pair counts as an error). */
export const NO_FACE_SCORE = -2;
/** The same for euclidean distances (dlib distances stay well below 2). */
export const NO_FACE_DISTANCE = 100;

export interface Trick {
  /** Subtract this mean embedding before the cosine (centres descriptors that all point one way, like dlib's). */
  centre?: readonly number[];
  /** cosine (default) or euclidean on the stored vectors (raw=true embeddings), reported as -distance. */
  metric?: 'cosine' | 'euclidean';
  /** Which rendering of the chip mimic is the reference. */
  chipView: 'chip' | 'chip2x' | 'chipJitter';
  /** Which rendering of the full-size photo is the probe (fullLow: resolution matched to the chip). */
  fullView?: 'full' | 'fullLow';
  /** Average the embedding of the crop and of its mirror image (test-time flip). */
  flip: boolean;
}

function vector(e: PhotoEmbeddings[View], flip: boolean, centre?: readonly number[], normalise = true): number[] | null {
  if (!e) return null;
  let v = flip ? e.plain.map((x, i) => x + e.mirrored[i]!) : [...e.plain];
  if (centre) v = v.map((x, i) => x - centre[i]! * (flip ? 2 : 1));
  if (!normalise) return flip ? v.map((x) => x / 2) : v;
  const n = Math.hypot(...v) || 1;
  return v.map((x) => x / n);
}

/** Mean of the plain embeddings of the given photos' views (the centring vector). */
export function meanEmbedding(v: VariantEmbeddings, photos: number[], views: View[]): number[] {
  const rows = photos.flatMap((i) => views.flatMap((view) => (v.photos[i]![view] ? [v.photos[i]![view]!.plain] : [])));
  const mean = new Array<number>(rows[0]!.length).fill(0);
  for (const r of rows) r.forEach((x, k) => (mean[k]! += x / rows.length));
  return mean;
}

function cosine(a: number[], b: number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Cosine scores of every pair for one model and trick. */
export function pairScores(
  data: BakeoffData,
  v: VariantEmbeddings,
  trick: Trick,
  keep: (pair: [number, number]) => boolean = () => true,
): { genuine: number[]; impostor: number[] } {
  const euclidean = trick.metric === 'euclidean';
  const chips = v.photos.map((p) => vector(p[trick.chipView], trick.flip, trick.centre, !euclidean));
  const fulls = v.photos.map((p) => vector(p[trick.fullView ?? 'full'], trick.flip, trick.centre, !euclidean));
  const score = ([i, j]: [number, number]) => {
    const a = chips[i], b = fulls[j];
    if (!a || !b) return euclidean ? -NO_FACE_DISTANCE : NO_FACE_SCORE;
    return euclidean ? -Math.hypot(...a.map((x, k) => x - b[k]!)) : cosine(a, b);
  };
  return { genuine: data.genuine.filter(keep).map(score), impostor: data.impostor.filter(keep).map(score) };
}

/**
 * Fuse models by averaging their cosines after z-normalising each by its impostor mean and spread,
 * so a model with a wide impostor distribution cannot dominate. Returns the fused scores and the
 * per-model normalisers (which the engine stores in its calibration).
 */
export function fuse(
  parts: { genuine: number[]; impostor: number[] }[],
  /** Normalisers measured elsewhere (e.g. on another protocol); default: from these impostors. */
  given?: { mean: number; std: number }[],
): {
  genuine: number[];
  impostor: number[];
  norms: { mean: number; std: number }[];
} {
  const norms = given ?? parts.map(({ impostor }) => {
    const real = impostor.filter((s) => s > NO_FACE_SCORE && s > -NO_FACE_DISTANCE);
    const mean = real.reduce((a, b) => a + b, 0) / real.length;
    const std = Math.sqrt(real.reduce((a, b) => a + (b - mean) ** 2, 0) / real.length);
    return { mean, std };
  });
  const combine = (k: 'genuine' | 'impostor') =>
    parts[0]![k].map((_, i) => {
      if (parts.some((p) => p[k][i]! <= NO_FACE_SCORE)) return -Infinity; // a missing face (either metric) rejects the pair
      return parts.reduce((sum, p, m) => sum + (p[k][i]! - norms[m]!.mean) / norms[m]!.std, 0) / parts.length;
    });
  return { genuine: combine('genuine'), impostor: combine('impostor'), norms };
}

export interface Row {
  name: string;
  eer: number;
  frr1: number;
  frr01: number;
  genuine: number;
  impostor: number;
  msPerFace: number;
}

export function summarise(name: string, s: { genuine: number[]; impostor: number[] }, msPerFace: number): Row {
  return {
    name,
    eer: equalErrorRate(s.genuine, s.impostor),
    frr1: frrAtFar(s.genuine, s.impostor, 0.01),
    frr01: frrAtFar(s.genuine, s.impostor, 0.001),
    genuine: s.genuine.length,
    impostor: s.impostor.length,
    msPerFace,
  };
}

export function formatRows(rows: Row[]): string {
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const head = ['model / trick', 'EER', 'FRR@FAR1%', 'FRR@FAR0.1%', 'genuine', 'impostor', 'ms/face'];
  const body = rows.map((r) => [r.name, pct(r.eer), pct(r.frr1), pct(r.frr01), String(r.genuine), String(r.impostor), r.msPerFace.toFixed(1)]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  return [head, ...body].map((cells) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ')).join('\n');
}

/** Mean and standard deviation of one vector's cosines against a cohort of other faces. */
export function cohortStats(v: readonly number[], cohort: readonly (readonly number[])[]): { mean: number; std: number } {
  const scores = cohort.map((c) => {
    let s = 0;
    for (let i = 0; i < v.length; i++) s += v[i]! * c[i]!;
    return s;
  });
  const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
  const std = Math.sqrt(scores.reduce((a, b) => a + (b - mean) ** 2, 0) / scores.length) || 1;
  return { mean, std };
}

/**
 * Symmetric score normalisation (S-norm): each side's cosine is z-normalised by how that face scores against
 * a cohort of other people (the chip against full-size cohort photos, the live photo against cohort chips),
 * then the two are averaged. Blurry chips that look "like everyone" stop producing high impostor scores.
 * The cohort for a pair never contains either identity of the pair (leave-identities-out), as in deployment.
 */
export function snormScores(
  data: BakeoffData,
  v: VariantEmbeddings,
  trick: Trick,
  keep: (pair: [number, number]) => boolean = () => true,
  inCohort: (photo: number) => boolean = () => true,
): { genuine: number[]; impostor: number[] } {
  const chips = v.photos.map((p) => vector(p[trick.chipView], trick.flip));
  const fulls = v.photos.map((p) => vector(p[trick.fullView ?? 'full'], trick.flip));
  // Cohort statistics depend on (photo, excluded identities) only: cache them.
  const statCache = new Map<string, { mean: number; std: number }>();
  const stats = (kind: 'chip' | 'full', i: number, exclude: string[]) => {
    const key = `${kind}:${i}:${exclude.sort().join('|')}`;
    let s = statCache.get(key);
    if (!s) {
      const own = (kind === 'chip' ? chips : fulls)[i]!;
      const pool = (kind === 'chip' ? fulls : chips).filter(
        (c, k): c is number[] => !!c && inCohort(k) && !exclude.includes(data.photos[k]!.identity),
      );
      s = cohortStats(own, pool);
      statCache.set(key, s);
    }
    return s;
  };
  const score = ([i, j]: [number, number]) => {
    const a = chips[i], b = fulls[j];
    if (!a || !b) return NO_FACE_SCORE * 100;
    const s = cosine(a, b);
    const exclude = [data.photos[i]!.identity, data.photos[j]!.identity];
    const sa = stats('chip', i, exclude);
    const sb = stats('full', j, exclude);
    return 0.5 * ((s - sa.mean) / sa.std + (s - sb.mean) / sb.std);
  };
  return { genuine: data.genuine.filter(keep).map(score), impostor: data.impostor.filter(keep).map(score) };
}
