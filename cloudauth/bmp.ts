/**
 * Minimal BMP reader for ID-card chip photos: WLT decoders and vendor SDKs hand back uncompressed
 * 24-bit (sometimes 32-bit) BMPs, which sharp cannot read. Returns packed RGB rows, top row first.
 */
export interface RawRgb {
  width: number;
  height: number;
  channels: 3;
  data: Buffer;
}

export function isBmp(bytes: Buffer): boolean {
  return bytes.length >= 26 && bytes[0] === 0x42 && bytes[1] === 0x4d;
}

export function decodeBmp(bytes: Buffer): RawRgb {
  if (!isBmp(bytes)) throw new Error('not a BMP file (no BM signature)');
  const pixelOffset = bytes.readUInt32LE(10);
  const headerSize = bytes.readUInt32LE(14);
  if (headerSize < 40) throw new Error(`unsupported BMP header (${headerSize} bytes; only BITMAPINFOHEADER and later)`);
  const width = bytes.readInt32LE(18);
  const rawHeight = bytes.readInt32LE(22);
  const bitsPerPixel = bytes.readUInt16LE(28);
  const compression = bytes.readUInt32LE(30);
  // BI_RGB (0), or BI_BITFIELDS (3) with the usual BGRA masks for 32-bit.
  if (compression !== 0 && !(compression === 3 && bitsPerPixel === 32)) throw new Error(`compressed BMP (method ${compression}) is not supported`);
  if (bitsPerPixel !== 24 && bitsPerPixel !== 32) throw new Error(`${bitsPerPixel}-bit BMP is not supported (24 or 32 only)`);
  const height = Math.abs(rawHeight);
  if (width <= 0 || height === 0 || width > 10_000 || height > 10_000) throw new Error(`implausible BMP size ${width}x${height}`);
  const bytesPerPixel = bitsPerPixel / 8;
  const stride = Math.ceil((width * bytesPerPixel) / 4) * 4;
  if (pixelOffset + stride * height > bytes.length) throw new Error('BMP pixel data is truncated');
  const data = Buffer.alloc(width * height * 3);
  const bottomUp = rawHeight > 0;
  for (let y = 0; y < height; y++) {
    const row = pixelOffset + (bottomUp ? height - 1 - y : y) * stride;
    for (let x = 0; x < width; x++) {
      const src = row + x * bytesPerPixel;
      const dst = (y * width + x) * 3;
      data[dst] = bytes[src + 2] ?? 0;
      data[dst + 1] = bytes[src + 1] ?? 0;
      data[dst + 2] = bytes[src] ?? 0;
    }
  }
  return { width, height, channels: 3, data };
}

/** Encodes packed RGB as a bottom-up 24-bit BMP (for tests and simulators producing chip photos). */
export function encodeBmp(image: RawRgb): Buffer {
  const stride = Math.ceil((image.width * 3) / 4) * 4;
  const size = 54 + stride * image.height;
  const out = Buffer.alloc(size);
  out.write('BM', 0, 'ascii');
  out.writeUInt32LE(size, 2);
  out.writeUInt32LE(54, 10);
  out.writeUInt32LE(40, 14);
  out.writeInt32LE(image.width, 18);
  out.writeInt32LE(image.height, 22);
  out.writeUInt16LE(1, 26);
  out.writeUInt16LE(24, 28);
  out.writeUInt32LE(stride * image.height, 34);
  for (let y = 0; y < image.height; y++) {
    const row = 54 + (image.height - 1 - y) * stride;
    for (let x = 0; x < image.width; x++) {
      const src = (y * image.width + x) * 3;
      out[row + x * 3] = image.data[src + 2] ?? 0;
      out[row + x * 3 + 1] = image.data[src + 1] ?? 0;
      out[row + x * 3 + 2] = image.data[src] ?? 0;
    }
  }
  return out;
}
