import type { FaceObservation, MeshPoint } from './types';

// MediaPipe face-mesh indices. "Right" and "left" are the person's own sides.
const RIGHT_EYE = { outer: 33, inner: 133, upper: [160, 158], lower: [144, 153] } as const;
const LEFT_EYE = { outer: 263, inner: 362, upper: [385, 387], lower: [380, 373] } as const;
const LIP_UPPER_INNER = 13;
const LIP_LOWER_INNER = 14;
const MOUTH_RIGHT_CORNER = 61;
const MOUTH_LEFT_CORNER = 291;
const NOSE_TIP = 1;
const CHEEK_RIGHT = 234;
const CHEEK_LEFT = 454;

/** Smallest mesh the landmark measures can use (Human returns 468, or 478 with iris). */
export const MESH_POINTS = 468;

function distance(a: MeshPoint, b: MeshPoint): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1]);
}

function point(mesh: readonly MeshPoint[], index: number): MeshPoint {
  const p = mesh[index];
  if (!p) throw new RangeError(`face mesh has no point ${index}; expected ${MESH_POINTS} points`);
  return p;
}

export function hasMesh(face: FaceObservation): boolean {
  return face.mesh.length >= MESH_POINTS;
}

function eyeAspectRatio(mesh: readonly MeshPoint[], eye: typeof RIGHT_EYE | typeof LEFT_EYE): number {
  const width = distance(point(mesh, eye.outer), point(mesh, eye.inner));
  if (width === 0) return 0;
  const v1 = distance(point(mesh, eye.upper[0]), point(mesh, eye.lower[0]));
  const v2 = distance(point(mesh, eye.upper[1]), point(mesh, eye.lower[1]));
  return (v1 + v2) / (2 * width);
}

/**
 * Eye aspect ratio (Soukupová & Čech 2016), mean of both eyes: about 0.25-0.35 open, well
 * under that when closed. Scale-free, so it does not depend on the distance to the camera.
 */
export function eyeOpenness(face: FaceObservation): number {
  return (eyeAspectRatio(face.mesh, RIGHT_EYE) + eyeAspectRatio(face.mesh, LEFT_EYE)) / 2;
}

/** Mouth aspect ratio: inner-lip gap over mouth width; near 0 closed, above 0.3 clearly open. */
export function mouthOpenness(face: FaceObservation): number {
  const width = distance(point(face.mesh, MOUTH_RIGHT_CORNER), point(face.mesh, MOUTH_LEFT_CORNER));
  if (width === 0) return 0;
  return distance(point(face.mesh, LIP_UPPER_INNER), point(face.mesh, LIP_LOWER_INNER)) / width;
}

/**
 * Where the nose tip sits between the cheeks, in [-1, 1] of the image: positive when it points
 * toward the image's right edge. Used to check the direction of the detector's yaw.
 */
export function noseOffset(face: FaceObservation): number {
  const nose = point(face.mesh, NOSE_TIP);
  const right = point(face.mesh, CHEEK_RIGHT);
  const left = point(face.mesh, CHEEK_LEFT);
  const span = Math.abs(left[0] - right[0]);
  if (span === 0) return 0;
  const mid = (left[0] + right[0]) / 2;
  return Math.max(-1, Math.min(1, (nose[0] - mid) / (span / 2)));
}

/**
 * The person's head turn in radians, positive toward their own left. Human's yaw is negative
 * for that turn; without a pose we fall back to the mesh (asin of the nose offset, rough).
 */
export function turnToOwnLeft(face: FaceObservation): number {
  if (face.pose) return -face.pose.yaw;
  // In an unmirrored camera image the person's left is the image's right.
  return Math.asin(noseOffset(face));
}
