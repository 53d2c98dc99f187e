import { confidenceThresholds, fusedSimilarity, modelName, toScore, type Calibration, type ReportedFar } from './calibration';
import type { DetectedFace } from './detector';
import { FaceError } from './errors';

// The pure half of CompareFaces: image-type rules and scoring two embeddings. No models here, so the
// main process (CLI, provider, worker pool) can use it without loading tfjs.

/** CompareFaces image types: a live face photo, or the photo read from an ID card chip. */
export type ImageType = 'FacePic' | 'IDPic';
export const IMAGE_TYPES: readonly ImageType[] = ['FacePic', 'IDPic'];

/** The face an embedding was taken from (no pixels: embeddings and boxes are all that leave the engine). */
export interface FaceEmbedding {
  /** The calibration's model name, e.g. "dlib+mobilefacenet". */
  model: string;
  /** The members' vectors, concatenated in calibration order. */
  vector: Float32Array;
  box: DetectedFace['box'];
  /** How many faces the image held; the largest was used. */
  faces: number;
  /** Milliseconds per stage (decode, detect, landmarks, align, embed per model), for the compare bench. */
  stages?: { decode: number; detect: number; landmarks: number; align: number; embed: Record<string, number> };
}

/** CompareFaces' Data, with ConfidenceThresholds as an object rather than a JSON string. */
export interface CompareResult {
  SimilarityScore: number;
  ConfidenceThresholds: Record<ReportedFar, number>;
}

export interface CompareOptions {
  sourceType?: ImageType;
  targetType?: ImageType;
}

/** Validate CompareFaces image types: both known, at least one FacePic. */
export function checkImageTypes(sourceType: unknown, targetType: unknown): void {
  for (const t of [sourceType, targetType]) {
    if (!IMAGE_TYPES.includes(t as ImageType)) {
      throw new FaceError('InvalidParam.ImageTypeInvalid', `Image type '${String(t)}' is not valid; use FacePic or IDPic.`);
    }
  }
  if (sourceType !== 'FacePic' && targetType !== 'FacePic') {
    throw new FaceError('InvalidParam.FacePicNotGiven', 'At least one of the two images must be a FacePic (a live face photo).');
  }
}

/** Score two embeddings with a calibration (pure; the CLI batch mode and the provider use it too). */
export function compareEmbeddings(a: FaceEmbedding, b: FaceEmbedding, calibration: Calibration): CompareResult {
  const expected = modelName(calibration);
  if (a.model !== expected || b.model !== expected) {
    throw new FaceError('Error.InternalError', `Embeddings from ${a.model} and ${b.model} cannot be scored with a ${expected} calibration.`);
  }
  const raw = fusedSimilarity(a.vector, b.vector, calibration.model.members);
  return { SimilarityScore: toScore(raw, calibration.scale), ConfidenceThresholds: confidenceThresholds(calibration) };
}

