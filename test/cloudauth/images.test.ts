import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBmp, encodeBmp24 } from '../../imaging/bmp';
import { CloudauthImageError } from '../../cloudauth/errors';
import { MAX_IMAGE_BYTES } from '../../cloudauth/image-value';
import { prepareImage, prepareImages } from '../../cloudauth/images';
import { percentEncode } from '../../cloudauth/percent-encode';

/** Random pixels compress badly: the worst case for the size limits. */
function noise(width: number, height: number): Buffer {
  return randomBytes(width * height * 3);
}

function decodedBytes(value: string): Buffer {
  expect(value.startsWith('base64://')).toBe(true);
  return Buffer.from(value.slice('base64://'.length), 'base64');
}

let dir: string;
let smallJpeg: Buffer;
let hugePng: Buffer;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cloudauth-images-'));
  smallJpeg = await sharp({ create: { width: 64, height: 80, channels: 3, background: '#c08060' } }).jpeg().toBuffer();
  // 1300x1300 of noise: ~5 MB as PNG, far over the 2 MB limit.
  hugePng = await sharp(noise(1300, 1300), { raw: { width: 1300, height: 1300, channels: 3 } }).png({ compressionLevel: 1 }).toBuffer();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('prepareImage', () => {
  it('keeps a JPEG that already fits, byte for byte', async () => {
    const prepared = await prepareImage(smallJpeg);
    expect(prepared.reencoded).toBe(false);
    expect(decodedBytes(prepared.value).equals(smallJpeg)).toBe(true);
    expect(prepared).toMatchObject({ width: 64, height: 80, bytes: smallJpeg.length });
  });

  it('strips the data: prefix of a data URL', async () => {
    const prepared = await prepareImage(`data:image/jpeg;base64,${smallJpeg.toString('base64')}`);
    expect(prepared.value).toBe(`base64://${smallJpeg.toString('base64')}`);
  });

  it('reads a file path', async () => {
    const path = join(dir, 'face.jpg');
    await writeFile(path, smallJpeg);
    expect((await prepareImage(path)).value).toBe(`base64://${smallJpeg.toString('base64')}`);
  });

  it('passes http(s) and oss URLs through untouched', async () => {
    expect(await prepareImage('https://example.com/a.jpg')).toEqual({ value: 'https://example.com/a.jpg', reencoded: false });
    expect((await prepareImage('oss://verify-img:dir/a.jpg')).value).toBe('oss://verify-img:dir/a.jpg');
  });

  it('converts a 24-bit BMP chip photo (which sharp cannot read) to JPEG', async () => {
    const rgb = { width: 102, height: 126, data: noise(102, 126) };
    const bmp = encodeBmp24(rgb);
    expect(decodeBmp(bmp)).toEqual(rgb);
    const prepared = await prepareImage(bmp);
    expect(prepared).toMatchObject({ reencoded: true, width: 102, height: 126 });
    const meta = await sharp(decodedBytes(prepared.value)).metadata();
    expect(meta.format).toBe('jpeg');
  });

  it('downscales and re-encodes an image over 2 MB until it fits', async () => {
    expect(hugePng.length).toBeGreaterThan(MAX_IMAGE_BYTES);
    const prepared = await prepareImage(hugePng);
    const bytes = decodedBytes(prepared.value);
    expect(prepared.reencoded).toBe(true);
    expect(bytes.length).toBeLessThanOrEqual(MAX_IMAGE_BYTES);
    expect((await sharp(bytes).metadata()).format).toBe('jpeg');
  });

  it('honours a smaller budget and a maximum side', async () => {
    const prepared = await prepareImage(hugePng, { maxBytes: 200_000, maxSide: 720 });
    expect(decodedBytes(prepared.value).length).toBeLessThanOrEqual(200_000);
    expect(Math.max(prepared.width ?? 0, prepared.height ?? 0)).toBeLessThanOrEqual(720);
  });

  it('refuses, with a clear error, what cannot fit', async () => {
    const error = await prepareImage(hugePng, { maxBytes: 300, minSide: 64 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CloudauthImageError);
    expect(error).toMatchObject({ code: 'ImageTooLarge', retryable: false });
    expect((error as Error).message).toMatch(/cannot be made smaller than 300 bytes/);
  });

  it.each([
    ['bytes that are no image', Buffer.from('hello, not an image'), 'ImageUnreadable'],
    ['an empty buffer', Buffer.alloc(0), 'ImageUnreadable'],
    ['a data URL without base64', 'data:text/plain,hello', 'ImageUnreadable'],
    ['a missing file', '/nonexistent/face.jpg', 'ImageNotFound'],
  ])('refuses %s', async (_what, input, code) => {
    await expect(prepareImage(input)).rejects.toMatchObject({ code });
  });
});

describe('prepareImages', () => {
  it('shares the body between images so that several large ones fit together', async () => {
    const prepared = await prepareImages([hugePng, hugePng, hugePng, hugePng], { maxBodyBytes: 4_000_000 });
    const total = prepared.reduce((sum, p) => sum + percentEncode(p.value).length, 0);
    expect(total).toBeLessThanOrEqual(4_000_000);
    for (const p of prepared) expect(p.reencoded).toBe(true);
  });

  it('keeps URLs as they are and counts them against the body', async () => {
    const prepared = await prepareImages(['https://example.com/a.jpg', smallJpeg]);
    expect(prepared[0]!.value).toBe('https://example.com/a.jpg');
    expect(prepared[1]!.reencoded).toBe(false);
  });

  it('refuses when no room is left for the images', async () => {
    await expect(prepareImages([smallJpeg], { maxBodyBytes: 1000, reservedBodyBytes: 990 })).rejects.toMatchObject({ code: 'BodyTooLarge' });
  });
});
