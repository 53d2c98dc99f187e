import { VendorSdkError } from '../vendor/errors';
import { BMP_PHOTO_SIZE, BMP_ROW_SIZE, OUTPUT_SENTINEL, PHOTO_HEIGHT, PHOTO_WIDTH, RAW_PHOTO_SIZE } from './types';

/** A 24-bit bottom-up BMP of the chip photo from raw pixels as an `unpack`-style decoder writes them. */
export function bmpFromRawPixels(
  raw: Uint8Array,
  layout: { channelOrder: 'rgb' | 'bgr'; rowOrder: 'bottom-up' | 'top-down' },
): Buffer {
  if (raw.length < RAW_PHOTO_SIZE) {
    throw new VendorSdkError('bad-output', `the decoder returned ${raw.length} pixel bytes, expected ${RAW_PHOTO_SIZE} (102×126×3)`);
  }
  if (raw.subarray(0, RAW_PHOTO_SIZE).every((b) => b === OUTPUT_SENTINEL)) {
    throw new VendorSdkError('bad-output', 'the decoder reported success but wrote no pixels; check the library and its vendor code');
  }
  const bmp = Buffer.alloc(BMP_PHOTO_SIZE);
  writeBmpHeader(bmp);
  const stride = PHOTO_WIDTH * 3;
  for (let row = 0; row < PHOTO_HEIGHT; row++) {
    // BMP stores the bottom row first.
    const sourceRow = layout.rowOrder === 'bottom-up' ? row : PHOTO_HEIGHT - 1 - row;
    const src = sourceRow * stride;
    const dst = 54 + row * BMP_ROW_SIZE;
    for (let x = 0; x < PHOTO_WIDTH; x++) {
      const a = raw[src + x * 3]!;
      const b = raw[src + x * 3 + 1]!;
      const c = raw[src + x * 3 + 2]!;
      // BMP pixels are B, G, R.
      bmp[dst + x * 3] = layout.channelOrder === 'bgr' ? a : c;
      bmp[dst + x * 3 + 1] = b;
      bmp[dst + x * 3 + 2] = layout.channelOrder === 'bgr' ? c : a;
    }
  }
  return bmp;
}

function writeBmpHeader(bmp: Buffer): void {
  bmp.write('BM', 0, 'latin1');
  bmp.writeUInt32LE(BMP_PHOTO_SIZE, 2);
  bmp.writeUInt32LE(54, 10);
  bmp.writeUInt32LE(40, 14);
  bmp.writeInt32LE(PHOTO_WIDTH, 18);
  bmp.writeInt32LE(PHOTO_HEIGHT, 22);
  bmp.writeUInt16LE(1, 26);
  bmp.writeUInt16LE(24, 28);
  bmp.writeUInt32LE(0, 30);
  bmp.writeUInt32LE(BMP_ROW_SIZE * PHOTO_HEIGHT, 34);
}

/**
 * Checks that a decoder's output is the chip photo as a 24-bit uncompressed BMP of 102×126 and
 * returns exactly the BMP bytes (decoders hand back oversized buffers). Anything else is
 * bad-output: a wrong or mislicensed library must not feed garbage to the face matcher.
 */
export function validateChipPhotoBmp(data: Uint8Array): Buffer {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const fail = (why: string) => new VendorSdkError('bad-output', `the decoder output is not the 102×126 chip photo: ${why}`);
  if (buf.length < 54) throw fail(`only ${buf.length} bytes`);
  if (buf.toString('latin1', 0, 2) !== 'BM') throw fail('no BMP signature');
  const pixelOffset = buf.readUInt32LE(10);
  const headerSize = buf.readUInt32LE(14);
  const width = buf.readInt32LE(18);
  const height = buf.readInt32LE(22);
  const bitsPerPixel = buf.readUInt16LE(28);
  const compression = buf.readUInt32LE(30);
  if (headerSize < 40) throw fail(`unsupported DIB header of ${headerSize} bytes`);
  if (width !== PHOTO_WIDTH || Math.abs(height) !== PHOTO_HEIGHT) throw fail(`${width}×${Math.abs(height)} pixels`);
  if (bitsPerPixel !== 24 || compression !== 0) throw fail(`${bitsPerPixel} bits per pixel, compression ${compression}`);
  if (pixelOffset < 14 + headerSize) throw fail(`pixel data at ${pixelOffset} overlaps the header`);
  const end = pixelOffset + BMP_ROW_SIZE * PHOTO_HEIGHT;
  if (buf.length < end) throw fail(`${buf.length} bytes, the pixels need ${end}`);
  const pixels = buf.subarray(pixelOffset, end);
  if (pixels.every((b) => b === OUTPUT_SENTINEL)) throw fail('the header is there but no pixels were written');
  return Buffer.from(buf.subarray(0, end));
}
