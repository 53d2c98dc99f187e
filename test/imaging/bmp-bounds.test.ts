import { describe, expect, it } from 'vitest';
import { MAX_INPUT_PIXELS } from '../../face/image/decode';
import { BmpError, decodeBmp, encodeBmp24 } from '../../imaging/bmp';
import { MAX_IMAGE_PIXELS } from '../../imaging/limits';

/** A BMP whose header says what the test wants, with `extra` bytes after the 54-byte header. */
function header(fields: { width: number; height: number; bpp: number; compression?: number; headerSize?: number; pixelOffset?: number }, extra = 0): Buffer {
  const b = Buffer.alloc(54 + extra);
  b.write('BM', 0, 'latin1');
  b.writeUInt32LE(b.length, 2);
  b.writeUInt32LE(fields.pixelOffset ?? 54, 10);
  b.writeUInt32LE(fields.headerSize ?? 40, 14);
  b.writeInt32LE(fields.width, 18);
  b.writeInt32LE(fields.height, 22);
  b.writeUInt16LE(1, 26);
  b.writeUInt16LE(fields.bpp, 28);
  b.writeUInt32LE(fields.compression ?? 0, 30);
  return b;
}

function fault(bytes: Uint8Array): { code: string; message: string } {
  try {
    decodeBmp(bytes);
  } catch (error) {
    if (error instanceof BmpError) return { code: error.code, message: error.message };
    throw new Error(`expected a BmpError, got ${String(error)}`);
  }
  throw new Error('expected the BMP to be refused');
}

describe('BMP decoder bounds', () => {
  it('uses the same pixel limit as every other image format', () => {
    expect(MAX_IMAGE_PIXELS).toBe(MAX_INPUT_PIXELS);
    expect(fault(header({ width: 10_000, height: 10_000, bpp: 24 }))).toMatchObject({ code: 'implausible-size', message: expect.stringMatching(/megapixel limit/) });
  });

  it('answers a header whose channel masks lie past the end with a typed truncation error', () => {
    // 58 bytes: room for the one pixel at offset 54, none for the masks a 56-byte header promises at 54..66.
    expect(fault(header({ width: 1, height: 1, bpp: 32, compression: 3, headerSize: 56, pixelOffset: 54 }, 4))).toMatchObject({ code: 'truncated' });
  });

  it('refuses a pixel offset pointing back into the header', () => {
    expect(fault(header({ width: 2, height: 2, bpp: 24, pixelOffset: 10 }, 64))).toMatchObject({ code: 'truncated', message: expect.stringMatching(/inside the 54-byte header/) });
  });

  it('refuses pixel rows cut short, and still decodes the chip photo shape', () => {
    const good = encodeBmp24({ width: 102, height: 126, data: new Uint8Array(102 * 126 * 3) });
    expect(decodeBmp(good)).toMatchObject({ width: 102, height: 126 });
    expect(fault(good.subarray(0, good.length - 1))).toMatchObject({ code: 'truncated' });
  });
});
