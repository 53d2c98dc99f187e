import { describe, expect, it } from 'vitest';
import { BmpError, bmpInfo, bmpRowStride, decodeBmp, encodeBmp24, isBmp, readBmpHeader, type RgbImage } from '../../imaging/bmp';

function noise(width: number, height: number, seed = 7): Buffer {
  const data = Buffer.alloc(width * height * 3);
  let state = seed;
  for (let i = 0; i < data.length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    data[i] = state >>> 24;
  }
  return data;
}

function image(width: number, height: number, seed?: number): RgbImage {
  return { width, height, data: noise(width, height, seed) };
}

/** A hand-built BMP: header fields as given, rows of BGR(A) pixels in stored order, padded. */
function handBmp(options: { width: number; height: number; bits: 24 | 32; compression?: number; topDown?: boolean; pixels: number[][][] }): Buffer {
  const { width, height, bits } = options;
  const stride = Math.ceil((width * bits) / 32) * 4;
  const bmp = Buffer.alloc(54 + stride * height);
  bmp.write('BM', 0, 'latin1');
  bmp.writeUInt32LE(bmp.length, 2);
  bmp.writeUInt32LE(54, 10);
  bmp.writeUInt32LE(40, 14);
  bmp.writeInt32LE(width, 18);
  bmp.writeInt32LE(options.topDown ? -height : height, 22);
  bmp.writeUInt16LE(1, 26);
  bmp.writeUInt16LE(bits, 28);
  bmp.writeUInt32LE(options.compression ?? 0, 30);
  options.pixels.forEach((row, r) => row.forEach((px, x) => bmp.set(px, 54 + r * stride + (x * bits) / 8)));
  return bmp;
}

describe('encodeBmp24', () => {
  it('writes the decoder-sized file: bottom-up BGR rows padded to 4 bytes', () => {
    const rgb = new Uint8Array(102 * 126 * 3);
    rgb.set([10, 20, 30], 0); // top-left pixel
    const bmp = encodeBmp24({ width: 102, height: 126, data: rgb });
    expect(bmp.length).toBe(38862);
    expect(bmpInfo(bmp)).toEqual({ width: 102, height: 126, bitsPerPixel: 24 });
    const topRow = 54 + 125 * 308;
    expect([...bmp.subarray(topRow, topRow + 3)]).toEqual([30, 20, 10]);
  });

  it('writes the same 54-byte header as the vendor decoders (test/support/c/fake_photo.h)', () => {
    const bmp = encodeBmp24({ width: 102, height: 126, data: new Uint8Array(102 * 126 * 3) });
    const expected = Buffer.alloc(54);
    expected.write('BM', 0, 'latin1');
    expected.writeUInt32LE(38862, 2);
    expected.writeUInt32LE(54, 10);
    expected.writeUInt32LE(40, 14);
    expected.writeInt32LE(102, 18);
    expected.writeInt32LE(126, 22);
    expected.writeUInt16LE(1, 26);
    expected.writeUInt16LE(24, 28);
    expected.writeUInt32LE(308 * 126, 34);
    expect(bmp.subarray(0, 54).equals(expected)).toBe(true);
  });

  it('pads rows whose width is not a multiple of 4 with zero bytes', () => {
    const bmp = encodeBmp24({ width: 3, height: 2, data: Buffer.alloc(18, 0xff) });
    expect(bmpRowStride(3, 24)).toBe(12);
    expect(bmp.length).toBe(54 + 12 * 2);
    expect([...bmp.subarray(54 + 9, 54 + 12)]).toEqual([0, 0, 0]);
    expect([...bmp.subarray(54 + 21, 54 + 24)]).toEqual([0, 0, 0]);
  });

  it('refuses a pixel buffer of the wrong size and a degenerate size', () => {
    expect(() => encodeBmp24({ width: 2, height: 2, data: new Uint8Array(11) })).toThrow(RangeError);
    expect(() => encodeBmp24({ width: 0, height: 2, data: new Uint8Array(0) })).toThrow(RangeError);
    expect(() => encodeBmp24({ width: 1.5, height: 2, data: new Uint8Array(9) })).toThrow(RangeError);
  });
});

