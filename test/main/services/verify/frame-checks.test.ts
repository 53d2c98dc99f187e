import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeBmp } from '../../../../imaging/bmp';
import { Settings } from '../../../../main/services/settings';
import { checkLiveFrame, minLiveSide, pictureSimilarity } from '../../../../main/services/verify/frame-checks';
import { chipPhotoFrom, VLADO1_HEAD, VLADO_AT_KIOSK } from '../../../support/verify-fixtures';
import { repoRoot } from '../../../support/test-kiosk';

const capture = Settings.parse({}).capture;

async function chipAsJpeg(bmp: Buffer, size?: { width: number; height: number }): Promise<Buffer> {
  const image = decodeBmp(bmp);
  let pipeline = sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } });
  if (size) pipeline = pipeline.resize(size.width, size.height, { fit: 'fill' });
  return pipeline.jpeg({ quality: 80 }).toBuffer();
}

/** The square the capture screen sends: the face with margin, cut from a kiosk camera frame of another photo of the same person. */
async function honestCapture(): Promise<Buffer> {
  const frame = await sharp(join(repoRoot, 'test/fixtures/faces/person-vlado.jpg')).extract(VLADO_AT_KIOSK).resize(640, 360).toBuffer();
  return sharp(frame).extract({ left: 140, top: 0, width: 360, height: 360 }).jpeg().toBuffer();
}

describe('main\'s checks of the live frame', () => {
  it('accepts an honest capture of the card holder', async () => {
    const chip = { mime: 'image/bmp' as const, bytes: await chipPhotoFrom('test/fixtures/faces/person-vlado1.jpg', VLADO1_HEAD) };
    const live = await honestCapture();
    expect(await pictureSimilarity(live, chip)).toBeLessThan(0.8);
    expect(await checkLiveFrame(live, chip, capture)).toEqual({ ok: true, width: 360, height: 360 });
  });

  it('refuses the chip photo handed back as the live frame: re-encoded, rescaled, mirrored, squared, re-lit or padded', async () => {
    const bmp = await chipPhotoFrom('test/fixtures/faces/person-vlado1.jpg', VLADO1_HEAD);
    const chip = { mime: 'image/bmp' as const, bytes: bmp };
    const big = await chipAsJpeg(bmp, { width: 408, height: 504 });
    for (const live of [
      big,
      await sharp(big).flop().jpeg().toBuffer(),
      await chipAsJpeg(bmp, { width: 500, height: 500 }),
      await sharp(big).linear(0.6, 40).jpeg().toBuffer(),
      await sharp(big).extend({ top: 100, bottom: 100, left: 150, right: 150, background: '#303030' }).jpeg().toBuffer(),
    ]) {
      const verdict = await checkLiveFrame(live, chip, capture);
      expect(verdict).toMatchObject({ ok: false, reason: 'liveness-failed', why: expect.stringMatching(/is the chip photo itself/) });
    }
  });

  it('refuses a live frame much smaller than a capture through the gate can be (the chip photo at its own size)', async () => {
    const bmp = await chipPhotoFrom('test/fixtures/faces/person-vlado1.jpg', VLADO1_HEAD);
    expect(minLiveSide(capture)).toBeGreaterThan(126);
    const verdict = await checkLiveFrame(await chipAsJpeg(bmp), null, capture);
    expect(verdict).toMatchObject({ ok: false, reason: 'liveness-failed', why: expect.stringMatching(/102x126, smaller than a capture through the gate/) });
  });

  it('refuses bytes that are not a JPEG, and a JPEG that does not decode', async () => {
    const png = await sharp({ create: { width: 400, height: 400, channels: 3, background: '#888' } }).png().toBuffer();
    expect(await checkLiveFrame(png, null, capture)).toMatchObject({ ok: false, reason: 'image-invalid' });
    expect(await checkLiveFrame(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0]), null, capture)).toMatchObject({ ok: false, reason: 'image-invalid' });
  });
});
