/**
 * The largest picture any decoder in the kiosk accepts, in pixels (width × height), whatever its
 * format: a phone photo is 12–50 MP, and decoding more risks the process's memory. The Node face
 * engine's decoder (face/image/decode.ts MAX_INPUT_PIXELS) uses the same number; a test keeps them equal.
 */
export const MAX_IMAGE_PIXELS = 50_000_000;
