/**
 * The chip photo's image format: WLT decoders and vendor SDKs hand the 102×126 photo back as an
 * uncompressed 24-bit (sometimes 32-bit) BMP, which sharp can neither read nor write. This is the
 * one BMP codec of the project: header inspection, decoding to packed RGB, encoding from RGB.
 * Pure: no I/O; Buffer is the only Node API it uses.
 */

import { MAX_IMAGE_PIXELS } from './limits';
import type { RgbImage } from './rgb';

export type { RgbImage };

export type BmpErrorCode =
  | 'not-bmp' // no "BM" signature
  | 'unsupported' // a DIB header older than BITMAPINFOHEADER, a bit depth other than 1/4/8/24/32, or a bad palette
  | 'compressed' // RLE, JPEG/PNG-in-BMP, or BI_BITFIELDS on anything but 32-bit
  | 'implausible-size' // zero, negative, over 10 000 pixels a side, or over the pixel limit of every format (imaging/limits.ts)
  | 'truncated'; // fewer bytes than the header or the pixel rows need

export class BmpError extends Error {
  constructor(
    readonly code: BmpErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'BmpError';
  }
}

/** The fields of the file and DIB headers that matter for uncompressed BMPs. */
export interface BmpHeader {
  /** Where the pixel rows start (bfOffBits). */
  pixelOffset: number;
  /** DIB header size: 40 for BITMAPINFOHEADER, more for V4/V5, less for the OS/2 core header. */
  headerSize: number;
  /** As stored: may be zero or negative in a corrupt file. */
  width: number;
  /** Absolute value of the stored height. */
  height: number;
  /** A negative stored height: rows run top-down instead of the usual bottom-up. */
  topDown: boolean;
  bitsPerPixel: number;
  /** 0 = BI_RGB, 3 = BI_BITFIELDS, anything else is compressed. */
  compression: number;
}

const FILE_HEADER_SIZE = 14;
const INFO_HEADER_SIZE = 40;
/** File header + BITMAPINFOHEADER: the smallest header this codec reads. */
export const BMP_HEADER_SIZE = FILE_HEADER_SIZE + INFO_HEADER_SIZE;
const MAX_SIDE = 10_000;

/** Bytes per stored row: pixels × bytes per pixel, padded to a multiple of 4. */
export function bmpRowStride(width: number, bitsPerPixel: number): number {
  return Math.ceil((width * bitsPerPixel) / 32) * 4;
}

