import { encodeBmp24, readBmpHeader } from '../../imaging/bmp';
import { VendorSdkError } from '../vendor/errors';
import { BMP_ROW_SIZE, OUTPUT_SENTINEL, PHOTO_HEIGHT, PHOTO_WIDTH, RAW_PHOTO_SIZE } from './types';

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
  // Reorder into packed RGB, top row first, which is what the encoder takes.
  const rgb = Buffer.alloc(RAW_PHOTO_SIZE);
  const stride = PHOTO_WIDTH * 3;
  for (let y = 0; y < PHOTO_HEIGHT; y++) {
    const src = (layout.rowOrder === 'top-down' ? y : PHOTO_HEIGHT - 1 - y) * stride;
    const dst = y * stride;
    for (let x = 0; x < stride; x += 3) {
      const a = raw[src + x]!;
      const c = raw[src + x + 2]!;
      rgb[dst + x] = layout.channelOrder === 'bgr' ? c : a;
      rgb[dst + x + 1] = raw[src + x + 1]!;
      rgb[dst + x + 2] = layout.channelOrder === 'bgr' ? a : c;
    }
  }
  return encodeBmp24({ width: PHOTO_WIDTH, height: PHOTO_HEIGHT, data: rgb });
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
  const header = readBmpHeader(buf);
  if (!header) throw fail('no BMP signature');
  const { pixelOffset, headerSize, width, height, bitsPerPixel, compression } = header;
  if (headerSize < 40) throw fail(`unsupported DIB header of ${headerSize} bytes`);
  if (width !== PHOTO_WIDTH || height !== PHOTO_HEIGHT) throw fail(`${width}×${height} pixels`);
  if (bitsPerPixel !== 24 || compression !== 0) throw fail(`${bitsPerPixel} bits per pixel, compression ${compression}`);
  if (pixelOffset < 14 + headerSize) throw fail(`pixel data at ${pixelOffset} overlaps the header`);
  const end = pixelOffset + BMP_ROW_SIZE * PHOTO_HEIGHT;
  if (buf.length < end) throw fail(`${buf.length} bytes, the pixels need ${end}`);
  const pixels = buf.subarray(pixelOffset, end);
  if (pixels.every((b) => b === OUTPUT_SENTINEL)) throw fail('the header is there but no pixels were written');
  return Buffer.from(buf.subarray(0, end));
}
