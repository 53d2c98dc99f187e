/** The picture test/support/c/fake_photo.h derives from a WLT, as the BMP a decoder must return. */
export function expectedFakeBmp(wlt: Uint8Array): Buffer {
  const width = 102;
  const height = 126;
  const rowSize = 308;
  const bmp = Buffer.alloc(54 + rowSize * height);
  bmp.write('BM', 0, 'latin1');
  bmp.writeUInt32LE(bmp.length, 2);
  bmp.writeUInt32LE(54, 10);
  bmp.writeUInt32LE(40, 14);
  bmp.writeInt32LE(width, 18);
  bmp.writeInt32LE(height, 22);
  bmp.writeUInt16LE(1, 26);
  bmp.writeUInt16LE(24, 28);
  bmp.writeUInt32LE(rowSize * height, 34);
  for (let row = 0; row < height; row++) {
    for (let x = 0; x < width; x++) {
      const at = 54 + row * rowSize + x * 3;
      bmp[at] = (row * 2) & 0xff;
      bmp[at + 1] = (x * 2) & 0xff;
      bmp[at + 2] = wlt[(row * width + x) % 1024]!;
    }
  }
  return bmp;
}

/** A synthetic WLT: the real header magic ("WL", 102, 126) then seeded filler. No real photo. */
export function syntheticWlt(seed: number): Uint8Array {
  const wlt = new Uint8Array(1024);
  wlt.set([0x57, 0x4c, 0x66, 0x00, 0x7e, 0x00, 0x32, 0x00, 0x00, 0xff, 0x85]);
  let state = seed >>> 0 || 1;
  for (let i = 11; i < wlt.length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    wlt[i] = state >>> 24;
  }
  return wlt;
}
