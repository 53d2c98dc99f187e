import { REPORTED_FARS, toScore, type Calibration, type ReportedFar } from './calibration';
import { confidentThreshold, equalErrorRate, frrAt, impostorsNeeded } from './metrics';

// A site's own calibration (`renzheng calibrate --pairs FILE`): the engine's model and score scale, with
// thresholds set on the operator's consented chip/camera pairs. Real chip photos and kiosk cameras differ from
// any public set; this closes the gap. Pure: scores in, calibration (or a refusal) out.

export class TooFewImpostors extends Error {
  override readonly name = 'TooFewImpostors';
  constructor(
    readonly far: number,
    readonly have: number,
    readonly need: number,
  ) {
    super(
      `${have} impostor pairs cannot support a false-accept rate of ${far}: even with none accepted, the 95% upper bound stays above it. ` +
        `Add impostor pairs (at least ${need}; chip photo of one person against the live photo of another) or choose a larger --far.`,
    );
  }
}

export interface SiteScores {
  /** Raw (fused) similarities of pairs labelled the same person. */
  genuine: number[];
  /** Raw similarities of pairs labelled different people. */
  impostor: number[];
}

/**
 * Thresholds from the site's impostor pairs with a 95% confidence bound. `far` must be supported or the
 * calibration is refused (TooFewImpostors); smaller FARs the pairs cannot support keep the base calibration's
 * threshold, raised if needed so a smaller FAR never has a lower threshold than a larger one.
 */
export function buildSiteCalibration(base: Calibration, scores: SiteScores, far: number, source: string, now = new Date()): Calibration {
  if (!REPORTED_FARS.some((f) => Number(f) === far)) throw new RangeError(`FAR ${far} is not one of ${REPORTED_FARS.join(', ')}.`);
  const impostor = scores.impostor.filter(Number.isFinite);
  if (!confidentThreshold(impostor, far)) throw new TooFewImpostors(far, impostor.length, impostorsNeeded(far));
  const thresholds = { ...base.thresholds };
  // From the largest FAR down, so each smaller FAR can be held at least as high as the one before it.
  let floor = Number.NEGATIVE_INFINITY;
  for (const key of [...REPORTED_FARS].sort((a, b) => Number(b) - Number(a)) as ReportedFar[]) {
    const site = confidentThreshold(impostor, Number(key));
    const raw = Math.max(site ? site.threshold : base.thresholds[key].raw, floor);
    thresholds[key] = { raw, score: toScore(raw, base.scale), method: site ? 'confidence-bound' : 'inherited' };
    floor = raw;
  }
  const genuine = scores.genuine.filter((s) => !Number.isNaN(s));
  return {
    ...base,
    thresholds,
    measured: {
      generatedAt: now.toISOString(),
      protocol: `site pairs (${source}); thresholds: the lowest whose 95% upper bound on FAR over the site's impostor pairs is within the FAR; 'inherited' ones are the shipped calibration's`,
      genuinePairs: genuine.length,
      impostorPairs: impostor.length,
      eer: genuine.length && impostor.length ? equalErrorRate(genuine, impostor) : null,
      frrAtFar: Object.fromEntries(REPORTED_FARS.map((f) => [f, genuine.length ? frrAt(genuine, thresholds[f].raw) : null])),
      note: `Site calibration on ${impostor.length} impostor and ${genuine.length} genuine pairs; base: ${base.measured.protocol.slice(0, 80)}…`,
    },
  };
}
