import { JITTERS, jitteredCrops, meanVector } from './align';
import { faceAttributes, type DetectFaceAttributesResult } from './attributes';
import type { Calibration } from './calibration';
import { checkImageTypes, compareEmbeddings, type CompareOptions, type CompareResult, type FaceEmbedding, type ImageType } from './compare';
import { shippedCalibration } from './shipped-calibration';
import { FaceDetector } from './detector';
import { loadEmbedder, type Embedder } from './embedders';
import { FaceError } from './errors';

export { checkImageTypes, compareEmbeddings, IMAGE_TYPES } from './compare';
export type { CompareOptions, CompareResult, FaceEmbedding, ImageType } from './compare';
import { decodeImage } from './image/decode';
import type { RgbImage } from './image/rgb';
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
    private readonly embedder: Embedder,
  ) {}

  static async create(options: FaceEngineOptions = {}): Promise<FaceEngine> {
    const calibration = options.calibration ?? shippedCalibration();
    const tf = await loadTf();
    const detector = await FaceDetector.create(tf, { attributes: options.attributes ?? true });
    const { id, padding, raw, landmarks } = calibration.model;
    const embedder = await loadEmbedder(tf, id, { padding, raw, landmarks });
    const engine = new FaceEngine(calibration, detector, embedder);
    await engine.warmUp();
    return engine;
  }

  /** One pass through every model so the first real request does not pay for shader/kernel setup. */
  private async warmUp(): Promise<void> {
    const size = this.embedder.template.size;
    await this.embedder.embed([new Float32Array(size * size * 3)]);
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
    const { flip, idPicCrops } = this.calibration.model;
    const count = type === 'IDPic' ? Math.min(idPicCrops, JITTERS.length) : 1;
    const template = this.embedder.template;
    const crops = jitteredCrops(image, face.landmarks, template, count);
    if (flip) crops.push(...jitteredCrops(image, face.landmarks, template, count, true));
    const vector = meanVector(await this.embedder.embed(crops));
    return { model: this.embedder.id, vector, box: face.box, faces: faces.length };
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
