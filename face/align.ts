import type { RgbImage } from '../imaging/rgb';

/** A 2-D point in pixels. */
export type Point = readonly [number, number];

/** Five landmarks, in the order of the set they belong to (see LandmarkSet). */
export type FivePoints = readonly [Point, Point, Point, Point, Point];

/**
 * Which five landmarks a template is defined on, all in image order (image left first):
 * - centres: eye centres, subnasale, mouth corners (the common 5-point layout, e.g. ArcFace);
 * - corners: outer and inner corner of the left eye, inner and outer corner of the right eye, subnasale
 *   (dlib's 5-point shape, which its face recognition network was trained with; no mouth, so expressions
 *   do not pull the alignment).
 */
export type LandmarkSet = 'centres' | 'corners';
export type Landmarks = Record<LandmarkSet, FivePoints>;

/** x' = a*x - b*y + tx ; y' = b*x + a*y + ty (rotation + uniform scale + shift, no shear). */
export interface Similarity {
  a: number;
  b: number;
  tx: number;
  ty: number;
}

/** Least-squares similarity transform mapping `from` onto `to` (Umeyama 1991, reflection-free in 2-D). */
export function estimateSimilarity(from: readonly Point[], to: readonly Point[]): Similarity {
  const n = from.length;
  if (n !== to.length || n < 2) throw new Error('estimateSimilarity needs two equally long lists of at least 2 points');
  let fx = 0, fy = 0, gx = 0, gy = 0;
  for (let i = 0; i < n; i++) {
    fx += from[i]![0]; fy += from[i]![1]; gx += to[i]![0]; gy += to[i]![1];
  }
  fx /= n; fy /= n; gx /= n; gy /= n;
  let sxx = 0, sxy = 0, norm = 0;
  for (let i = 0; i < n; i++) {
    const px = from[i]![0] - fx, py = from[i]![1] - fy;
    const qx = to[i]![0] - gx, qy = to[i]![1] - gy;
    sxx += px * qx + py * qy;
    sxy += px * qy - py * qx;
    norm += px * px + py * py;
  }
  if (norm === 0) throw new Error('estimateSimilarity: source points coincide');
  const a = sxx / norm;
  const b = sxy / norm;
  return { a, b, tx: gx - (a * fx - b * fy), ty: gy - (b * fx + a * fy) };
}

export function applySimilarity(t: Similarity, p: Point): Point {
  return [t.a * p[0] - t.b * p[1] + t.tx, t.b * p[0] + t.a * p[1] + t.ty];
}

export function invertSimilarity(t: Similarity): Similarity {
  const d = t.a * t.a + t.b * t.b;
  const a = t.a / d, b = -t.b / d;
  return { a, b, tx: -(a * t.tx - b * t.ty), ty: -(b * t.tx + a * t.ty) };
}

/**
 * Warp `image` into a `size`x`size` crop where `toCrop` maps source pixels to crop pixels.
 * Returns float RGB 0..255, HWC; with `mirror` the crop is flipped left-right. Sampling as in `resample`.
 */
export function warpToCrop(image: RgbImage, toCrop: Similarity, size: number, mirror = false): Float32Array {
  const inv = invertSimilarity(toCrop);
  // Source pixels per crop pixel: samples per axis so that no sample is more than a source pixel apart.
  const k = samplesPerAxis(Math.hypot(inv.a, inv.b));
  return resample(image, { xx: inv.a, xy: -inv.b, yx: inv.b, yy: inv.a, x0: inv.tx, y0: inv.ty }, size, mirror, k, k);
}

/** `region` of `image` stretched to a `size`x`size` crop, x and y scaled apart (HWC float RGB 0..255). */
export function stretchToCrop(image: RgbImage, region: { x: number; y: number; width: number; height: number }, size: number): Float32Array {
  const px = region.width / size, py = region.height / size;
  return resample(image, { xx: px, xy: 0, yx: 0, yy: py, x0: region.x, y0: region.y }, size, false, samplesPerAxis(px), samplesPerAxis(py));
}

/** Cap on samples per axis: a face 8x larger than the crop is already averaged over 64 samples a pixel. */
const MAX_SUPERSAMPLE = 8;

function samplesPerAxis(sourcePixelsPerCropPixel: number): number {
  return Math.min(MAX_SUPERSAMPLE, Math.max(1, Math.ceil(sourcePixelsPerCropPixel - 1e-6)));
}

