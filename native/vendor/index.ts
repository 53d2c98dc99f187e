export { createVendorReader, type CreateVendorReaderOptions, type VendorCard, type VendorReader } from './reader';
export { VendorSdkError, type VendorSdkErrorCode } from './errors';
export { resolveChildEntry, BUNDLED_CHILD, type ChildLaunch } from './host';
export { forkLauncher, type ChildLauncher, type ChildLaunchRequest, type VendorChild, type VendorChildEvents } from './launcher';
export { describeSdtCode } from './sdtapi';
