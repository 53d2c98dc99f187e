import { JITTERS, jitteredCrops, meanVector, type Landmarks } from './align';
import { faceAttributes, type DetectFaceAttributesResult } from './attributes';
import { memberViews, modelName, type Calibration, type ModelMember } from './calibration';
import { checkImageTypes, compareEmbeddings, type CompareOptions, type CompareResult, type FaceEmbedding, type ImageType } from './compare';
import { shippedCalibration } from './shipped-calibration';
import { FaceDetector } from './detector';
import { EMBEDDER_IDS, loadEmbedder, type Embedder, type EmbedderId } from './embedders';
import { FaceError } from './errors';
import { emptyTimes, OnnxPipeline } from './pipeline';
import { measureQuality, qualityMessage, qualityProblem } from './quality';

export { checkImageTypes, compareEmbeddings, IMAGE_TYPES } from './compare';
export type { CompareOptions, CompareResult, FaceEmbedding, ImageType } from './compare';
import { decodeImage } from './image/decode';
import type { RgbImage } from '../imaging/rgb';
import { loadTf } from './runtime';

export interface FaceEngineOptions {
  calibration?: Calibration;
  /** Load Human's age/gender/emotion models for detectAttributes (default true). */
  attributes?: boolean;
  /** Extra folders of model manifests (a site's own models), searched after face/models. */
  modelDirs?: readonly string[];
}

/** How one image becomes the calibration's embedding (the tfjs engine, or the ONNX pipeline). */
interface Backend {
  embed(image: RgbImage, type: ImageType, stages: NonNullable<FaceEmbedding['stages']>): Promise<FaceEmbedding>;
}

/**
 * The local face engine: decode (JPEG/PNG/BMP), detect the largest face, align on five landmarks,
 * embed with the calibrated model(s), score. The calibration chooses the backend: version 3 runs the ONNX
 * pipeline (YuNet → optional landmark model → manifest embedders), version 2 the tfjs one (Human → dlib/MobileFaceNet).
 * Heavy: create it once, in a worker thread (face/worker.ts).
 */
export class FaceEngine {
  private attributeDetector: Promise<FaceDetector> | null = null;

  private constructor(
    readonly calibration: Calibration,
    private readonly backend: Backend,
    attributeDetector: FaceDetector | null,
  ) {
    if (attributeDetector) this.attributeDetector = Promise.resolve(attributeDetector);
  }

  static async create(options: FaceEngineOptions = {}): Promise<FaceEngine> {
    const calibration = options.calibration ?? shippedCalibration();
    const attributes = options.attributes ?? true;
    if (calibration.pipeline) {
      const pipeline = await OnnxPipeline.create({
        detector: calibration.pipeline.detector,
        landmarks: calibration.pipeline.landmarks,
        embedders: calibration.model.members.map((m) => m.id),
        modelDirs: options.modelDirs,
      });
      const detector = attributes ? await FaceDetector.create(await loadTf(), { attributes: true }) : null;
      return new FaceEngine(calibration, onnxBackend(calibration, pipeline), detector);
    }
    const tf = await loadTf();
    const detector = await FaceDetector.create(tf, { attributes });
    const embedders: Embedder[] = [];
    for (const { id, padding, raw, landmarks } of calibration.model.members) {
      if (!EMBEDDER_IDS.includes(id as EmbedderId)) throw new FaceError('Error.ModelMissing', `Calibration member ${id} is not a tfjs embedder; a version 3 calibration names its pipeline.`);
      embedders.push(await loadEmbedder(tf, id as EmbedderId, { padding, raw, landmarks }));
    }
    for (const e of embedders) await e.embed([new Float32Array(e.template.size * e.template.size * 3)]);
    await detector.detect({ width: 64, height: 64, data: new Uint8Array(64 * 64 * 3) });
    return new FaceEngine(calibration, tfjsBackend(calibration, detector, embedders), detector);
  }

  /** Embed the largest face in an encoded image; `stages` says where the time went (decode, detect, align, embed). */
  async embed(bytes: Uint8Array, type: ImageType = 'FacePic'): Promise<FaceEmbedding> {
    const started = performance.now();
    const image = await decodeImage(bytes);
    const decode = performance.now() - started;
    const result = await this.embedImage(image, type);
    return { ...result, stages: { ...result.stages!, decode } };
  }

