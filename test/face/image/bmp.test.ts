import { describe, expect, it } from 'vitest';
import { decodeBmp, encodeBmp24, isBmp } from '../../../face/image/bmp';
import { decodeImage } from '../../../face/image/decode';
import { FaceError } from '../../../face/errors';
import type { RgbImage } from '../../../imaging/rgb';

/** A small picture with distinct pixels, odd width so BMP rows need padding. */
function pattern(width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) data.set([(i * 37) & 255, (i * 91) & 255, (i * 13 + 7) & 255], i * 3);
  return { width, height, data };
}

/** Hand-built BMP header for the variants the encoder does not produce. */
function header(width: number, height: number, bpp: number, compression: number, pixelOffset: number, size: number, colours = 0): Buffer {
  const b = Buffer.alloc(size);
  b.write('BM', 0, 'ascii');
  b.writeUInt32LE(size, 2);
  b.writeUInt32LE(pixelOffset, 10);
  b.writeUInt32LE(40, 14);
  b.writeInt32LE(width, 18);
  b.writeInt32LE(height, 22);
  b.writeUInt16LE(1, 26);
  b.writeUInt16LE(bpp, 28);
  b.writeUInt32LE(compression, 30);
  b.writeUInt32LE(colours, 46);
  return b;
}

describe('BMP reader (chip photos from WLT decoders)', () => {
  it('reads a 24-bit bottom-up BMP with padded rows pixel for pixel', () => {
    const image = pattern(102 - 1, 126);
    const bmp = encodeBmp24(image);
    expect(isBmp(bmp)).toBe(true);
    const decoded = decodeBmp(bmp);
    expect(decoded.width).toBe(101);
    expect(decoded.height).toBe(126);
    expect(Buffer.from(decoded.data).equals(Buffer.from(image.data))).toBe(true);
  });

  it('reads a top-down 24-bit BMP (negative height)', () => {
    const image = pattern(3, 2);
    const bmp = encodeBmp24(image);
    bmp.writeInt32LE(-2, 22);
    const decoded = decodeBmp(bmp);
    // Rows come out in file order now, so the picture is upside down relative to the bottom-up original.
    expect(Array.from(decoded.data.subarray(0, 9))).toEqual(Array.from(image.data.subarray(9, 18)));
  });

  it('reads an 8-bit palette BMP', () => {
    const b = header(2, 1, 8, 0, 54 + 8, 54 + 8 + 4, 2);
    b.set([0, 0, 255, 0, 255, 0, 0, 0], 54); // palette: 0 = red, 1 = blue (BGRA)
    b.set([1, 0], 62);
    expect(Array.from(decodeBmp(b).data)).toEqual([0, 0, 255, 255, 0, 0]);
  });

  it('reads a 32-bit BI_BITFIELDS BMP using its channel masks', () => {
    const b = header(1, 1, 32, 3, 66, 70);
    b.writeUInt32LE(0x0000ff00, 54); // red mask
    b.writeUInt32LE(0x00ff0000, 58); // green mask
    b.writeUInt32LE(0xff000000, 62); // blue mask
    b.writeUInt32LE(0x30201000 >>> 0, 66);
    expect(Array.from(decodeBmp(b).data)).toEqual([0x10, 0x20, 0x30]);
  });

  it('rejects truncated and compressed files with an image-format error', () => {
    const bmp = encodeBmp24(pattern(10, 10));
    expect(() => decodeBmp(bmp.subarray(0, 100))).toThrow(/pixel data needs/);
    const rle = header(2, 2, 8, 1, 54 + 1024, 54 + 1024 + 8);
    try {
      decodeBmp(rle);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(FaceError);
      expect((error as FaceError).code).toBe('InvalidParam.ImageValuePatternError');
    }
  });

  it('decodeImage routes BMP to this reader and other formats to sharp', async () => {
    const image = pattern(102, 126);
    const fromBmp = await decodeImage(encodeBmp24(image));
    expect(Buffer.from(fromBmp.data).equals(Buffer.from(image.data))).toBe(true);
    await expect(decodeImage(new Uint8Array([1, 2, 3, 4]))).rejects.toMatchObject({ code: 'InvalidParam.ImageValuePatternError' });
    await expect(decodeImage(new Uint8Array())).rejects.toMatchObject({ code: 'InvalidParam.ImageValuePatternError' });
  });
});
