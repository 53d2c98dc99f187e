import type { CaptureSettings } from '../../../contract';
import { minLiveSide } from '../../../capture/crop';
import { checkLiveFrame as checkFrame, type FrameVerdict } from '../../../imaging/live-frame';
import type { ChipPhoto } from '../reader/types';

// The checks moved to imaging/live-frame.ts so the service's H5 endpoint runs the same ones; main's signature stays.
export { MIN_CAMERA_WIDTH, minLiveSide } from '../../../capture/crop';
export { NEAR_IDENTICAL, pictureSimilarity, type FrameVerdict } from '../../../imaging/live-frame';

export function checkLiveFrame(live: Buffer, chip: ChipPhoto | null, settings: Pick<CaptureSettings, 'minFaceRatio'>): Promise<FrameVerdict> {
  return checkFrame(live, chip, minLiveSide(settings));
}