function view(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function hasSignature(bytes: Uint8Array): boolean {
  return bytes[0] === 0x42 && bytes[1] === 0x4d; // "BM"
}

/** Whether the bytes look like a BMP (signature and enough of a header to say more). */
export function isBmp(bytes: Uint8Array): boolean {
  return bytes.length >= 26 && hasSignature(bytes);
}

/** The header fields, or null when the bytes are shorter than a header or have no BM signature. */
export function readBmpHeader(bytes: Uint8Array): BmpHeader | null {
  if (bytes.length < BMP_HEADER_SIZE || !hasSignature(bytes)) return null;
  const b = view(bytes);
  const rawHeight = b.readInt32LE(22);
  return {
    pixelOffset: b.readUInt32LE(10),
    headerSize: b.readUInt32LE(14),
    width: b.readInt32LE(18),
    height: Math.abs(rawHeight),
    topDown: rawHeight < 0,
    bitsPerPixel: b.readUInt16LE(28),
    compression: b.readUInt32LE(30),
  };
}

/** Width, height and bit depth of a BMP, or null when the bytes are not a BMP. */
export function bmpInfo(bytes: Uint8Array): { width: number; height: number; bitsPerPixel: number } | null {
  const header = readBmpHeader(bytes);
  return header && { width: header.width, height: header.height, bitsPerPixel: header.bitsPerPixel };
}

const SUPPORTED_DEPTHS = [1, 4, 8, 24, 32];

/** One 8-bit channel from a packed 32-bit pixel, for any contiguous channel mask. */
function maskedChannel(value: number, mask: number): number {
  if (mask === 0) return 0;
  const shift = 31 - Math.clz32(mask & -mask);
  const bits = 32 - Math.clz32(mask >>> shift);
  const v = (value & mask) >>> shift;
  return bits >= 8 ? v >>> (bits - 8) : Math.round((v * 255) / ((1 << bits) - 1));
}

/**
 * Decodes an uncompressed BMP to packed RGB rows, top row first: 24-bit and 32-bit (BI_RGB, or
 * BI_BITFIELDS with its channel masks), 1/4/8-bit palettes, bottom-up or top-down. Throws BmpError.
 */
export function decodeBmp(bytes: Uint8Array): RgbImage {
  if (!isBmp(bytes)) throw new BmpError('not-bmp', 'not a BMP file (no BM signature)');
  const header = readBmpHeader(bytes);
  if (!header) throw new BmpError('truncated', `BMP header is truncated (${bytes.length} bytes)`);
  const { pixelOffset, headerSize, width, height, bitsPerPixel, compression } = header;
  if (headerSize < INFO_HEADER_SIZE) {
    throw new BmpError('unsupported', `unsupported BMP header (${headerSize} bytes; only BITMAPINFOHEADER and later)`);
  }
  if (compression !== 0 && !(compression === 3 && bitsPerPixel === 32)) {
    throw new BmpError('compressed', `compressed BMP (method ${compression}) is not supported`);
  }
  if (!SUPPORTED_DEPTHS.includes(bitsPerPixel)) {
    throw new BmpError('unsupported', `${bitsPerPixel}-bit BMP is not supported (1, 4, 8, 24 or 32 only)`);
  }
  if (width <= 0 || height === 0 || width > MAX_SIDE || height > MAX_SIDE) {
    throw new BmpError('implausible-size', `implausible BMP size ${width}x${height}`);
  }
  if (width * height > MAX_IMAGE_PIXELS) {
    throw new BmpError('implausible-size', `BMP of ${width}x${height} pixels is over the ${MAX_IMAGE_PIXELS / 1e6} megapixel limit`);
  }
  // Every offset below is read from the file: each is checked against the bytes there are before
  // it is used, so a lying header ends in a typed error, never a RangeError or a read of the header as pixels.
  if (pixelOffset < FILE_HEADER_SIZE + headerSize) {
    throw new BmpError('truncated', `BMP pixel data offset ${pixelOffset} points inside the ${FILE_HEADER_SIZE + headerSize}-byte header`);
  }
  const b = view(bytes);
  const stride = bmpRowStride(width, bitsPerPixel);
  const needed = pixelOffset + stride * height;
  if (needed > bytes.length) {
    throw new BmpError('truncated', `BMP pixel data is truncated (pixel data needs ${needed} bytes, file has ${bytes.length})`);
  }

  let palette: Uint8Array | null = null;
  if (bitsPerPixel <= 8) {
    const used = b.readUInt32LE(46);
    const count = used === 0 ? 1 << bitsPerPixel : used;
    const start = FILE_HEADER_SIZE + headerSize;
    if (start + count * 4 > pixelOffset) throw new BmpError('unsupported', 'BMP palette overlaps the pixel data');
    palette = b.subarray(start, start + count * 4);
  }
  // 32-bit BI_BITFIELDS masks follow a 40-byte header, or sit inside V2+ headers at the same place.
  // Some writers set BI_BITFIELDS and leave no room for them: those mean the usual BGRA layout.
  const hasMasks = compression === 3 && (headerSize >= 52 || pixelOffset >= BMP_HEADER_SIZE + 12);
  if (hasMasks && bytes.length < BMP_HEADER_SIZE + 12) throw new BmpError('truncated', 'BMP channel masks are truncated');
  const masks = hasMasks ? { r: b.readUInt32LE(54), g: b.readUInt32LE(58), bl: b.readUInt32LE(62) } : { r: 0xff0000, g: 0xff00, bl: 0xff };

  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    const row = pixelOffset + (header.topDown ? y : height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      const dst = (y * width + x) * 3;
      if (bitsPerPixel === 24) {
        const src = row + x * 3;
        data[dst] = b[src + 2]!;
        data[dst + 1] = b[src + 1]!;
        data[dst + 2] = b[src]!;
      } else if (bitsPerPixel === 32) {
        const value = b.readUInt32LE(row + x * 4);
        data[dst] = maskedChannel(value, masks.r);
        data[dst + 1] = maskedChannel(value, masks.g);
        data[dst + 2] = maskedChannel(value, masks.bl);
      } else {
        const bit = x * bitsPerPixel;
        const index = (b[row + (bit >> 3)]! >> (8 - bitsPerPixel - (bit & 7))) & ((1 << bitsPerPixel) - 1);
        if (index * 4 + 3 >= palette!.length) throw new BmpError('unsupported', `BMP palette index ${index} is out of range`);
        data[dst] = palette![index * 4 + 2]!;
        data[dst + 1] = palette![index * 4 + 1]!;
        data[dst + 2] = palette![index * 4]!;
      }
    }
  }
  return { width, height, data };
}

/**
 * Encodes packed RGB (top row first) as the BMP decoders return: 54-byte header, bottom-up rows
 * of B,G,R padded to 4 bytes, no resolution set. Throws RangeError for a bad size or pixel count.
 */
export function encodeBmp24(image: { width: number; height: number; data: Uint8Array }): Buffer {
  const { width, height, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`cannot encode a ${width}x${height} BMP`);
  }
  if (data.length !== width * height * 3) throw new RangeError(`expected ${width * height * 3} RGB bytes, got ${data.length}`);
  const stride = bmpRowStride(width, 24);
  const size = BMP_HEADER_SIZE + stride * height;
  const out = Buffer.alloc(size);
  out.write('BM', 0, 'latin1');
  out.writeUInt32LE(size, 2);
  out.writeUInt32LE(BMP_HEADER_SIZE, 10);
  out.writeUInt32LE(INFO_HEADER_SIZE, 14);
  out.writeInt32LE(width, 18);
  out.writeInt32LE(height, 22);
  out.writeUInt16LE(1, 26); // planes
  out.writeUInt16LE(24, 28);
  out.writeUInt32LE(0, 30); // BI_RGB
  out.writeUInt32LE(stride * height, 34);
  for (let y = 0; y < height; y++) {
    const row = BMP_HEADER_SIZE + (height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      const src = (y * width + x) * 3;
      out[row + x * 3] = data[src + 2]!;
      out[row + x * 3 + 1] = data[src + 1]!;
      out[row + x * 3 + 2] = data[src]!;
    }
  }
  return out;
}
