import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { rgbToI420, writeY4m, type Y4mOptions } from '../support/y4m';
import { repoRoot } from '../support/test-kiosk';

/** Small fake-camera videos: 640x360 keeps the y4m files and Chromium's decoding cheap on 2 cores. */
export const VIDEO: Y4mOptions = { width: 640, height: 360, fps: 30 };

export const fixtures = {
  linda: join(repoRoot, 'test/fixtures/camera/person-linda.jpg'),
  background: join(repoRoot, 'test/fixtures/camera/background.jpg'),
  tasia: join(repoRoot, 'test/fixtures/capture/person-tasia.jpg'),
  cgi: join(repoRoot, 'test/fixtures/capture/cgi-multiangle-4.jpg'),
};

export interface HeadBox {
  x: number;
  y: number;
  size: number;
}

/**
 * Face boxes in the fixture images' own pixels, located once with Human. The CGI heads are one
 * character at three angles; "own left" is the character's own left (in the unmirrored image the
 * nose points toward the image's right).
 */
export const HEADS = {
  linda: { file: fixtures.linda, box: { x: 427, y: 120, size: 268 } },
  tasia: { file: fixtures.tasia, box: { x: 379, y: 75, size: 317 } },
  cgiFrontal: { file: fixtures.cgi, box: { x: 718, y: 32, size: 114 } },
  cgiOwnLeft: { file: fixtures.cgi, box: { x: 944, y: 45, size: 88 } },
  cgiOwnRight: { file: fixtures.cgi, box: { x: 503, y: 38, size: 108 } },
} as const;
export type HeadName = keyof typeof HEADS;

const GREY = { r: 96, g: 96, b: 96 };

export function videoDir(): string {
  return mkdtempSync(join(tmpdir(), 'rz-capture-video-'));
}

/** A head cut out with margin into a square of `side` pixels; the face fills about half of it. */
async function headSquare(name: HeadName, side: number): Promise<Buffer> {
  const { file, box } = HEADS[name];
  const pad = 400;
  const cut = Math.round(box.size * 1.9);
  const cx = box.x + box.size / 2 + pad;
  const cy = box.y + box.size / 2 + pad;
  // sharp runs extract before extend within one pipeline, so the padding is materialised first.
  const padded = await sharp(file).extend({ top: pad, bottom: pad, left: pad, right: pad, background: GREY }).toBuffer();
  return sharp(padded)
    .extract({ left: Math.round(cx - cut / 2), top: Math.round(cy - cut / 2), width: cut, height: cut })
    .resize(side, side)
    .removeAlpha()
    .toBuffer();
}

/** One head centred in the frame as raw RGB, the face about 30% of the frame width (the gate wants ≥ 18%). */
export async function headFrameRgb(name: HeadName, opts: Y4mOptions = VIDEO): Promise<Buffer> {
  return sharp(await headSquare(name, opts.height))
    .resize(opts.width, opts.height, { fit: 'contain', background: GREY })
    .removeAlpha()
    .raw()
    .toBuffer();
}

/** The same frame as I420 for a fake-camera video. */
export async function headFrame(name: HeadName, opts: Y4mOptions = VIDEO): Promise<Buffer> {
  return rgbToI420(await headFrameRgb(name, opts), opts.width, opts.height);
}

/** Two people side by side as raw RGB, each face as large as in headFrame. */
export async function twoPeopleFrameRgb(opts: Y4mOptions = VIDEO): Promise<Buffer> {
  const side = Math.min(opts.height, Math.floor(opts.width / 2));
  return sharp({ create: { width: opts.width, height: opts.height, channels: 3, background: GREY } })
    .composite([
      { input: await headSquare('linda', side), left: 0, top: 0 },
      { input: await headSquare('tasia', side), left: opts.width - side, top: 0 },
    ])
    .removeAlpha()
    .raw()
    .toBuffer();
}

export async function twoPeopleFrame(opts: Y4mOptions = VIDEO): Promise<Buffer> {
  return rgbToI420(await twoPeopleFrameRgb(opts), opts.width, opts.height);
}

export async function writeVideo(file: string, frames: { i420: Buffer; repeat: number }[], opts: Y4mOptions = VIDEO): Promise<string> {
  await writeY4m(file, frames, opts);
  return file;
}
