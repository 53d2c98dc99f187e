/**
 * A byte pipe to a SAM reader. Serial, USB-HID and USB-bulk implementations hide their framing
 * (HID report reassembly, bulk endpoints) behind this; the SAM frame codec lives in idcard/.
 */
export interface Transport {
  readonly kind: 'serial' | 'hid' | 'usb';
  /** Human-readable, no PII: e.g. "serial /dev/ttyUSB0 @115200" or "hid 0483:5750". */
  readonly description: string;
  open(): Promise<void>;
  /** Resolves once the bytes are handed to the OS; rejects with TransportError when the device is gone. */
  write(bytes: Uint8Array): Promise<void>;
  /** Raw chunks as they arrive, in any fragmentation. Returns an unsubscribe function. */
  onData(listener: (chunk: Uint8Array) => void): () => void;
  /** Fires once when the device closes; `error` set when it was unplugged or failed. */
  onClose(listener: (error?: Error) => void): () => void;
  close(): Promise<void>;
}

export type TransportErrorCode = 'not-found' | 'busy' | 'permission' | 'unplugged' | 'io' | 'closed';

export class TransportError extends Error {
  constructor(
    readonly code: TransportErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'TransportError';
  }
}
