import { scanForReaders, watchDevices } from '../discovery';
import { createHidTransport } from '../hid';
import { createSerialTransport } from '../serial';
import type { Transport } from '../transport';
import { createUsbBulkTransport } from '../usb-bulk';
import type { ChildLauncher } from '../vendor/launcher';
import type { WltDecoderConfig } from '../wlt/types';
import type { VendorReaderLike } from './card-source';

export interface WltDecoderLike {
  decode(wlt: Uint8Array): Promise<Buffer>;
  close(): Promise<void>;
}

export interface ReaderCandidate {
  kind: 'serial' | 'hid' | 'usb';
  /** Serial path, or "vvvv:pppp" for USB devices. */
  id: string;
  open(): Transport;
}

/** The native layer as the reader service uses it; injected so tests and the CLI can swap parts. */
export interface ReaderHardware {
  serial(path: string, baudRate?: number): Transport;
  hid(opts: { vendorId: number; productId: number; path?: string }): Transport;
  usb(opts: { vendorId: number; productId: number }): Transport;
  /** Plugged-in devices that look like SAM readers, most likely first. */
  scan(): Promise<ReaderCandidate[]>;
  /** `launcher` starts the SDK's child process (child_process.fork when absent; the Electron shell passes a utility-process one). */
  vendor(opts: { library: string; port?: number; fingerprints?: boolean; launcher?: ChildLauncher }): Promise<VendorReaderLike>;
  wltDecoder(opts: WltDecoderConfig & { launcher?: ChildLauncher }): Promise<WltDecoderLike>;
  /** Call `onAttach` when a reader-like device appears (hot-plug); returns a stop function. */
  watch(onAttach: () => void, configuredSerialPaths: readonly string[]): () => void;
}

function parseUsbId(id: string): { vendorId: number; productId: number } | null {
  const m = /^([0-9a-f]{4}):([0-9a-f]{4})/i.exec(id);
  return m ? { vendorId: Number.parseInt(m[1]!, 16), productId: Number.parseInt(m[2]!, 16) } : null;
}

export const nativeHardware: ReaderHardware = {
  serial: (path, baudRate) => createSerialTransport({ path, baudRate }),
  hid: (opts) => createHidTransport(opts),
  usb: (opts) => createUsbBulkTransport(opts),
  async scan() {
    const found = await scanForReaders();
    const candidates: ReaderCandidate[] = [];
    for (const device of found) {
      if (device.reader && !device.reader.rawSam) continue;
      if (device.kind === 'serial') {
        candidates.push({ kind: 'serial', id: device.id, open: () => createSerialTransport({ path: device.id }) });
        continue;
      }
      const ids = parseUsbId(device.id);
      if (!ids) continue;
      candidates.push({
        kind: device.kind,
        id: device.id,
        open: () => (device.kind === 'hid' ? createHidTransport(ids) : createUsbBulkTransport(ids)),
      });
    }
    return candidates;
  },
  watch(onAttach, configuredSerialPaths) {
    // Where udev or /sys/bus/usb is missing, watching goes on with what works; backoff still retries.
    return watchDevices((change) => change.attached && onAttach(), { configuredSerialPaths, onError: () => undefined });
  },
  async vendor(opts) {
    const { createVendorReader } = await import('../vendor');
    return createVendorReader(opts);
  },
  async wltDecoder(opts) {
    const { createWltDecoder } = await import('../wlt');
    return createWltDecoder(opts);
  },
};
