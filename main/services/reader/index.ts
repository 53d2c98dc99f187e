export { createReaderService, type ReaderMode, type ReaderServiceOptions } from './create';
export { PollingReaderService, type ReaderLoopOptions, type SimulatorControl } from './service';
export { SamCardSource, VendorCardSource, CardReadError, type CardSource, type RawRead, type VendorReaderLike } from '../../../native/sam/card-source';
export { SamClient } from '../../../native/sam/sam-client';
export { SimulatedLink } from '../../../native/sam/simulated-link';
export { DemoReader, DEMO_IDENTITY, DEMO_PHOTO_FILE } from './demo';
export { nativeHardware, type ReaderHardware, type WltDecoderLike } from '../../../native/sam/hardware';
export type { ChildLauncher, ChildLaunchRequest, VendorChild, VendorChildEvents } from '../../../native/vendor/launcher';
export type { ReaderService, HeldCard, ChipPhoto } from './types';
