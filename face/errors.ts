/**
 * Error codes a face operation can fail with. The first four are cloudauth CompareFaces /
 * DetectFaceAttributes codes (developer guide 2018, §2.4.5–2.4.6); the rest are local conditions.
 */
export type FaceErrorCode =
  | 'Error.NoFaceDetected'
  | 'InvalidParam.FacePicNotGiven'
  | 'InvalidParam.ImageTypeInvalid'
  | 'InvalidParam.ImageValuePatternError'
  | 'InvalidParam.ParamMissing'
  | 'Error.InternalError'
  | 'Error.ModelMissing'
  | 'Error.EngineClosed'
  /** The face cannot be judged (too small, too blurred or too turned): capture again; not a mismatch. */
  | 'Error.FaceQualityTooLow';

/** Why a face was refused as Error.FaceQualityTooLow (face/quality.ts). */
export type FaceQualityReason = 'small' | 'blurred' | 'turned';

export class FaceError extends Error {
  override readonly name = 'FaceError';
  constructor(
    readonly code: FaceErrorCode,
    message: string,
    /** With Error.FaceQualityTooLow: which limit the face failed, and in which image. */
    readonly quality?: { reason: FaceQualityReason; image: 'IDPic' | 'FacePic' },
  ) {
    super(message);
  }
}

/** A FaceError survives a structured clone across the worker boundary as this plain object. */
export interface FaceErrorData {
  code: FaceErrorCode;
  message: string;
  quality?: FaceError['quality'];
}

export function toFaceErrorData(error: unknown): FaceErrorData {
  if (error instanceof FaceError) return { code: error.code, message: error.message, ...(error.quality ? { quality: error.quality } : {}) };
  return { code: 'Error.InternalError', message: `Face engine failed: ${error instanceof Error ? error.message : String(error)}` };
}
