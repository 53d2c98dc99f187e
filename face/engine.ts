import { JITTERS, jitteredCrops, meanVector, type Landmarks } from './align';
import { faceAttributes, type DetectFaceAttributesResult } from './attributes';
import { modelName, type Calibration, type ModelMember } from './calibration';
import { checkImageTypes, compareEmbeddings, type CompareOptions, type CompareResult, type FaceEmbedding, type ImageType } from './compare';
import { shippedCalibration } from './shipped-calibration';
import { FaceDetector } from './detector';
import { loadEmbedder, type Embedder } from './embedders';
import { FaceError } from './errors';

export { checkImageTypes, compareEmbeddings, IMAGE_TYPES } from './compare';
export type { CompareOptions, CompareResult, FaceEmbedding, ImageType } from './compare';
import { decodeImage } from './image/decode';
import type { RgbImage } from '../imaging/rgb';
import { loadTf } from './runtime';

export interface FaceEngineOptions {
  calibration?: Calibration;
  /** Load Human's age/gender/emotion models for detectAttributes (default true). */
  attributes?: boolean;
}

/**
 * The local face engine: decode (JPEG/PNG/BMP), detect the largest face, align on five landmarks,
 * embed with the calibrated model, score. Heavy: create it once, in a worker thread (face/worker.ts).
 */
export class FaceEngine {
  private constructor(
    readonly calibration: Calibration,
    private readonly detector: FaceDetector,
    /** One per calibration member, in the same order. */
    private readonly embedders: readonly Embedder[],
  ) {}

  static async create(options: FaceEngineOptions = {}): Promise<FaceEngine> {
    const calibration = options.calibration ?? shippedCalibration();
    const tf = await loadTf();
    const detector = await FaceDetector.create(tf, { attributes: options.attributes ?? true });
    const embedders: Embedder[] = [];
    for (const { id, padding, raw, landmarks } of calibration.model.members) embedders.push(await loadEmbedder(tf, id, { padding, raw, landmarks }));
    const engine = new FaceEngine(calibration, detector, embedders);
    await engine.warmUp();
    return engine;
  }

  /** One pass through every model so the first real request does not pay for shader/kernel setup. */
  private async warmUp(): Promise<void> {
    for (const e of this.embedders) await e.embed([new Float32Array(e.template.size * e.template.size * 3)]);
    await this.detector.detect({ width: 64, height: 64, data: new Uint8Array(64 * 64 * 3) });
  }

  /** Embed the largest face in an encoded image; an IDPic gets the calibrated test-time augmentation. */
  async embed(bytes: Uint8Array, type: ImageType = 'FacePic'): Promise<FaceEmbedding> {
    return this.embedImage(await decodeImage(bytes), type);
  }

  async embedImage(image: RgbImage, type: ImageType = 'FacePic'): Promise<FaceEmbedding> {
    const faces = await this.detector.detect(image);
    const face = faces[0];
    if (!face) throw new FaceError('Error.NoFaceDetected', 'No face was detected in the image.');
    const parts: Float32Array[] = [];
    for (const [i, member] of this.calibration.model.members.entries()) {
      parts.push(await this.embedMember(this.embedders[i]!, member, image, face.landmarks, type));
    }
    const vector = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    parts.reduce((offset, p) => (vector.set(p, offset), offset + p.length), 0);
    return { model: modelName(this.calibration), vector, box: face.box, faces: faces.length };
  }

  private async embedMember(embedder: Embedder, member: ModelMember, image: RgbImage, landmarks: Landmarks, type: ImageType): Promise<Float32Array> {
    const count = type === 'IDPic' ? Math.min(member.idPicCrops, JITTERS.length) : 1;
    const crops = jitteredCrops(image, landmarks, embedder.template, count);
    if (member.flip) crops.push(...jitteredCrops(image, landmarks, embedder.template, count, true));
    const vector = meanVector(await embedder.embed(crops));
    if (member.dims && vector.length !== member.dims) {
      throw new FaceError('Error.InternalError', `${member.id} produced ${vector.length} values; the calibration expects ${member.dims}. Regenerate it.`);
    }
    return vector;
  }

  /** CompareFaces: similarity of the largest faces of two images, with calibrated thresholds. */
  async compare(source: Uint8Array, target: Uint8Array, options: CompareOptions = {}): Promise<CompareResult> {
    checkImageTypes(options.sourceType ?? 'FacePic', options.targetType ?? 'FacePic');
    const a = await this.embed(source, options.sourceType);
    const b = await this.embed(target, options.targetType);
    return compareEmbeddings(a, b, this.calibration);
  }

  /** DetectFaceAttributes for every face (largest first, at most maxFaces). */
  async detectAttributes(bytes: Uint8Array, maxFaces = 1): Promise<DetectFaceAttributesResult> {
    const image = await decodeImage(bytes);
    const faces = (await this.detector.detect(image, true)).slice(0, Math.max(1, maxFaces));
    return {
      ImgWidth: image.width,
      ImgHeight: image.height,
      FaceInfos: { FaceAttributesDetectInfo: faces.map((f) => faceAttributes(image, f)) },
    };
  }
}
