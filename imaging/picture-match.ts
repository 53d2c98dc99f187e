/**
 * Pure picture comparison for main's "is this the chip photo?" check: normalised correlation,
 * which ignores brightness and contrast, either of two whole pictures or of a small picture
 * searched over a larger one at every position. No I/O; the caller decodes and scales.
 */
export interface Grey {
  width: number;
  height: number;
  /** Row-major luma, top row first. */
  data: Float64Array;
}

/** Pearson correlation of two equally long sample vectors; 0 when either is flat. */
export function correlation(a: Float64Array, b: Float64Array): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) (ma += a[i]!), (mb += b[i]!);
  ma /= n;
  mb /= n;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i]! - ma;
    const db = b[i]! - mb;
    ab += da * db;
    aa += da * da;
    bb += db * db;
  }
  return aa === 0 || bb === 0 ? 0 : ab / Math.sqrt(aa * bb);
}

export function mirrored(image: Grey): Grey {
  const data = new Float64Array(image.data.length);
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) data[y * image.width + x] = image.data[y * image.width + image.width - 1 - x]!;
  }
  return { width: image.width, height: image.height, data };
}

/**
 * The highest correlation of `template` with any same-sized window of `image` (template no larger
 * than image). Window means and energies come from summed-area tables, so each position costs one
 * pass over the template.
 */
export function bestWindowCorrelation(image: Grey, template: Grey): number {
  const { width: W, height: H } = image;
  const { width: w, height: h } = template;
  if (w > W || h > H) return 0;
  const n = w * h;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += template.data[i]!;
  mean /= n;
  const t = new Float64Array(n);
  let energy = 0;
  for (let i = 0; i < n; i++) {
    t[i] = template.data[i]! - mean;
    energy += t[i]! * t[i]!;
  }
  if (energy === 0) return 0;
  // Summed-area tables of the image and its square, (W+1)×(H+1) with a zero border.
  const S = new Float64Array((W + 1) * (H + 1));
  const S2 = new Float64Array((W + 1) * (H + 1));
  for (let y = 0; y < H; y++) {
    let row = 0;
    let row2 = 0;
    for (let x = 0; x < W; x++) {
      const v = image.data[y * W + x]!;
      row += v;
      row2 += v * v;
      S[(y + 1) * (W + 1) + x + 1] = S[y * (W + 1) + x + 1]! + row;
      S2[(y + 1) * (W + 1) + x + 1] = S2[y * (W + 1) + x + 1]! + row2;
    }
  }
  const box = (T: Float64Array, x: number, y: number) =>
    T[(y + h) * (W + 1) + x + w]! - T[y * (W + 1) + x + w]! - T[(y + h) * (W + 1) + x]! + T[y * (W + 1) + x]!;
  let best = 0;
  for (let y = 0; y + h <= H; y++) {
    for (let x = 0; x + w <= W; x++) {
      const sum = box(S, x, y);
      const windowEnergy = box(S2, x, y) - (sum * sum) / n;
      if (windowEnergy <= 1e-9) continue;
      // Σ t·(I − mean_I) = Σ t·I, because Σ t = 0.
      let dot = 0;
      for (let ty = 0; ty < h; ty++) {
        const base = (y + ty) * W + x;
        const tBase = ty * w;
        for (let tx = 0; tx < w; tx++) dot += t[tBase + tx]! * image.data[base + tx]!;
      }
      const r = dot / Math.sqrt(energy * windowEnergy);
      if (r > best) best = r;
    }
  }
  return best;
}
