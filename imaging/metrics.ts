/** Pixel measures the quality gate needs, computed from a small RGBA copy of the face region. */

/** Mean BT.601 luma of RGBA pixels in [0, 255]. */
export function meanLuma(rgba: ArrayLike<number>): number {
  let sum = 0;
  const pixels = Math.floor(rgba.length / 4);
  for (let i = 0; i < pixels * 4; i += 4) sum += 0.299 * rgba[i]! + 0.587 * rgba[i + 1]! + 0.114 * rgba[i + 2]!;
  return pixels ? sum / pixels : 0;
}

/** BT.601 luma of packed pixels (RGBA by default; 3 for RGB). */
export function toGray(pixels: ArrayLike<number>, width: number, height: number, channels = 4): Float32Array {
  const gray = new Float32Array(width * height);
  for (let i = 0, p = 0; i < gray.length; i++, p += channels) gray[i] = 0.299 * pixels[p]! + 0.587 * pixels[p + 1]! + 0.114 * pixels[p + 2]!;
  return gray;
}

/** Variance of the 4-neighbour Laplacian: large for crisp edges, small for blur. */
export function laplacianVariance(gray: Float32Array, width: number, height: number): number {
  let sum = 0;
  let sumSq = 0;
  let n = 0;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      const lap = gray[i - 1]! + gray[i + 1]! + gray[i - width]! + gray[i + width]! - 4 * gray[i]!;
      sum += lap;
      sumSq += lap * lap;
      n++;
    }
  }
  if (n === 0) return 0;
  const mean = sum / n;
  return sumSq / n - mean * mean;
}

/**
 * Laplacian variance at which sharpnessScore is 0.5, for a face resampled to FACE_SAMPLE_SIZE.
 * Measured on the fixture faces (test/face/capture/real-detections.test.ts): sharp faces score
 * 0.75-0.95; a Gaussian blur with sigma above about 2.5% of the face width falls under 0.25.
 */
export const SHARPNESS_HALF_POINT = 60;
/** The shell resamples the face box to this square before measuring, so the score ignores distance. */
export const FACE_SAMPLE_SIZE = 96;

/** Focus measure in [0, 1): v / (v + k), monotonic in the Laplacian variance v. */
export function sharpnessScore(rgba: ArrayLike<number>, width: number, height: number): number {
  const v = laplacianVariance(toGray(rgba, width, height), width, height);
  return v / (v + SHARPNESS_HALF_POINT);
}
