import type { CaptureSettings } from '../contract';
import { eyeOpenness, hasMesh } from './landmarks';
import type { FaceObservation, FrameObservation } from './types';

/** Each way a frame can fall short, in the order the person should fix them. */
export const QUALITY_ISSUES = [
  'no-face', 'multiple-faces', 'too-far', 'too-close', 'off-centre', 'turned', 'tilted', 'eyes-closed', 'too-dark', 'too-bright', 'blurry',
] as const;
export type QualityIssue = (typeof QUALITY_ISSUES)[number];

export type GateSettings = Pick<CaptureSettings, 'minFaceRatio' | 'maxYawRad' | 'maxPitchRad' | 'minSharpness'>;

// Fixed limits that are physics of a kiosk rather than policy, so they are not settings.
/** Face wider than this share of the frame is cut off by the crop margin. */
export const MAX_FACE_RATIO = 0.7;
/** Face centre may sit this far (share of frame size) from the frame centre. */
export const MAX_CENTRE_OFFSET = 0.2;
/** Eye aspect ratio under which the eyes count as closed (open eyes measure about 0.25-0.35). */
export const MIN_EYE_OPENNESS = 0.15;
/** Mean face luma outside [MIN_LUMA, MAX_LUMA] is too dark or washed out for a comparison. */
export const MIN_LUMA = 50;
export const MAX_LUMA = 215;
/** Detections below this confidence are noise (hands, posters far away), not a second person. */
export const MIN_FACE_SCORE = 0.5;

export interface QualityReport {
  ok: boolean;
  /** Every failing check, most important first; empty when ok. */
  issues: QualityIssue[];
  /** The one face when there is exactly one; null otherwise. */
  face: FaceObservation | null;
  /** Face width over frame width. */
  faceRatio: number | null;
}

/** Real faces in a frame: confident detections with a usable mesh. */
export function countedFaces(frame: FrameObservation): FaceObservation[] {
  return frame.faces.filter((f) => f.score >= MIN_FACE_SCORE && hasMesh(f));
}

/** The quality gate: one face, close enough, centred, frontal, eyes open, lit, in focus. */
export function assessQuality(frame: FrameObservation, settings: GateSettings): QualityReport {
  const faces = countedFaces(frame);
  if (faces.length === 0) return { ok: false, issues: ['no-face'], face: null, faceRatio: null };
  if (faces.length > 1) return { ok: false, issues: ['multiple-faces'], face: null, faceRatio: null };
  const face = faces[0]!;
  const issues: QualityIssue[] = [];
  const faceRatio = face.box.width / frame.width;
  if (faceRatio < settings.minFaceRatio) issues.push('too-far');
  if (faceRatio > MAX_FACE_RATIO) issues.push('too-close');
  const centre = faceCentreOffset(face, frame);
  if (Math.abs(centre.x) > MAX_CENTRE_OFFSET || Math.abs(centre.y) > MAX_CENTRE_OFFSET) issues.push('off-centre');
  if (face.pose && Math.abs(face.pose.yaw) > settings.maxYawRad) issues.push('turned');
  if (face.pose && Math.abs(face.pose.pitch) > settings.maxPitchRad) issues.push('tilted');
  if (eyeOpenness(face) < MIN_EYE_OPENNESS) issues.push('eyes-closed');
  const pixels = frame.pixels;
  if (pixels) {
    if (pixels.meanLuma < MIN_LUMA) issues.push('too-dark');
    if (pixels.meanLuma > MAX_LUMA) issues.push('too-bright');
    if (pixels.sharpness < settings.minSharpness) issues.push('blurry');
  } else {
    // Without pixels light and focus are unknown; an unknown is not a pass.
    issues.push('blurry');
  }
  return { ok: issues.length === 0, issues, face, faceRatio };
}

/** Where the face sits relative to the frame centre, in [-0.5, 0.5] of the frame (image coordinates). */
export function faceCentreOffset(face: FaceObservation, frame: Pick<FrameObservation, 'width' | 'height'>): { x: number; y: number } {
  return {
    x: (face.box.x + face.box.width / 2) / frame.width - 0.5,
    y: (face.box.y + face.box.height / 2) / frame.height - 0.5,
  };
}
