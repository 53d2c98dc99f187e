/**
 * What the capture pipeline reads from a face detector, in frame pixels. Shaped after Human's
 * FaceResult but declared here so the pure helpers run in Node tests and never import the DOM.
 */
export type MeshPoint = readonly [number, number, number?];

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface HeadPose {
  /** Radians; Human's convention: negative when the person turns to their own left (unmirrored image). */
  yaw: number;
  /** Radians; positive when the head tilts down. */
  pitch: number;
  roll: number;
}

export interface FaceObservation {
  box: Box;
  /** Detector confidence in [0, 1]. */
  score: number;
  /** Face-mesh landmarks (MediaPipe 468 indices, optionally followed by iris points). */
  mesh: readonly MeshPoint[];
  pose: HeadPose | null;
  /** Human's antispoof confidence that the face is real, when the model ran. */
  real: number | null;
  /** Human's liveness confidence, when the model ran. */
  live: number | null;
}

/** Pixel measurements over the main face, taken by the shell from the same frame the detector saw. */
export interface FacePixels {
  /** Mean luma in [0, 255]. */
  meanLuma: number;
  /** Focus measure in [0, 1] (see sharpnessScore). */
  sharpness: number;
}

export interface FrameObservation {
  /** Milliseconds on a monotonic clock. */
  timeMs: number;
  width: number;
  height: number;
  faces: readonly FaceObservation[];
  /** Measurements of faces[0] when there is exactly one face; null otherwise. */
  pixels: FacePixels | null;
}