describe('decodeBmp', () => {
  it.each([
    [102, 126],
    [1, 1],
    [3, 5],
    [5, 3],
    [4, 4],
    [7, 2],
  ])('round-trips a %ix%i image through encodeBmp24', (width, height) => {
    const rgb = image(width, height, width * 31 + height);
    expect(decodeBmp(encodeBmp24(rgb))).toEqual(rgb);
  });

  it('reads bottom-up (positive height) and top-down (negative height) rows', () => {
    const top = [0x01, 0x02, 0x03]; // stored B,G,R
    const bottom = [0x0a, 0x0b, 0x0c];
    const bottomUp = handBmp({ width: 1, height: 2, bits: 24, pixels: [[bottom], [top]] });
    const topDown = handBmp({ width: 1, height: 2, bits: 24, topDown: true, pixels: [[top], [bottom]] });
    const expected = { width: 1, height: 2, data: Buffer.from([0x03, 0x02, 0x01, 0x0c, 0x0b, 0x0a]) };
    expect(decodeBmp(bottomUp)).toEqual(expected);
    expect(decodeBmp(topDown)).toEqual(expected);
    expect(readBmpHeader(topDown)).toMatchObject({ height: 2, topDown: true });
    expect(bmpInfo(topDown)).toEqual({ width: 1, height: 2, bitsPerPixel: 24 });
  });

  it('reads 32-bit BI_RGB and BI_BITFIELDS pixels and drops alpha', () => {
    const pixels = [
      [
        [1, 2, 3, 255],
        [4, 5, 6, 0],
        [7, 8, 9, 128],
      ],
    ];
    const expected = { width: 3, height: 1, data: Buffer.from([3, 2, 1, 6, 5, 4, 9, 8, 7]) };
    expect(decodeBmp(handBmp({ width: 3, height: 1, bits: 32, pixels }))).toEqual(expected);
    expect(decodeBmp(handBmp({ width: 3, height: 1, bits: 32, compression: 3, pixels }))).toEqual(expected);
  });

  it('skips row padding when the width is not a multiple of 4', () => {
    const bmp = handBmp({
      width: 3,
      height: 2,
      bits: 24,
      pixels: [
        [
          [1, 1, 1],
          [2, 2, 2],
          [3, 3, 3],
        ],
        [
          [4, 4, 4],
          [5, 5, 5],
          [6, 6, 6],
        ],
      ],
    });
    bmp.fill(0xee, 54 + 9, 54 + 12); // junk in the first stored row's padding
    expect([...decodeBmp(bmp).data]).toEqual([4, 4, 4, 5, 5, 5, 6, 6, 6, 1, 1, 1, 2, 2, 2, 3, 3, 3]);
  });

  it('accepts a Uint8Array view as well as a Buffer', () => {
    const rgb = image(5, 3);
    const bmp = encodeBmp24(rgb);
    const copy = new Uint8Array(bmp.length + 8);
    copy.set(bmp, 8);
    expect(decodeBmp(copy.subarray(8))).toEqual(rgb);
  });

  const good = () => encodeBmp24(image(5, 3));
  const broken: Array<[string, () => Uint8Array, BmpError['code'], RegExp]> = [
    ['no signature', () => { const b = good(); b.write('XX', 0, 'latin1'); return b; }, 'not-bmp', /no BM signature/],
    ['a header cut short', () => good().subarray(0, 40), 'truncated', /header is truncated/],
    ['an OS/2 core header', () => { const b = good(); b.writeUInt32LE(12, 14); return b; }, 'unsupported', /12 bytes/],
    ['16 bits per pixel', () => { const b = good(); b.writeUInt16LE(16, 28); return b; }, 'unsupported', /16-bit/],
    ['RLE compression', () => { const b = good(); b.writeUInt32LE(1, 30); return b; }, 'compressed', /method 1/],
    ['BI_BITFIELDS on 24-bit', () => { const b = good(); b.writeUInt32LE(3, 30); return b; }, 'compressed', /method 3/],
    ['zero width', () => { const b = good(); b.writeInt32LE(0, 18); return b; }, 'implausible-size', /0x3/],
    ['negative width', () => { const b = good(); b.writeInt32LE(-5, 18); return b; }, 'implausible-size', /-5x3/],
    ['zero height', () => { const b = good(); b.writeInt32LE(0, 22); return b; }, 'implausible-size', /5x0/],
    ['an absurd height', () => { const b = good(); b.writeInt32LE(20_000, 22); return b; }, 'implausible-size', /5x20000/],
    ['pixel rows cut short', () => good().subarray(0, 60), 'truncated', /pixel data is truncated/],
  ];
  it.each(broken)('refuses %s with a typed BmpError', (_, bytes, code, message) => {
    const error = (() => {
      try {
        decodeBmp(bytes());
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(BmpError);
    expect(error).toMatchObject({ name: 'BmpError', code, message: expect.stringMatching(message) });
  });
});

describe('isBmp, bmpInfo and readBmpHeader', () => {
  it('recognise the BM signature and read the header fields', () => {
    const bmp = encodeBmp24(image(7, 2));
    expect(isBmp(bmp)).toBe(true);
    expect(readBmpHeader(bmp)).toEqual({ pixelOffset: 54, headerSize: 40, width: 7, height: 2, topDown: false, bitsPerPixel: 24, compression: 0 });
    expect(bmpInfo(bmp)).toEqual({ width: 7, height: 2, bitsPerPixel: 24 });
  });

  it('say no to what is not a BMP', () => {
    expect(isBmp(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe(false);
    expect(isBmp(Buffer.from('BM'))).toBe(false); // too short to say more
    expect(bmpInfo(new Uint8Array(10))).toBeNull();
    expect(bmpInfo(Buffer.alloc(60))).toBeNull();
    expect(readBmpHeader(encodeBmp24(image(1, 1)).subarray(0, 53))).toBeNull();
  });
});
