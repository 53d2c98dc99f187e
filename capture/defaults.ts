import type { CaptureSettings } from '../contract';

/** The capture policy's defaults: the kiosk's settings start from them, and so does the service's H5 page. */
export const DEFAULT_CAPTURE_SETTINGS: CaptureSettings = {
  cameraDeviceId: null,
  width: 1280,
  height: 720,
  preferredBackend: 'auto',
  minFaceRatio: 0.18,
  maxYawRad: 0.35,
  maxPitchRad: 0.35,
  minSharpness: 0.25,
  antispoofMin: 0.5,
  livenessMin: 0.5,
  activeChallenges: ['blink', 'turn-left', 'turn-right', 'open-mouth'],
  blinkClosedRatio: 0.6,
  mouthOpenMin: 0.35,
  challengeTimeoutMs: 8000,
  captureTimeoutMs: 30_000,
};
