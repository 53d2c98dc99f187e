import { encodeBmp24 } from '../../../imaging/bmp';

/** The picture test/support/c/fake_photo.h derives from a WLT, as the BMP a decoder must return. */
export function expectedFakeBmp(wlt: Uint8Array): Buffer {
  const width = 102;
  const height = 126;
  // fake_photo.h numbers rows in BMP (bottom-up) order: row 0 is the bottom of the picture.
  const rgb = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    const row = height - 1 - y;
    for (let x = 0; x < width; x++) {
      const at = (y * width + x) * 3;
      rgb[at] = wlt[(row * width + x) % 1024]!;
      rgb[at + 1] = (x * 2) & 0xff;
      rgb[at + 2] = (row * 2) & 0xff;
    }
  }
  return encodeBmp24({ width, height, data: rgb });
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
