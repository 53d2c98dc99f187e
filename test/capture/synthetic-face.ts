import type { FaceObservation, FacePixels, FrameObservation, MeshPoint } from '../../capture/types';

export interface SyntheticFaceOptions {
  /** Eye aspect ratio of both eyes. */
  ear?: number;
  /** Mouth aspect ratio. */
  mar?: number;
  yaw?: number;
  pitch?: number;
  box?: { x: number; y: number; width: number; height: number };
  score?: number;
  real?: number | null;
  live?: number | null;
  /** Drop the pose so the landmark fallback is used; the nose then sits at this offset in [-1, 1]. */
  noPoseNoseOffset?: number;
}

/** A face whose 468-point mesh has exactly the eye, mouth and nose geometry asked for. */
export function syntheticFace(opts: SyntheticFaceOptions = {}): FaceObservation {
  const box = opts.box ?? { x: 220, y: 80, width: 200, height: 200 };
  const mesh: [number, number, number][] = Array.from({ length: 468 }, () => [box.x + box.width / 2, box.y + box.height / 2, 0]);
  const set = (i: number, x: number, y: number) => {
    mesh[i] = [x, y, 0];
  };
  const ear = opts.ear ?? 0.3;
  const eyeW = box.width * 0.15;
  const eyeY = box.y + box.height * 0.4;
  // Person's right eye (image left) then left eye (image right); EAR = vertical gap / width.
  for (const [outer, inner, up1, up2, lo1, lo2, x0] of [
    [33, 133, 160, 158, 144, 153, box.x + box.width * 0.2],
    [263, 362, 385, 387, 380, 373, box.x + box.width * 0.65],
  ] as const) {
    set(outer, x0, eyeY);
    set(inner, x0 + eyeW, eyeY);
    for (const [u, l, fx] of [[up1, lo1, 0.33], [up2, lo2, 0.66]] as const) {
      set(u, x0 + eyeW * fx, eyeY - (ear * eyeW) / 2);
      set(l, x0 + eyeW * fx, eyeY + (ear * eyeW) / 2);
    }
  }
  const mouthW = box.width * 0.4;
  const mouthY = box.y + box.height * 0.78;
  const mouthX = box.x + box.width * 0.3;
  set(61, mouthX, mouthY);
  set(291, mouthX + mouthW, mouthY);
  const mar = opts.mar ?? 0.05;
  set(13, mouthX + mouthW / 2, mouthY - (mar * mouthW) / 2);
  set(14, mouthX + mouthW / 2, mouthY + (mar * mouthW) / 2);
  set(234, box.x, box.y + box.height * 0.5);
  set(454, box.x + box.width, box.y + box.height * 0.5);
  set(1, box.x + box.width / 2 + (box.width / 2) * (opts.noPoseNoseOffset ?? 0), box.y + box.height * 0.55);
  return {
    box,
    score: opts.score ?? 0.95,
    mesh: mesh as MeshPoint[],
    pose: opts.noPoseNoseOffset === undefined ? { yaw: opts.yaw ?? 0, pitch: opts.pitch ?? 0, roll: 0 } : null,
    real: opts.real === undefined ? 0.9 : opts.real,
    live: opts.live === undefined ? 0.8 : opts.live,
  };
}

export const goodPixels: FacePixels = { meanLuma: 130, sharpness: 0.8 };

export function syntheticFrame(faces: FaceObservation[], timeMs = 0, pixels: FacePixels | null = goodPixels): FrameObservation {
  return { timeMs, width: 640, height: 360, faces, pixels: faces.length > 0 ? pixels : null };
}
