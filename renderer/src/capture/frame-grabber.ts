import { MAX_CAPTURE_BYTES } from '../../../contract';
import { cropRegion } from '../../../capture/crop';
import { FACE_SAMPLE_SIZE, meanLuma, sharpnessScore } from '../../../imaging/metrics';
import type { Box, FacePixels } from '../../../capture/types';

/** Longest side of the JPEG sent to main: plenty for a face comparison, small on the wire. */
export const MAX_CROP_SIDE = 800;
const JPEG_QUALITIES = [0.92, 0.85, 0.75, 0.6];

function canvas2d(width: number, height: number): { canvas: HTMLCanvasElement; ctx: CanvasRenderingContext2D } {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('2D canvas is unavailable');
  return { canvas, ctx };
}

/**
 * Copies each video frame once into a canvas, so the detector, the pixel measures and the kept
 * best frame all see exactly the same picture.
 */
export class FrameGrabber {
  private frame: ReturnType<typeof canvas2d> | null = null;
  private kept: ReturnType<typeof canvas2d> | null = null;
  private readonly sample = canvas2d(FACE_SAMPLE_SIZE, FACE_SAMPLE_SIZE);

  grab(video: HTMLVideoElement): HTMLCanvasElement {
    const { videoWidth: w, videoHeight: h } = video;
    if (!this.frame || this.frame.canvas.width !== w || this.frame.canvas.height !== h) this.frame = canvas2d(w, h);
    this.frame.ctx.drawImage(video, 0, 0, w, h);
    return this.frame.canvas;
  }

  /** Light and focus of the face, measured on a fixed-size resample so distance does not matter. */
  facePixels(box: Box): FacePixels {
    if (!this.frame) throw new Error('no frame grabbed yet');
    const { ctx } = this.sample;
    ctx.drawImage(this.frame.canvas, box.x, box.y, Math.max(1, box.width), Math.max(1, box.height), 0, 0, FACE_SAMPLE_SIZE, FACE_SAMPLE_SIZE);
    const data = ctx.getImageData(0, 0, FACE_SAMPLE_SIZE, FACE_SAMPLE_SIZE).data;
    return { meanLuma: meanLuma(data), sharpness: sharpnessScore(data, FACE_SAMPLE_SIZE, FACE_SAMPLE_SIZE) };
  }

  /** Keep the current frame as the best so far (a copy: the next grab overwrites the frame). */
  keep(): void {
    if (!this.frame) return;
    const { width, height } = this.frame.canvas;
    if (!this.kept || this.kept.canvas.width !== width || this.kept.canvas.height !== height) this.kept = canvas2d(width, height);
    this.kept.ctx.drawImage(this.frame.canvas, 0, 0);
  }

  /** The kept frame cropped around the face with margin, as JPEG base64 within the contract's size limit. */
  async encodeKept(face: Box): Promise<string> {
    if (!this.kept) throw new Error('no frame was kept');
    const region = cropRegion(face, this.kept.canvas);
    const scale = Math.min(1, MAX_CROP_SIDE / Math.max(region.width, region.height));
    const out = canvas2d(Math.round(region.width * scale), Math.round(region.height * scale));
    out.ctx.drawImage(this.kept.canvas, region.x, region.y, region.width, region.height, 0, 0, out.canvas.width, out.canvas.height);
    for (const quality of JPEG_QUALITIES) {
      const blob = await new Promise<Blob | null>((resolve) => out.canvas.toBlob(resolve, 'image/jpeg', quality));
      if (!blob) throw new Error('JPEG encoding failed');
      if (blob.size <= MAX_CAPTURE_BYTES) return base64(new Uint8Array(await blob.arrayBuffer()));
    }
    throw new Error('the captured face does not fit the 2 MB limit even at low JPEG quality');
  }

  /** Forget every pixel: the frame belongs to this verification only. */
  clear(): void {
    for (const c of [this.frame, this.kept]) c?.ctx.clearRect(0, 0, c.canvas.width, c.canvas.height);
    this.frame = null;
    this.kept = null;
  }
}

function base64(bytes: Uint8Array): string {
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  return btoa(binary);
}
