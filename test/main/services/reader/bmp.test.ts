import { describe, expect, it } from 'vitest';
import { bmpInfo, encodeBmp24 } from '../../../../main/services/reader/bmp';

describe('24-bit BMP encoder', () => {
  it('writes the decoder-sized file: bottom-up BGR rows padded to 4 bytes', () => {
    const rgb = new Uint8Array(102 * 126 * 3);
    rgb.set([10, 20, 30], 0); // top-left pixel
    const bmp = encodeBmp24(102, 126, rgb);
    expect(bmp.length).toBe(38862);
    expect(bmpInfo(bmp)).toEqual({ width: 102, height: 126, bitsPerPixel: 24 });
    const topRow = 54 + 125 * 308;
    expect([...bmp.subarray(topRow, topRow + 3)]).toEqual([30, 20, 10]);
  });
  it('refuses a pixel buffer of the wrong size', () => {
    expect(() => encodeBmp24(2, 2, new Uint8Array(11))).toThrow(RangeError);
    expect(bmpInfo(new Uint8Array(10))).toBeNull();
  });
});
