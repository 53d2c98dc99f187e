import { FaceError } from '../errors';
import type { RgbImage } from './rgb';

// sharp (libvips) cannot read BMP, and ID-card WLT decoders hand out 24-bit BMPs, so we read them here.
// Supported: BITMAPINFOHEADER and later (40+ byte headers), 1/4/8-bit palettes, 24-bit, 32-bit (BI_RGB or
// BI_BITFIELDS), bottom-up or top-down. Compressed (RLE, JPEG, PNG) BMPs are rejected.

const BI_RGB = 0;
const BI_BITFIELDS = 3;
const MAX_PIXELS = 50_000_000;

export function isBmp(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x42 && bytes[1] === 0x4d;
}

function bad(message: string): FaceError {
  return new FaceError('InvalidParam.ImageValuePatternError', `Not a readable BMP: ${message}.`);
}

export function decodeBmp(bytes: Uint8Array): RgbImage {
  if (!isBmp(bytes)) throw bad('missing "BM" signature');
  if (bytes.length < 54) throw bad(`file is ${bytes.length} bytes, shorter than the 54-byte headers`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const pixelOffset = view.getUint32(10, true);
  const headerSize = view.getUint32(14, true);
  if (headerSize < 40) throw bad(`DIB header of ${headerSize} bytes (OS/2 bitmaps) is not supported`);
  const width = view.getInt32(18, true);
  const rawHeight = view.getInt32(22, true);
  const bpp = view.getUint16(28, true);
  const compression = view.getUint32(30, true);
  const topDown = rawHeight < 0;
  const height = Math.abs(rawHeight);
  if (width <= 0 || height <= 0) throw bad(`size ${width}x${rawHeight}`);
  if (width * height > MAX_PIXELS) throw bad(`${width}x${height} is larger than ${MAX_PIXELS} pixels`);
  if (![1, 4, 8, 24, 32].includes(bpp)) throw bad(`${bpp} bits per pixel is not supported`);
  if (compression !== BI_RGB && !(compression === BI_BITFIELDS && bpp === 32)) throw bad(`compression type ${compression} is not supported`);

  const stride = Math.ceil((width * bpp) / 32) * 4;
  if (pixelOffset + stride * height > bytes.length) {
    throw bad(`pixel data needs ${pixelOffset + stride * height} bytes, file has ${bytes.length}`);
  }

  let palette: Uint8Array | null = null;
  if (bpp <= 8) {
    const used = view.getUint32(46, true);
    const count = used === 0 ? 1 << bpp : used;
    const start = 14 + headerSize;
    if (start + count * 4 > pixelOffset) throw bad('palette overlaps the pixel data');
    palette = bytes.subarray(start, start + count * 4);
  }

  // Channel masks for 32-bit BI_BITFIELDS: stored right after a 40-byte header, or inside V4/V5 headers.
  let masks = { r: 0x00ff0000, g: 0x0000ff00, b: 0x000000ff };
  if (compression === BI_BITFIELDS) {
    masks = { r: view.getUint32(54, true), g: view.getUint32(58, true), b: view.getUint32(62, true) };
  }
  const channel = (value: number, mask: number): number => {
    if (mask === 0) return 0;
    const shift = 31 - Math.clz32(mask & -mask);
    const bits = 32 - Math.clz32(mask >>> shift);
    const v = (value & mask) >>> shift;
    return bits >= 8 ? v >>> (bits - 8) : Math.round((v * 255) / ((1 << bits) - 1));
  };

  const out = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const row = pixelOffset + (topDown ? y : height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      if (bpp === 24) {
        const p = row + x * 3;
        out[o] = bytes[p + 2]!;
        out[o + 1] = bytes[p + 1]!;
        out[o + 2] = bytes[p]!;
      } else if (bpp === 32) {
        const value = view.getUint32(row + x * 4, true);
        out[o] = channel(value, masks.r);
        out[o + 1] = channel(value, masks.g);
        out[o + 2] = channel(value, masks.b);
      } else {
        const bitPos = x * bpp;
        const byte = bytes[row + (bitPos >> 3)]!;
        const index = (byte >> (8 - bpp - (bitPos & 7))) & ((1 << bpp) - 1);
        if (index * 4 + 3 > palette!.length) throw bad(`palette index ${index} out of range`);
        out[o] = palette![index * 4 + 2]!;
        out[o + 1] = palette![index * 4 + 1]!;
        out[o + 2] = palette![index * 4]!;
      }
    }
  }
  return { width, height, data: out };
}

/** Encode RGB as a 24-bit bottom-up BMP, the layout ID-card decoders produce (used by tests and tools). */
export function encodeBmp24(image: RgbImage): Buffer {
  const stride = Math.ceil((image.width * 24) / 32) * 4;
  const size = 54 + stride * image.height;
  const buf = Buffer.alloc(size);
  buf.write('BM', 0, 'ascii');
  buf.writeUInt32LE(size, 2);
  buf.writeUInt32LE(54, 10);
  buf.writeUInt32LE(40, 14);
  buf.writeInt32LE(image.width, 18);
  buf.writeInt32LE(image.height, 22);
  buf.writeUInt16LE(1, 26);
  buf.writeUInt16LE(24, 28);
  buf.writeUInt32LE(stride * image.height, 34);
  for (let y = 0; y < image.height; y++) {
    const row = 54 + (image.height - 1 - y) * stride;
    for (let x = 0; x < image.width; x++) {
      const i = (y * image.width + x) * 3;
      buf[row + x * 3] = image.data[i + 2]!;
      buf[row + x * 3 + 1] = image.data[i + 1]!;
      buf[row + x * 3 + 2] = image.data[i]!;
    }
  }
  return buf;
}