  async embedImage(image: RgbImage, type: ImageType = 'FacePic'): Promise<FaceEmbedding> {
    return this.backend.embed(image, type, { decode: 0, ...emptyTimes() });
  }

  /** CompareFaces: similarity of the largest faces of two images, with calibrated thresholds. */
  async compare(source: Uint8Array, target: Uint8Array, options: CompareOptions = {}): Promise<CompareResult> {
    checkImageTypes(options.sourceType ?? 'FacePic', options.targetType ?? 'FacePic');
    const a = await this.embed(source, options.sourceType);
    const b = await this.embed(target, options.targetType);
    return compareEmbeddings(a, b, this.calibration);
  }

  /** DetectFaceAttributes for every face (largest first, at most maxFaces); Human's models load on first use. */
  async detectAttributes(bytes: Uint8Array, maxFaces = 1): Promise<DetectFaceAttributesResult> {
    const image = await decodeImage(bytes);
    this.attributeDetector ??= loadTf().then((tf) => FaceDetector.create(tf, { attributes: true }));
    const faces = (await (await this.attributeDetector).detect(image, true)).slice(0, Math.max(1, maxFaces));
    return {
      ImgWidth: image.width,
      ImgHeight: image.height,
      FaceInfos: { FaceAttributesDetectInfo: faces.map((f) => faceAttributes(image, f)) },
    };
  }
}

function noFace(): FaceError {
  return new FaceError('Error.NoFaceDetected', 'No face was detected in the image.');
}

/**
 * YuNet (→ landmark model, if the calibration names one) → each member's aligned crops (its calibrated views), behind
 * the quality gate. Quality is measured on the detector's points, as the calibration was.
 */
function onnxBackend(calibration: Calibration, pipeline: OnnxPipeline): Backend {
  const limits = calibration.pipeline!.quality;
  const views = calibration.model.members.map((m) => memberViews(m, calibration.pipeline!));
  return {
    async embed(image, type, stages) {
      const faces = await pipeline.detect(image, stages);
      const face = faces[0];
      if (!face) throw noFace();
      const measures = measureQuality(image, face.detectorPoints);
      const problem = qualityProblem(measures, limits);
      // A face that cannot be judged is refused, never scored: a low score would read as "another person".
      if (problem) throw new FaceError('Error.FaceQualityTooLow', qualityMessage(problem, measures, type), { reason: problem, image: type });
      const parts = await pipeline.embed(image, face, views, stages);
      return { model: modelName(calibration), vector: concat(parts), box: face.box, faces: faces.length, stages };
    },
  };
}

function tfjsBackend(calibration: Calibration, detector: FaceDetector, embedders: readonly Embedder[]): Backend {
  const embedMember = async (embedder: Embedder, member: ModelMember, image: RgbImage, landmarks: Landmarks, type: ImageType) => {
    const count = type === 'IDPic' ? Math.min(member.idPicCrops, JITTERS.length) : 1;
    const crops = jitteredCrops(image, landmarks, embedder.template, count);
    if (member.flip) crops.push(...jitteredCrops(image, landmarks, embedder.template, count, true));
    const vector = meanVector(await embedder.embed(crops));
    if (member.dims && vector.length !== member.dims) {
      throw new FaceError('Error.InternalError', `${member.id} produced ${vector.length} values; the calibration expects ${member.dims}. Regenerate it.`);
    }
    return vector;
  };
  return {
    async embed(image, type, stages) {
      let t = performance.now();
      const faces = await detector.detect(image);
      stages.detect += performance.now() - t;
      const face = faces[0];
      if (!face) throw noFace();
      const parts: Float32Array[] = [];
      for (const [i, member] of calibration.model.members.entries()) {
        t = performance.now();
        parts.push(await embedMember(embedders[i]!, member, image, face.landmarks, type));
        stages.embed[member.id] = (stages.embed[member.id] ?? 0) + performance.now() - t;
      }
      return { model: modelName(calibration), vector: concat(parts), box: face.box, faces: faces.length, stages };
    },
  };
}

function concat(parts: readonly Float32Array[]): Float32Array {
  const vector = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((offset, p) => (vector.set(p, offset), offset + p.length), 0);
  return vector;
}
