import { describe, expect, it } from 'vitest';
import { bmpFromRawPixels, validateChipPhotoBmp } from '../../../native/wlt/bmp';
import { VendorSdkError } from '../../../native/vendor/errors';
import { inferWltAbi, OUTPUT_SENTINEL, RAW_PHOTO_SIZE } from '../../../native/wlt/types';
import { expectedFakeBmp, syntheticWlt } from '../helpers/photo';

/** Raw pixels as an `unpack` library writes them: R,G,B, rows bottom-up (same picture as fake_photo.h). */
function rawRgb(wlt: Uint8Array, rowOrder: 'bottom-up' | 'top-down'): Uint8Array {
  const raw = new Uint8Array(RAW_PHOTO_SIZE);
  for (let row = 0; row < 126; row++) {
    const stored = rowOrder === 'bottom-up' ? row : 125 - row;
    for (let x = 0; x < 102; x++) {
      const at = (stored * 102 + x) * 3;
      raw[at] = wlt[(row * 102 + x) % 1024]!;
      raw[at + 1] = (x * 2) & 0xff;
      raw[at + 2] = (row * 2) & 0xff;
    }
  }
  return raw;
}

const wlt = syntheticWlt(11);

describe('bmpFromRawPixels', () => {
  it('builds the 38 862-byte BMP with B/R swapped from RGB bottom-up pixels', () => {
    expect(bmpFromRawPixels(rawRgb(wlt, 'bottom-up'), { channelOrder: 'rgb', rowOrder: 'bottom-up' }).equals(expectedFakeBmp(wlt))).toBe(true);
  });

  it('flips top-down rows and keeps BGR channels when told so', () => {
    const raw = rawRgb(wlt, 'top-down');
    const bgr = Uint8Array.from(raw);
    for (let i = 0; i < bgr.length; i += 3) [bgr[i], bgr[i + 2]] = [raw[i + 2]!, raw[i]!];
    expect(bmpFromRawPixels(bgr, { channelOrder: 'bgr', rowOrder: 'top-down' }).equals(expectedFakeBmp(wlt))).toBe(true);
  });

  it('rejects short output and output the decoder never wrote', () => {
    expect(() => bmpFromRawPixels(new Uint8Array(100), { channelOrder: 'rgb', rowOrder: 'bottom-up' })).toThrow(VendorSdkError);
    const untouched = new Uint8Array(RAW_PHOTO_SIZE).fill(OUTPUT_SENTINEL);
    expect(() => bmpFromRawPixels(untouched, { channelOrder: 'rgb', rowOrder: 'bottom-up' })).toThrow(/wrote no pixels/);
  });
});

describe('validateChipPhotoBmp', () => {
  const good = expectedFakeBmp(wlt);

  it('accepts the photo and trims the oversized buffer decoders hand back', () => {
    const padded = Buffer.concat([good, Buffer.alloc(4000, OUTPUT_SENTINEL)]);
    expect(validateChipPhotoBmp(padded).equals(good)).toBe(true);
  });

  it('accepts a top-down BMP (negative height)', () => {
    const topDown = Buffer.from(good);
    topDown.writeInt32LE(-126, 22);
    expect(validateChipPhotoBmp(topDown).length).toBe(good.length);
  });

  const broken: Array<[string, (b: Buffer) => Buffer, RegExp]> = [
    ['no signature', (b) => (b.write('XX', 0, 'latin1'), b), /signature/],
    ['wrong width', (b) => (b.writeInt32LE(100, 18), b), /100×126/],
    ['32 bits per pixel', (b) => (b.writeUInt16LE(32, 28), b), /32 bits/],
    ['compressed', (b) => (b.writeUInt32LE(1, 30), b), /compression 1/],
    ['truncated', (b) => b.subarray(0, 30000), /30000 bytes/],
    ['tiny', (b) => b.subarray(0, 20), /only 20 bytes/],
    ['pixels never written', (b) => (b.fill(OUTPUT_SENTINEL, 54), b), /no pixels/],
  ];
  it.each(broken)('rejects a BMP with %s as bad-output', (_, mutate, message) => {
    const error = (() => {
      try {
        validateChipPhotoBmp(mutate(Buffer.from(good)));
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toMatchObject({ code: 'bad-output', message: expect.stringMatching(message) });
  });
});

describe('inferWltAbi', () => {
  it.each([
    ['unpack', 'unpack-raw'],
    ['Unpack', 'bmp-length'],
    ['GetBmp', 'file'],
    ['WltToBmp', 'bmp-buffer'],
    ['iDR220S_Dewlt', 'bmp-buffer'],
    ['Decode', null],
  ])('%s → %s', (symbol, abi) => {
    expect(inferWltAbi(symbol)).toBe(abi);
  });
});
