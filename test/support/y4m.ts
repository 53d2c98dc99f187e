import { writeFile } from 'node:fs/promises';
import sharp from 'sharp';

export interface Y4mOptions {
  width: number;
  height: number;
  fps?: number;
}

/** BT.601 limited-range RGB → I420, the layout Chromium's fake camera reads from .y4m files. */
export function rgbToI420(rgb: Buffer, width: number, height: number): Buffer {
  const ySize = width * height;
  const cw = width >> 1;
  const ch = height >> 1;
  const out = Buffer.alloc(ySize + 2 * cw * ch);
  for (let i = 0, p = 0; i < ySize; i++, p += 3) {
    out[i] = Math.round(16 + 0.257 * rgb[p]! + 0.504 * rgb[p + 1]! + 0.098 * rgb[p + 2]!);
  }
  for (let y = 0; y < ch; y++) {
    for (let x = 0; x < cw; x++) {
      let r = 0, g = 0, b = 0;
      for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]] as const) {
        const p = ((2 * y + dy) * width + 2 * x + dx) * 3;
        r += rgb[p]!; g += rgb[p + 1]!; b += rgb[p + 2]!;
      }
      r /= 4; g /= 4; b /= 4;
      out[ySize + y * cw + x] = Math.round(128 - 0.148 * r - 0.291 * g + 0.439 * b);
      out[ySize + cw * ch + y * cw + x] = Math.round(128 + 0.439 * r - 0.368 * g - 0.071 * b);
    }
  }
  return out;
}

/** One frame: the image letterboxed onto a grey canvas of the camera's size. */
export async function frameFromImage(image: string | Buffer, opts: Y4mOptions): Promise<Buffer> {
  const rgb = await sharp(image)
    .resize(opts.width, opts.height, { fit: 'contain', background: { r: 96, g: 96, b: 96 } })
    .removeAlpha()
    .raw()
    .toBuffer();
  return rgbToI420(rgb, opts.width, opts.height);
}

/** Writes a .y4m video; each entry of `frames` is an I420 frame shown for `repeat` frames. */
export async function writeY4m(file: string, frames: { i420: Buffer; repeat: number }[], opts: Y4mOptions): Promise<void> {
  const header = Buffer.from(`YUV4MPEG2 W${opts.width} H${opts.height} F${opts.fps ?? 30}:1 Ip A1:1 C420jpeg\n`);
  const parts: Buffer[] = [header];
  const marker = Buffer.from('FRAME\n');
  for (const frame of frames) for (let i = 0; i < frame.repeat; i++) parts.push(marker, frame.i420);
  await writeFile(file, Buffer.concat(parts));
}

/** A steady video of one still image: the simplest fake camera. */
export async function y4mFromImage(file: string, image: string | Buffer, opts: Y4mOptions & { frames?: number }): Promise<void> {
  await writeY4m(file, [{ i420: await frameFromImage(image, opts), repeat: opts.frames ?? 30 }], opts);
}
