export { createReaderService, type ReaderMode, type ReaderServiceOptions } from './create';
export { PollingReaderService, type ReaderLogger, type ReaderLoopOptions, type SimulatorControl } from './service';
export { SamCardSource, VendorCardSource, CardReadError, type CardSource, type RawRead, type VendorReaderLike } from './card-source';
export { SamClient } from './sam-client';
export { SimulatedLink } from './sim-link';
export { DemoReader, DEMO_IDENTITY, DEMO_PHOTO_FILE } from './demo';
export { nativeHardware, type ReaderHardware, type WltDecoderLike } from './hardware';
export type { ReaderService, HeldCard, ChipPhoto } from './types';
