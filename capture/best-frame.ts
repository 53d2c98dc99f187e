import type { FaceObservation, FacePixels } from './types';

/**
 * How good a gate-passing frame is for the comparison in main: a confident, large, sharp,
 * frontal face. Each term is in [0, 1]; the product punishes a frame weak on any of them.
 */
export function frameScore(face: FaceObservation, pixels: FacePixels, frameWidth: number): number {
  const size = Math.min(1, face.box.width / frameWidth / 0.4);
  const yaw = face.pose ? Math.abs(face.pose.yaw) : 0;
  const pitch = face.pose ? Math.abs(face.pose.pitch) : 0;
  const frontal = Math.max(0, Math.cos(yaw) * Math.cos(pitch));
  return face.score * size * pixels.sharpness * frontal;
}

/** Keeps the highest-scoring candidate seen; the shell snapshots pixels only when offer() says so. */
export class BestFrameTracker<T> {
  private best: { score: number; value: T } | null = null;

  /** True when the candidate became the new best (so the shell should keep its pixels). */
  wouldAccept(score: number): boolean {
    return this.best === null || score > this.best.score;
  }

  offer(score: number, value: T): boolean {
    if (!this.wouldAccept(score)) return false;
    this.best = { score, value };
    return true;
  }

  get current(): { score: number; value: T } | null {
    return this.best;
  }

  reset(): void {
    this.best = null;
  }
}
