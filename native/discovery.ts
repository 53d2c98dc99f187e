import { existsSync } from 'node:fs';
import { SerialPort } from 'serialport';
import { KNOWN_READERS, formatUsbId, lookupKnownReader, type KnownReader } from './known-readers';

export interface DeviceChange {
  kind: 'serial' | 'hid' | 'usb';
  /** serial: the port path; usb/hid: "vvvv:pppp@bus.address" (stable while plugged in). */
  id: string;
  attached: boolean;
  /** For usb/hid: the KNOWN_READERS entry (check `rawSam` before opening it as a SAM transport). */
  reader?: KnownReader;
}

export interface UsbDeviceSummary {
  vendorId: number;
  productId: number;
  bus?: string;
  address?: number;
}

/**
 * USB enumeration and hot-plug. The default uses `usb`'s native layer directly rather than its
 * WebUSB object, because WebUSB.addEventListener leaves a rejected promise unhandled (and rethrows
 * registration failures from a timer) where /sys/bus/usb or udev is missing, which would take the
 * whole kiosk process down. Every failure here must come back as a promise we can catch.
 */
export interface UsbHotplugSource {
  listDevices(): Promise<Array<UsbDeviceSummary & { handle?: string }>>;
  onAttach(listener: (device: UsbDeviceSummary & { handle?: string }) => void): Promise<void>;
  /** libusb only names the handle of a device that left. */
  onDetach(listener: (handle: string) => void): Promise<void>;
  stop(): Promise<void>;
}

export interface WatchDevicesOptions {
  /** Serial list polling period; SerialPort has no hot-plug events. Default 2000 ms. */
  pollMs?: number;
  /** Fixed serial paths (RS-232, socat ptys) that never appear in the OS list; watched by existence. */
  configuredSerialPaths?: readonly string[];
  /** Extra USB identities to report besides KNOWN_READERS, with the transport they need. */
  extraUsbIds?: ReadonlyArray<{ vendorId: number; productId: number; transport: 'usb' | 'hid' }>;
  /** Told once when a source cannot be watched here (no udev, no /sys/bus/usb); watching goes on without it. */
  onError?: (error: DiscoveryError) => void;
  listSerial?: () => Promise<Array<{ path: string }>>;
  usb?: () => Promise<UsbHotplugSource>;
  pathExists?: (path: string) => boolean;
}

export class DiscoveryError extends Error {
  constructor(
    readonly source: 'serial' | 'usb',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DiscoveryError';
  }
}

async function defaultUsb(): Promise<UsbHotplugSource> {
  const native = await import('usb/index.js');
  const emitter = new native.Emitter();
  const summarize = (d: InstanceType<typeof native.UsbDevice>) => ({
    vendorId: d.vendorId,
    productId: d.productId,
    bus: d.bus,
    address: d.address,
    handle: d.handle,
  });
  let attached = false;
  let detached = false;
  return {
    listDevices: async () => (await native.nativeGetDevices()).map(summarize),
    onAttach: async (listener) => {
      await emitter.addAttach((d) => listener(summarize(d)));
      attached = true;
    },
    onDetach: async (listener) => {
      await emitter.addDetach(listener);
      detached = true;
    },
    stop: async () => {
      if (attached) await emitter.removeAttach().catch(() => undefined);
      if (detached) await emitter.removeDetach().catch(() => undefined);
    },
  };
}

const usbDeviceId = (d: UsbDeviceSummary) =>
  `${formatUsbId(d.vendorId, d.productId)}@${d.bus ?? '?'}.${d.address ?? '?'}`;

/**
 * Reports readers coming and going: serial ports by polling the OS list (plus configured paths by
 * existence), USB and HID readers by libusb attach/detach events filtered to known VID/PIDs.
 * Devices present at start are reported as attached. Returns a function that stops watching.
 */