/** Crop pixel (continuous, corner origin) → source pixel: sx = xx·ox + xy·oy + x0, sy = yx·ox + yy·oy + y0. */
interface SourceMap {
  xx: number;
  xy: number;
  yx: number;
  yy: number;
  x0: number;
  y0: number;
}

/**
 * Bilinear sampling; outside the source reads edge pixels (replicate), which disturbs the models less than
 * black borders when a face sits at the edge of a tight chip photo. Where the crop shrinks the source (a large
 * face in a full-size photo), each crop pixel averages a kx×ky grid of samples over its footprint: plain
 * bilinear would skip most source pixels and alias hair and skin texture into the crop.
 */
function resample(image: RgbImage, map: SourceMap, size: number, mirror: boolean, kx: number, ky: number): Float32Array {
  const out = new Float32Array(size * size * 3);
  const { width: w, height: h, data } = image;
  const weight = 1 / (kx * ky);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const cx = mirror ? size - 1 - x : x;
      const o = (y * size + x) * 3;
      let r = 0, g = 0, b = 0;
      for (let j = 0; j < ky; j++) {
        // Sample points spread evenly over the crop pixel (its centre when k = 1).
        const oy = y + (j + 0.5) / ky;
        for (let i = 0; i < kx; i++) {
          const ox = cx + (i + 0.5) / kx;
          const sx = Math.min(Math.max(map.xx * ox + map.xy * oy + map.x0 - 0.5, 0), w - 1);
          const sy = Math.min(Math.max(map.yx * ox + map.yy * oy + map.y0 - 0.5, 0), h - 1);
          const x0 = Math.floor(sx), y0 = Math.floor(sy);
          const x1 = Math.min(x0 + 1, w - 1), y1 = Math.min(y0 + 1, h - 1);
          const dx = sx - x0, dy = sy - y0;
          const i00 = (y0 * w + x0) * 3, i01 = (y0 * w + x1) * 3, i10 = (y1 * w + x0) * 3, i11 = (y1 * w + x1) * 3;
          const w00 = (1 - dx) * (1 - dy), w01 = dx * (1 - dy), w10 = (1 - dx) * dy, w11 = dx * dy;
          r += data[i00]! * w00 + data[i01]! * w01 + data[i10]! * w10 + data[i11]! * w11;
          g += data[i00 + 1]! * w00 + data[i01 + 1]! * w01 + data[i10 + 1]! * w10 + data[i11 + 1]! * w11;
          b += data[i00 + 2]! * w00 + data[i01 + 2]! * w01 + data[i10 + 2]! * w10 + data[i11 + 2]! * w11;
        }
      }
      out[o] = r * weight;
      out[o + 1] = g * weight;
      out[o + 2] = b * weight;
    }
  }
  return out;
}

/** A canonical face layout: where the five points of `landmarks` should land, as fractions of the crop side. */
export interface FaceTemplate {
  size: number;
  landmarks: LandmarkSet;
  points: FivePoints;
}

/** Scale a template given in fractions of the side to pixels. */
export function templatePixels(template: FaceTemplate): FivePoints {
  return template.points.map(([x, y]) => [x * template.size, y * template.size] as Point) as unknown as FivePoints;
}

/** Similarity transform mapping the detected points onto the template. */
export function alignTo(points: FivePoints, template: FaceTemplate): Similarity {
  return estimateSimilarity(points, templatePixels(template));
}

/** dlib's 68-point mean face shape (points 36, 39, 42, 45: eye corners; 33: subnasale; eye centres = mean of
 * 36–41 and 42–47; 48, 54: mouth corners), in the unit square dlib's get_face_chip_details maps to a chip. */
const DLIB_MEAN: Landmarks = {
  centres: [
    [0.224152, 0.2119465],
    [0.75610125, 0.2119465],
    [0.490127, 0.628106],
    [0.254149, 0.780233],
    [0.726104, 0.780233],
  ],
  corners: [
    [0.121737, 0.216423],
    [0.334606, 0.231733],
    [0.645647, 0.231733],
    [0.858516, 0.216423],
    [0.490127, 0.628106],
  ],
};

/**
 * dlib's mean face with `padding` as in get_face_chip_details: the mean shape occupies the middle
 * 1/(1+2p) of the crop (the face recognition network expects size 150, padding 0.25).
 */
export function dlibTemplate(size: number, padding: number, landmarks: LandmarkSet = 'centres'): FaceTemplate {
  const s = (v: number) => (padding + v) / (2 * padding + 1);
  return { size, landmarks, points: DLIB_MEAN[landmarks].map(([x, y]) => [s(x), s(y)] as Point) as unknown as FivePoints };
}

