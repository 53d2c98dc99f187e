import type { Calibration } from '../../face/calibration';

/**
 * The 2019-03-07 actions quote scores on Alibaba's 2019 scale, where a score names a false-accept
 * rate: as we read the 2019 documentation of VerifyMaterial / DescribeVerifyResult, 60 ↔ 1%,
 * 80 ↔ 0.1%, 90 ↔ 0.01%, 95 ↔ 0.001% (not verified against a live service). A program written
 * for Alibaba compares our score with those numbers, so ours must mean the same FAR on *our*
 * engine: the anchors are placed at our engine's own thresholds for those FARs, measured on its
 * impostor pairs (face/data/calibration.json), and the scale is linear in raw similarity between them.
 */
export const ANCHORS_2019 = [
  { far: 0.01, score: 60 },
  { far: 0.001, score: 80 },
  { far: 0.0001, score: 90 },
  { far: 0.00001, score: 95 },
] as const;

/** Points (raw similarity → 2019 score), increasing, from the calibration. */
export interface Scale2019 {
  points: { raw: number; score: number; far: number }[];
  /** The 2018 score's linear scale (to turn a stored SimilarityScore back into raw similarity). */
  scale: Calibration['scale'];
}

export function scale2019(calibration: Calibration): Scale2019 {
  const { zeroAt, hundredAt } = calibration.scale;
  // From the shipped (two-decimal) threshold score rather than the raw value, so a stored score
  // exactly at a threshold — which passes — lands exactly on its anchor, not a hair below it.
  const raw = (far: string) => zeroAt + (calibration.thresholds[far as keyof Calibration['thresholds']].score / 100) * (hundredAt - zeroAt);
  const r2 = raw('0.01');
  const r3 = raw('0.001');
  const r4 = raw('0.0001');
  // 1e-5 is beyond what 5,714 impostor pairs can measure; the calibration's exponential tail model
  // puts each further decade of FAR the same raw distance further (β·ln 10), so extend by one step.
  const r5 = r4 + (r4 - r3);
  // Score 0 is the median impostor (FAR 0.5), score 100 identical embeddings.
  return {
    scale: calibration.scale,
    points: [
      { raw: zeroAt, score: 0, far: 0.5 },
      { raw: r2, score: 60, far: 0.01 },
      { raw: r3, score: 80, far: 0.001 },
      { raw: r4, score: 90, far: 0.0001 },
      { raw: r5, score: 95, far: 0.00001 },
      { raw: hundredAt, score: 100, far: 0 },
    ],
  };
}

/** A 2018 SimilarityScore (0–100, linear in raw similarity) → raw similarity. */
export function rawOf2018(score: number, s: Scale2019): number {
  return s.scale.zeroAt + (score / 100) * (s.scale.hundredAt - s.scale.zeroAt);
}

function interpolate(x: number, pts: readonly { x: number; y: number }[]): number {
  if (x <= pts[0]!.x) return pts[0]!.y;
  for (let i = 1; i < pts.length; i++) {
    const a = pts[i - 1]!;
    const b = pts[i]!;
    if (x <= b.x) return a.y + ((x - a.x) / (b.x - a.x)) * (b.y - a.y);
  }
  return pts[pts.length - 1]!.y;
}

/** A stored 2018 SimilarityScore on the 2019 scale (two decimals). */
export function to2019(score2018: number, s: Scale2019): number {
  const y = interpolate(rawOf2018(score2018, s), s.points.map((p) => ({ x: p.raw, y: p.score })));
  return Math.round(y * 100) / 100;
}

/**
 * Our estimated FAR at a 2019 score: log-linear between the measured anchors (exact at them),
 * which is what the exponential tail model says between decades.
 */
export function farAt2019(score: number, s: Scale2019): number {
  const pts = s.points.filter((p) => p.far > 0);
  if (score <= pts[0]!.score) return pts[0]!.far;
  if (score >= pts[pts.length - 1]!.score) {
    // Beyond 95 the scale stretches to identical faces; the tail model keeps one decade of FAR per
    // (r4 − r3) of raw similarity, so extend in raw similarity, not in score points.
    const last = pts[pts.length - 1]!;
    const decade = last.raw - pts[pts.length - 2]!.raw;
    const raw = interpolate(score, s.points.map((p) => ({ x: p.score, y: p.raw })));
    return 10 ** (Math.log10(last.far) - (raw - last.raw) / decade);
  }
  return 10 ** interpolate(score, pts.map((p) => ({ x: p.score, y: Math.log10(p.far) })));
}

/** The score ↔ FAR table published in docs/cloudauth-2019-scores.md (a test keeps the two equal). */
export function farTableMarkdown(calibration: Calibration): string {
  const s = scale2019(calibration);
  const rows = [50, 60, 65, 70, 75, 80, 85, 90, 92, 95, 97, 99].map((score) => {
    const far = farAt2019(score, s);
    const s2018 = ((interpolate(score, s.points.map((p) => ({ x: p.score, y: p.raw }))) - s.scale.zeroAt) / (s.scale.hundredAt - s.scale.zeroAt)) * 100;
    return `| ${score} | ${far.toExponential(1)} | ${s2018.toFixed(2)} |`;
  });
  return [
    '| 2019 score | our FAR (estimated) | same threshold as a 2018 SimilarityScore |',
    '|---|---|---|',
    ...rows,
    '',
    `Measured on: ${calibration.measured.impostorPairs} impostor and ${calibration.measured.genuinePairs} genuine pairs (${calibration.measured.protocol}); calibration generated ${calibration.measured.generatedAt}.`,
  ].join('\n');
}
