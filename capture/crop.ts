import type { Box } from './types';

/** Margin around the face box on each side, as a share of the box size: head, hair and chin stay in. */
export const CROP_MARGIN = 0.6;

/**
 * The region to send to main: the face box grown by `margin` on every side, squared up around
 * the face centre and clamped to the frame, in whole pixels.
 */
export function cropRegion(face: Box, frame: { width: number; height: number }, margin = CROP_MARGIN): Box {
  const side = Math.max(face.width, face.height) * (1 + 2 * margin);
  const cx = face.x + face.width / 2;
  const cy = face.y + face.height / 2;
  const x0 = Math.max(0, Math.floor(cx - side / 2));
  const y0 = Math.max(0, Math.floor(cy - side / 2));
  const x1 = Math.min(frame.width, Math.ceil(cx + side / 2));
  const y1 = Math.min(frame.height, Math.ceil(cy + side / 2));
  return { x: x0, y: y0, width: Math.max(1, x1 - x0), height: Math.max(1, y1 - y0) };
}

/**
 * The smallest camera frame width the kiosk supports. With it, the capture gate's smallest face
 * (minFaceRatio of the width) cropped with the page's margin gives the smallest live frame an
 * honest capture can produce.
 */
export const MIN_CAMERA_WIDTH = 640;
/** Room for the crop being clamped at the frame edge and the detector's box being tight. */
const SIZE_SLACK = 0.8;

/** Smallest side, in pixels, that the page's crop of a gate-passing face can have. */
export function minLiveSide(settings: { minFaceRatio: number }): number {
  return Math.floor(settings.minFaceRatio * MIN_CAMERA_WIDTH * (1 + 2 * CROP_MARGIN) * SIZE_SLACK);
}
