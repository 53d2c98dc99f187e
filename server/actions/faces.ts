import type { ParsedRequest } from '../../cloudauth';
import { FaceError } from '../../face/errors';
import { ActionError, type RequestMeta, type ServiceContext } from '../context';
import { FaceQueueFullError } from '../face-pool';
import { ImageFetchError } from '../images/fetch-image';
import { resolveImage } from '../images/resolve-image';

/** Face-engine failures as spec codes; `fallback` is the action's own internal-error code. */
export function faceActionError(error: unknown, fallback: string): ActionError {
  if (error instanceof ActionError) return error;
  if (error instanceof FaceQueueFullError) return new ActionError('Throttling', error.message);
  if (error instanceof ImageFetchError) return new ActionError('InvalidParam.ImageNotAcceptable', error.message);
  if (error instanceof FaceError) {
    if (error.code === 'Error.NoFaceDetected') return new ActionError('Error.NoFaceDetected');
    if (error.code === 'InvalidParam.ImageValuePatternError') return new ActionError('InvalidParam.ImageNotAcceptable', error.message);
  }
  return new ActionError(fallback);
}

/** ConfidenceThresholds as the guide prints it: a JSON *string* mapping FAR to a two-decimal string. */
export function thresholdsText(thresholds: Record<string, number>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(thresholds).map(([far, t]) => [far, t.toFixed(2)])));
}

export async function compareFaces(ctx: ServiceContext, req: ParsedRequest<'CompareFaces'>, meta: RequestMeta): Promise<Record<string, unknown>> {
  try {
    const [source, target] = await Promise.all([resolveImage(ctx, req.SourceImageValue, meta.method), resolveImage(ctx, req.TargetImageValue, meta.method)]);
    const result = await ctx.face.run((face) =>
      face.compare(source, target, { sourceType: req.SourceImageType ?? 'FacePic', targetType: req.TargetImageType ?? 'FacePic' }),
    );
    ctx.note({ score: result.SimilarityScore });
    return { SimilarityScore: Number(result.SimilarityScore.toFixed(4)), ConfidenceThresholds: thresholdsText(result.ConfidenceThresholds) };
  } catch (error) {
    throw faceActionError(error, 'Error.CompareFacesError');
  }
}

type DetectRequest = {
  MaterialValue: string;
  RetAttributes: string[];
  MaxFaceNum: number;
};

export async function detectFaceAttributes(ctx: ServiceContext, req: DetectRequest, meta: RequestMeta): Promise<Record<string, unknown>> {
  try {
    const image = await resolveImage(ctx, req.MaterialValue, meta.method);
    const result = await ctx.face.run((face) => face.detectAttributes(image, req.MaxFaceNum));
    const wanted = new Set(req.RetAttributes);
    return {
      ImgWidth: result.ImgWidth,
      ImgHeight: result.ImgHeight,
      FaceInfos: {
        FaceAttributesDetectInfo: result.FaceInfos.FaceAttributesDetectInfo.map((info) => ({
          // Only the attributes asked for, as the guide's RetAttributes says.
          FaceAttributes: Object.fromEntries(Object.entries(info.FaceAttributes).filter(([name]) => wanted.has(name))),
          FaceRect: info.FaceRect,
        })),
      },
    };
  } catch (error) {
    throw faceActionError(error, 'Error.InternalError');
  }
}
