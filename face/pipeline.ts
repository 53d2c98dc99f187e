import type { FivePoints } from './align';
import type { CropView } from './calibration';
import type { RgbImage } from '../imaging/rgb';
import { OnnxEmbedder, meanDirection } from './onnx/embedder';
import { LandmarkRegressor } from './onnx/landmarks';
import { readManifests, shippedModelsDir, type ModelManifest } from './onnx/manifest';
import { createSession } from './onnx/session';
import { YunetDetector, type YunetFace } from './yunet';

// The ONNX face pipeline: YuNet finds faces (box + five points), landmarks-regression-0009 re-measures the
// five points on the face crop (optional), each embedder aligns its own crop on its template and embeds it,
// with its mirror image averaged in (flip TTA) when asked. Every stage is timed for the compare bench.

export interface PipelineFace {
  box: YunetFace['box'];
  score: number;
  /** The five points alignment uses (YuNet's, or 0009's when the pipeline has a landmark model). */
  points: FivePoints;
  detectorPoints: FivePoints;
}

export interface StageTimes {
  detect: number;
  landmarks: number;
  align: number;
  /** Milliseconds per embedder id. */
  embed: Record<string, number>;
}

export interface PipelineOptions {
  detector?: string;
  /** Landmark model id, or null to align on the detector's own points. */
  landmarks?: string | null;
  embedders: readonly string[];
  /** Extra folders of manifests (a site's own models). */
  modelDirs?: readonly string[];
  threads?: number;
}

export class OnnxPipeline {
  private constructor(
    private readonly detector: YunetDetector,
    private readonly landmarks: LandmarkRegressor | null,
    readonly embedders: readonly OnnxEmbedder[],
  ) {}

  static async create(options: PipelineOptions): Promise<OnnxPipeline> {
    const manifests = readManifests([shippedModelsDir(), ...(options.modelDirs ?? [])]);
    const get = (id: string, kind: ModelManifest['kind']): ModelManifest => {
      const m = manifests.get(id);
      if (!m || m.kind !== kind) throw new Error(`No ${kind} model '${id}' among the manifests (${[...manifests.keys()].join(', ')}); add its manifest to the models folder.`);
      return m;
    };
    const threads = options.threads ?? 1;
    const det = get(options.detector ?? 'yunet-2023mar', 'detector');
    const detector = await YunetDetector.create(det, await createSession(det, threads));
    const lmId = options.landmarks === undefined ? 'intel-landmarks-0009' : options.landmarks;
    const lm = lmId ? get(lmId, 'landmarks') : null;
    const landmarks = lm ? new LandmarkRegressor(lm, await createSession(lm, threads)) : null;
    const embedders: OnnxEmbedder[] = [];
    for (const id of options.embedders) {
      const m = get(id, 'embedder');
      embedders.push(new OnnxEmbedder(m, await createSession(m, threads)));
    }
    const pipeline = new OnnxPipeline(detector, landmarks, embedders);
    await pipeline.warmUp();
    return pipeline;
  }

  /** One pass through every model so the first request does not pay for allocation. */
  private async warmUp(): Promise<void> {
    const image: RgbImage = { width: 64, height: 64, data: new Uint8Array(64 * 64 * 3) };
    await this.detector.detect(image);
    const points: FivePoints = [[20, 25], [44, 25], [32, 36], [22, 46], [42, 46]];
    await this.landmarks?.points(image, { x: 8, y: 8, width: 48, height: 48 });
    for (const e of this.embedders) await e.embedCrops([e.crop(image, points), e.crop(image, points, true)]);
  }

  /** Faces, largest first, with the points each embedder aligns on. */
  async detect(image: RgbImage, times?: StageTimes): Promise<PipelineFace[]> {
    let t = performance.now();
    const found = await this.detector.detect(image);
    found.sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height);
    if (times) times.detect += performance.now() - t;
    const faces: PipelineFace[] = [];
    for (const f of found) {
      t = performance.now();
      // Only the largest face is embedded; the others need no refined points.
      const points = faces.length === 0 && this.landmarks ? await this.landmarks.points(image, f.box) : f.landmarks;
      if (times) times.landmarks += performance.now() - t;
      faces.push({ box: f.box, score: f.score, points, detectorPoints: f.landmarks });
    }
    return faces;
  }

  /** One vector per embedder for a face: the mean direction of that embedder's views (`views[i]`, one batch per embedder). */
  async embed(image: RgbImage, face: PipelineFace, views: readonly (readonly CropView[])[], times?: StageTimes): Promise<Float32Array[]> {
    if (views.length !== this.embedders.length) throw new Error(`embed needs one list of views per embedder (${this.embedders.length}), got ${views.length}`);
    const out: Float32Array[] = [];
    for (const [i, e] of this.embedders.entries()) {
      let t = performance.now();
      const crops = views[i]!.map((v) => e.crop(image, v.points === 'detector' ? face.detectorPoints : face.points, v.mirror, v.scale));
      if (times) times.align += performance.now() - t;
      t = performance.now();
      out.push(meanDirection(await e.embedCrops(crops)));
      if (times) times.embed[e.id] = (times.embed[e.id] ?? 0) + performance.now() - t;
    }
    return out;
  }
}

export function emptyTimes(): StageTimes {
  return { detect: 0, landmarks: 0, align: 0, embed: {} };
}
