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
  | 'Error.EngineClosed';

export class FaceError extends Error {
  override readonly name = 'FaceError';
  constructor(
    readonly code: FaceErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** A FaceError survives a structured clone across the worker boundary as this plain object. */
export interface FaceErrorData {
  code: FaceErrorCode;
  message: string;
}

export function toFaceErrorData(error: unknown): FaceErrorData {
  if (error instanceof FaceError) return { code: error.code, message: error.message };
  return { code: 'Error.InternalError', message: `Face engine failed: ${error instanceof Error ? error.message : String(error)}` };
}
