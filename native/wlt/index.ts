export { createWltDecoder, wltSessionFor, type CreateWltDecoderOptions } from './decoder';
export { bmpFromRawPixels, validateChipPhotoBmp } from './bmp';
export * from './types';
