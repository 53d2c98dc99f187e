/**
 * 24-bit BMP, the format WLT decoders and vendor SDKs hand back for the 102×126 chip photo:
 * 54-byte header, bottom-up rows of BGR padded to 4 bytes. sharp cannot write BMP, hence this.
 */
export function encodeBmp24(width: number, height: number, rgb: Uint8Array): Buffer {
  if (rgb.length !== width * height * 3) throw new RangeError(`expected ${width * height * 3} RGB bytes, got ${rgb.length}`);
  const stride = Math.ceil((width * 3) / 4) * 4;
  const size = 54 + stride * height;
  const out = Buffer.alloc(size);
  out.write('BM', 0, 'ascii');
  out.writeUInt32LE(size, 2);
  out.writeUInt32LE(54, 10);
  out.writeUInt32LE(40, 14);
  out.writeInt32LE(width, 18);
  out.writeInt32LE(height, 22);
  out.writeUInt16LE(1, 26);
  out.writeUInt16LE(24, 28);
  out.writeUInt32LE(stride * height, 34);
  out.writeInt32LE(2835, 38); // 72 dpi
  out.writeInt32LE(2835, 42);
  for (let y = 0; y < height; y++) {
    const row = 54 + (height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      const src = (y * width + x) * 3;
      out[row + x * 3] = rgb[src + 2]!;
      out[row + x * 3 + 1] = rgb[src + 1]!;
      out[row + x * 3 + 2] = rgb[src]!;
    }
  }
  return out;
}

/** Width, height and bit depth of a BMP, or null when the bytes are not an uncompressed BMP. */
export function bmpInfo(bytes: Uint8Array): { width: number; height: number; bitsPerPixel: number } | null {
  if (bytes.length < 54 || bytes[0] !== 0x42 || bytes[1] !== 0x4d) return null;
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.readInt32LE(18), height: Math.abs(view.readInt32LE(22)), bitsPerPixel: view.readUInt16LE(28) };
}