export function watchDevices(onChange: (e: DeviceChange) => void, opts: WatchDevicesOptions = {}): () => void {
  const pollMs = opts.pollMs ?? 2000;
  const listSerial = opts.listSerial ?? (() => SerialPort.list());
  const pathExists = opts.pathExists ?? existsSync;
  const loadUsb = opts.usb ?? defaultUsb;
  const reported = new Map<string, { kind: 'usb' | 'hid'; reader: KnownReader | undefined }>();
  let stopped = false;
  const cleanups: Array<() => void> = [];

  const usbKind = (d: UsbDeviceSummary): 'usb' | 'hid' | null => {
    const extra = opts.extraUsbIds?.find((x) => x.vendorId === d.vendorId && x.productId === d.productId);
    if (extra) return extra.transport;
    const known: KnownReader | undefined = lookupKnownReader(d.vendorId, d.productId);
    // Serial bridges surface through the serial list; "unknown" devices are opened as bulk.
    if (!known || known.transport === 'serial') return null;
    return known.transport === 'hid' ? 'hid' : 'usb';
  };

  // ---- serial: poll and diff ----
  let serialPresent = new Set<string>();
  let serialFailed = false;
  const pollSerial = async () => {
    let listed: string[] = [];
    try {
      listed = (await listSerial()).map((p) => p.path);
      serialFailed = false;
    } catch (error) {
      if (!serialFailed) opts.onError?.(new DiscoveryError('serial', `listing serial ports failed: ${String(error)}`, { cause: error }));
      serialFailed = true;
      listed = [...serialPresent].filter((p) => !(opts.configuredSerialPaths ?? []).includes(p));
    }
    const configured = (opts.configuredSerialPaths ?? []).filter((p) => pathExists(p));
    const now = new Set([...listed, ...configured]);
    if (stopped) return;
    for (const path of now) if (!serialPresent.has(path)) onChange({ kind: 'serial', id: path, attached: true });
    for (const path of serialPresent) if (!now.has(path)) onChange({ kind: 'serial', id: path, attached: false });
    serialPresent = now;
  };
  let polling = false;
  const tick = () => {
    if (polling || stopped) return;
    polling = true;
    void pollSerial().finally(() => (polling = false));
  };
  tick();
  const timer = setInterval(tick, pollMs);
  timer.unref?.();
  cleanups.push(() => clearInterval(timer));

  // ---- usb/hid: attach/detach events ----
  void (async () => {
    let source: UsbHotplugSource;
    try {
      source = await loadUsb();
    } catch (error) {
      opts.onError?.(new DiscoveryError('usb', `the usb module could not load: ${String(error)}`, { cause: error }));
      return;
    }
    if (stopped) return;
    cleanups.push(() => void source.stop().catch(() => undefined));
    const byHandle = new Map<string, string>();
    const attach = (device: UsbDeviceSummary & { handle?: string }) => {
      const kind = usbKind(device);
      const id = usbDeviceId(device);
      if (!kind || stopped || reported.has(id)) return;
      const reader = lookupKnownReader(device.vendorId, device.productId);
      reported.set(id, { kind, reader });
      if (device.handle) byHandle.set(device.handle, id);
      onChange({ kind, id, attached: true, ...(reader ? { reader } : {}) });
    };
    const detach = (handle: string) => {
      const id = byHandle.get(handle);
      const entry = id ? reported.get(id) : undefined;
      if (!id || !entry || stopped) return;
      byHandle.delete(handle);
      reported.delete(id);
      onChange({ kind: entry.kind, id, attached: false, ...(entry.reader ? { reader: entry.reader } : {}) });
    };
    try {
      await source.onAttach(attach);
      await source.onDetach(detach);
      for (const device of await source.listDevices()) attach(device);
    } catch (error) {
      await source.stop().catch(() => undefined);
      opts.onError?.(
        new DiscoveryError('usb', `USB hot-plug is unavailable here (${error instanceof Error ? error.message : String(error)}); configure the reader explicitly`, {
          cause: error,
        }),
      );
    }
  })();

  return () => {
    stopped = true;
    for (const cleanup of cleanups.splice(0)) cleanup();
  };
}

/** Known reader identities for auto-detection and the udev rules. */
export { KNOWN_READERS, knownReaderIds, lookupKnownReader, formatUsbId } from './known-readers';
export type { KnownReader } from './known-readers';

/** What is plugged in right now that looks like a reader: a one-shot scan for the CLI and settings UI. */
export async function scanForReaders(
  deps: { listSerial?: () => Promise<Array<{ path: string; vendorId?: string; productId?: string }>>; usb?: () => Promise<UsbHotplugSource> } = {},
): Promise<Array<{ kind: 'serial' | 'hid' | 'usb'; id: string; reader: KnownReader | undefined }>> {
  const found: Array<{ kind: 'serial' | 'hid' | 'usb'; id: string; reader: KnownReader | undefined }> = [];
  try {
    for (const port of await (deps.listSerial ?? (() => SerialPort.list()))()) {
      const reader = lookupKnownReader(port.vendorId, port.productId);
      if (reader) found.push({ kind: 'serial', id: port.path, reader });
    }
  } catch {
    // no serial enumeration here; USB may still work
  }
  try {
    const source = await (deps.usb ?? defaultUsb)();
    const devices = await source.listDevices();
    await source.stop().catch(() => undefined);
    for (const device of devices) {
      const reader = lookupKnownReader(device.vendorId, device.productId);
      if (reader && reader.transport !== 'serial') {
        found.push({ kind: reader.transport === 'hid' ? 'hid' : 'usb', id: usbDeviceId(device), reader });
      }
    }
  } catch {
    // no libusb access here
  }
  return found;
}

/** VID/PIDs in the KNOWN_READERS table, for callers that only need the numbers. */
export function listKnownReaderIds(): Array<{ vendorId: number; productId: number; transport: KnownReader['transport'] }> {
  return KNOWN_READERS.map(({ vendorId, productId, transport }) => ({ vendorId, productId, transport }));
}
