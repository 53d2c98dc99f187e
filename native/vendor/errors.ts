/**
 * Everything that can go wrong with vendor code, as seen by the kiosk. The kiosk process never
 * dies from these: vendor libraries run in a child process (see host.ts).
 *
 * - load-failed: the library file is missing, not a shared library, or for another CPU arch.
 * - symbol-missing: the library loads but lacks an entry point the configured ABI needs.
 * - crashed: the library killed its process (segfault, abort); the child restarts on the next call.
 * - timeout: a call did not return in time; the child was killed and restarts on the next call.
 * - sdk-error: the library returned a failure code (`sdkCode`).
 * - bad-output: the library claimed success but returned unusable data (wrong size, not a BMP).
 * - bad-input: the caller passed something the ABI cannot take (e.g. a WLT that is not 1024 bytes).
 * - child-failed: the helper process itself could not be started.
 * - closed: the reader or decoder was closed.
 */
export type VendorSdkErrorCode =
  | 'load-failed'
  | 'symbol-missing'
  | 'crashed'
  | 'timeout'
  | 'sdk-error'
  | 'bad-output'
  | 'bad-input'
  | 'child-failed'
  | 'closed';

export class VendorSdkError extends Error {
  readonly code: VendorSdkErrorCode;
  /** The vendor function's return value, for sdk-error. */
  readonly sdkCode: number | undefined;
  /** Signal that ended the child, for crashed. */
  readonly signal: string | undefined;

  constructor(
    code: VendorSdkErrorCode,
    message: string,
    options: { sdkCode?: number; signal?: string; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'VendorSdkError';
    this.code = code;
    this.sdkCode = options.sdkCode;
    this.signal = options.signal;
  }
}

/** Plain-data form for the IPC channel (Error objects lose their fields in structured clone). */
export interface SerializedVendorError {
  code: VendorSdkErrorCode;
  message: string;
  sdkCode?: number;
}

export function serializeVendorError(error: unknown): SerializedVendorError {
  if (error instanceof VendorSdkError) {
    return { code: error.code, message: error.message, ...(error.sdkCode === undefined ? {} : { sdkCode: error.sdkCode }) };
  }
  return { code: 'sdk-error', message: error instanceof Error ? error.message : String(error) };
}

export function deserializeVendorError(data: SerializedVendorError): VendorSdkError {
  return new VendorSdkError(data.code, data.message, data.sdkCode === undefined ? {} : { sdkCode: data.sdkCode });
}