/** ArcFace / InsightFace 112x112 reference points (used by MobileFaceNet-style models). */
export function arcfaceTemplate(size = 112): FaceTemplate {
  const ref: FivePoints = [
    [38.2946, 51.6963],
    [73.5318, 51.5014],
    [56.0252, 71.7366],
    [41.5493, 92.3655],
    [70.7299, 92.2041],
  ];
  return { size, landmarks: 'centres', points: ref.map(([x, y]) => [x / 112, y / 112] as Point) as unknown as FivePoints };
}

/** Distance between the eye centres, pixels. */
export function eyeDistance(landmarks: Landmarks): number {
  const [a, b] = landmarks.centres;
  return Math.hypot(b[0] - a[0], b[1] - a[1]);
}


/**
 * Like warpToCrop, but first renders the face no sharper than `maxEyeDistance` pixels between the eyes
 * and then scales it up to the template size. Matching the resolution of a sharp live photo to a
 * blurry ~100-pixel chip photo makes their embeddings comparable (both models see the same detail).
 */
export function warpToCropAtResolution(
  image: RgbImage,
  landmarks: Landmarks,
  template: FaceTemplate,
  maxEyeDistance: number,
  mirror = false,
): Float32Array {
  const toCrop = alignTo(landmarks[template.landmarks], template);
  // Eye-centre distance in the crop = the face's own eye distance times the alignment scale.
  const cropEyes = eyeDistance(landmarks) * Math.hypot(toCrop.a, toCrop.b);
  const scale = Math.min(1, maxEyeDistance / cropEyes, maxEyeDistance / eyeDistance(landmarks));
  if (scale >= 0.999) return warpToCrop(image, toCrop, template.size, mirror);
  const small = Math.max(8, Math.round(template.size * scale));
  const s = small / template.size;
  const low = warpToCrop(image, { a: toCrop.a * s, b: toCrop.b * s, tx: toCrop.tx * s, ty: toCrop.ty * s }, small, mirror);
  const lowImage: RgbImage = { width: small, height: small, data: Uint8Array.from(low, (v) => Math.round(v)) };
  const up = 1 / s;
  return warpToCrop(lowImage, { a: up, b: 0, tx: 0, ty: 0 }, template.size);
}

/**
 * Small perturbations of the alignment (shift in crop pixels, scale, rotation in radians) for test-time
 * augmentation: averaging the embeddings of slightly different crops evens out landmark error, which is
 * largest on a 102x126 chip photo. The first entry is the unperturbed crop.
 */
export const JITTERS: readonly { dx: number; dy: number; scale: number; angle: number }[] = [
  { dx: 0, dy: 0, scale: 1, angle: 0 },
  { dx: 1.5, dy: 0, scale: 1, angle: 0 },
  { dx: -1.5, dy: 0, scale: 1, angle: 0 },
  { dx: 0, dy: 1.5, scale: 1, angle: 0 },
  { dx: 0, dy: -1.5, scale: 1, angle: 0 },
];

/** Compose a jitter (about the crop centre) after the alignment transform. */
export function jitter(t: Similarity, size: number, j: (typeof JITTERS)[number]): Similarity {
  const c = size / 2;
  const cos = Math.cos(j.angle) * j.scale, sin = Math.sin(j.angle) * j.scale;
  return {
    a: cos * t.a - sin * t.b,
    b: sin * t.a + cos * t.b,
    tx: cos * (t.tx - c) - sin * (t.ty - c) + c + j.dx,
    ty: sin * (t.tx - c) + cos * (t.ty - c) + c + j.dy,
  };
}

/** `count` crops of one face: the aligned crop and then the first jitters (count ≤ JITTERS.length). */
export function jitteredCrops(image: RgbImage, landmarks: Landmarks, template: FaceTemplate, count: number, mirror = false): Float32Array[] {
  const t = alignTo(landmarks[template.landmarks], template);
  return JITTERS.slice(0, Math.max(1, count)).map((j) => warpToCrop(image, jitter(t, template.size, j), template.size, mirror));
}

/** Element-wise mean of equally long vectors. */
export function meanVector(vectors: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(vectors[0]!.length);
  for (const v of vectors) for (let i = 0; i < v.length; i++) out[i]! += v[i]! / vectors.length;
  return out;
}
