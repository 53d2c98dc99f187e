import type { FaceObservation, MeshPoint } from './types';

/** The part of Human's FaceResult the capture reads (declared structurally; Human's own types are not needed here). */
export interface HumanFaceLike {
  box: readonly [number, number, number, number] | readonly number[];
  score: number;
  mesh: readonly (readonly [number, number, number?])[];
  rotation?: { angle: { yaw: number; pitch: number; roll: number } } | null;
  real?: number;
  live?: number;
}

export function observationFromHuman(face: HumanFaceLike): FaceObservation {
  const [x = 0, y = 0, width = 0, height = 0] = face.box;
  const angle = face.rotation?.angle;
  return {
    box: { x, y, width, height },
    score: face.score,
    mesh: face.mesh as readonly MeshPoint[],
    pose: angle ? { yaw: angle.yaw, pitch: angle.pitch, roll: angle.roll } : null,
    real: typeof face.real === 'number' && Number.isFinite(face.real) ? face.real : null,
    live: typeof face.live === 'number' && Number.isFinite(face.live) ? face.live : null,
  };
}
