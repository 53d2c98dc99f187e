/** A decoded picture: tightly packed 8-bit RGB, row-major, top row first. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}
