import { TransportSignals } from './listeners';
import { TransportError, type Transport, type TransportErrorCode } from './transport';

/*
 * Vendor-class bulk readers (0400:C35A: ZKTeco IDR, 精伦 iDR, many "SDT" readers) speak plain SAM
 * frames over bulk endpoints. Endpoints are taken from the descriptors, never hard-coded
 * (reference/idcard-reader.md §4):
 * - "single" layout: one bulk OUT and one bulk IN; a whole frame goes OUT, replies are read IN in
 *   packet-multiple chunks (Sdtusbapi).
 * - "split" layout: two bulk OUT and two bulk IN endpoints (iDR: EP 02/06 out, 81/85 in); the
 *   7-byte header (preamble + LEN) travels on the first pair and the rest on the second.
 */

export interface UsbEndpointInfo {
  endpointNumber: number;
  direction: 'in' | 'out';
  type: 'bulk' | 'interrupt' | 'isochronous';
  packetSize: number;
}

export interface UsbInterfaceInfo {
  interfaceNumber: number;
  alternate: { interfaceClass: number; endpoints: readonly UsbEndpointInfo[] };
}

export interface UsbConfigurationInfo {
  configurationValue: number;
  interfaces: readonly UsbInterfaceInfo[];
}

/** The WebUSB-style slice of `usb` 3.x's UsbDevice the transport uses; tests inject a fake here. */
export interface UsbBulkDeviceLike {
  readonly vendorId: number;
  readonly productId: number;
  readonly opened: boolean;
  readonly configuration: UsbConfigurationInfo | null | undefined;
  readonly configurations: readonly UsbConfigurationInfo[];
  open(): Promise<void>;
  close(): Promise<void>;
  selectConfiguration(configurationValue: number): Promise<void>;
  claimInterface(interfaceNumber: number): Promise<void>;
  releaseInterface(interfaceNumber: number): Promise<void>;
  detachKernelDriver?(interfaceNumber: number): Promise<void>;
  clearHalt?(direction: 'in' | 'out', endpointNumber: number): Promise<void>;
  transferIn(endpointNumber: number, length: number, timeout?: number): Promise<{ data?: DataView; status: string }>;
  transferOut(endpointNumber: number, data: Uint8Array, timeout?: number): Promise<{ bytesWritten: number; status: string }>;
}

export interface BulkEndpoints {
  interfaceNumber: number;
  configurationValue: number;
  layout: 'single' | 'split';
  /** [header/whole-frame endpoint, body endpoint (split only)] */
  out: number[];
  in: number[];
  packetSize: number;
}

/**
 * Picks the interface and bulk endpoints to use. Vendor-specific interfaces (class 0xFF) win over
 * others; endpoint order follows the descriptor (lowest number first), which is how the split
 * iDR family numbers its header and body pipes.
 */
export function findBulkEndpoints(configurations: readonly UsbConfigurationInfo[]): BulkEndpoints | null {
  const candidates: BulkEndpoints[] = [];
  for (const configuration of configurations) {
    for (const iface of configuration.interfaces) {
      const bulk = iface.alternate.endpoints.filter((e) => e.type === 'bulk');
      const outs = bulk.filter((e) => e.direction === 'out').sort((a, b) => a.endpointNumber - b.endpointNumber);
      const ins = bulk.filter((e) => e.direction === 'in').sort((a, b) => a.endpointNumber - b.endpointNumber);
      if (outs.length === 0 || ins.length === 0) continue;
      const split = outs.length >= 2 && ins.length >= 2;
      candidates.push({
        interfaceNumber: iface.interfaceNumber,
        configurationValue: configuration.configurationValue,
        layout: split ? 'split' : 'single',
        out: (split ? outs.slice(0, 2) : outs.slice(0, 1)).map((e) => e.endpointNumber),
        in: (split ? ins.slice(0, 2) : ins.slice(0, 1)).map((e) => e.endpointNumber),
        packetSize: Math.max(...ins.map((e) => e.packetSize), 64),
      });
      if (iface.alternate.interfaceClass === 0xff) return candidates.at(-1)!;
    }
  }
  return candidates[0] ?? null;
}

export function classifyUsbError(error: unknown, phase: 'open' | 'transfer'): TransportErrorCode | 'retry' {
  const text = error instanceof Error ? error.message : String(error);
  if (/permission denied|access denied|EACCES/i.test(text)) return 'permission';
  if (/busy|already in use|failed to claim/i.test(text)) return 'busy';
  if (/disconnected|no such device|ENODEV|not found|failed to open device/i.test(text)) {
    return phase === 'open' ? 'not-found' : 'unplugged';
  }
  // A poll that saw no data in time is cancelled by the library; that is the normal idle case.
  if (/timed out|timeout|cancelled|canceled/i.test(text)) return 'retry';
  return 'io';
}

const advice: Record<TransportErrorCode, string> = {
  'not-found': 'check that the reader is plugged in and the VID:PID is right',
  permission: 'install native/udev/99-renzheng-idcard.rules and replug the reader',
  busy: 'another driver or program holds the reader (vendor service?); stop it',
  unplugged: 'the reader was disconnected; plug it back in',
  io: 'the USB transfer failed; replug the reader',
  closed: 'open the transport first',
};

export interface UsbBulkTransportOptions {
  vendorId: number;
  productId: number;
  /** Force an endpoint layout when descriptors are ambiguous. */
  layout?: 'single' | 'split';
  /** How long one IN poll waits; bounds how quickly close() returns. */
  pollTimeoutMs?: number;
}

export interface UsbBulkTransportDeps {
  find?: (vendorId: number, productId: number) => Promise<UsbBulkDeviceLike | undefined>;
}

async function findWithUsb(vendorId: number, productId: number): Promise<UsbBulkDeviceLike | undefined> {
  const { usb } = await import('usb');
  return (await usb.findDeviceByIds(vendorId, productId)) as unknown as UsbBulkDeviceLike | undefined;
}

const hex4 = (n: number) => n.toString(16).padStart(4, '0');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const SAM_HEADER = 7;

/** A SAM reader behind vendor-specific bulk endpoints, through libusb (`usb` 3.x, WebUSB-style API). */
export function createUsbBulkTransport(opts: UsbBulkTransportOptions, deps: UsbBulkTransportDeps = {}): Transport {
  const find = deps.find ?? findWithUsb;
  const pollTimeoutMs = opts.pollTimeoutMs ?? 250;
  const label = `usb ${hex4(opts.vendorId)}:${hex4(opts.productId)}`;
  const signals = new TransportSignals();
  let device: UsbBulkDeviceLike | null = null;
  let endpoints: BulkEndpoints | null = null;
  let readLoop: Promise<void> = Promise.resolve();

  const fail = (error: unknown, what: string, phase: 'open' | 'transfer'): TransportError => {
    if (error instanceof TransportError) return error;
    const classified = classifyUsbError(error, phase);
    const code: TransportErrorCode = classified === 'retry' ? 'io' : classified;
    const detail = error instanceof Error ? error.message : String(error);
    return new TransportError(code, `${what} ${label} failed (${detail}): ${advice[code]}`, { cause: error });
  };

  const drop = (current: UsbBulkDeviceLike, error?: TransportError) => {
    if (device !== current) return;
    device = null;
    signals.emitClose(error);
    void current.close().catch(() => undefined);
  };

  /** One IN transfer; null when the poll simply saw no data. */
  const readOnce = async (current: UsbBulkDeviceLike, endpoint: number, length: number): Promise<Uint8Array | null> => {
    try {
      const result = await current.transferIn(endpoint, length, pollTimeoutMs);
      if (result.status === 'stall') {
        await current.clearHalt?.('in', endpoint).catch(() => undefined);
        // Do not spin on a device that keeps stalling.
        await sleep(20);
        return null;
      }
      const view = result.data;
      if (!view || view.byteLength === 0) {
        await sleep(5); // zero-length packets return at once; keep the poll from spinning
        return null;
      }
      return new Uint8Array(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
    } catch (error) {
      if (classifyUsbError(error, 'transfer') === 'retry') return null;
      throw error;
    }
  };

  const pump = async (current: UsbBulkDeviceLike, eps: BulkEndpoints) => {
    const chunkLength = eps.packetSize * 64;
    try {
      while (device === current) {
        if (eps.layout === 'single') {
          const chunk = await readOnce(current, eps.in[0]!, chunkLength);
          if (chunk && device === current) signals.emitData(chunk);
          continue;
        }
        const header = await readOnce(current, eps.in[0]!, eps.packetSize);
        if (!header || device !== current) continue;
        signals.emitData(header);
        if (header.length < SAM_HEADER) continue;
        // The body pipe carries LEN bytes after the 7-byte header.
        let remaining = ((header[5]! << 8) | header[6]!) - (header.length - SAM_HEADER);
        let idle = 0;
        while (remaining > 0 && device === current && idle < 8) {
          const body = await readOnce(current, eps.in[1]!, Math.min(chunkLength, Math.ceil(remaining / eps.packetSize) * eps.packetSize));
          if (!body) {
            idle++;
            continue;
          }
          idle = 0;
          remaining -= body.length;
          if (device === current) signals.emitData(body);
        }
      }
    } catch (error) {
      drop(current, fail(error, 'reading from', 'transfer'));
    }
  };

  const writeTo = async (current: UsbBulkDeviceLike, endpoint: number, bytes: Uint8Array) => {
    const result = await current.transferOut(endpoint, bytes, 3000);
    if (result.status !== 'ok' || result.bytesWritten !== bytes.length) {
      throw new TransportError('io', `writing to ${label} sent ${result.bytesWritten} of ${bytes.length} bytes (${result.status}): ${advice.io}`);
    }
  };

  return {
    kind: 'usb',
    description: label,

    async open() {
      if (device) return;
      let found: UsbBulkDeviceLike | undefined;
      try {
        found = await find(opts.vendorId, opts.productId);
      } catch (error) {
        throw fail(error, 'looking for', 'open');
      }
      if (!found) throw new TransportError('not-found', `no ${label} reader is attached: ${advice['not-found']}`);
      const current = found;
      const eps = findBulkEndpoints(current.configuration ? [current.configuration] : current.configurations) ?? findBulkEndpoints(current.configurations);
      if (!eps) {
        throw new TransportError('io', `${label} has no bulk IN/OUT endpoint pair; it is not a bulk SAM reader (try --hid or --port)`);
      }
      if (opts.layout === 'single') eps.layout = 'single';
      if (opts.layout === 'split' && eps.layout !== 'split') {
        throw new TransportError('io', `${label} exposes one bulk pair; the split layout needs two`);
      }
      try {
        if (!current.opened) await current.open();
        if (current.configuration?.configurationValue !== eps.configurationValue) await current.selectConfiguration(eps.configurationValue);
        try {
          await current.claimInterface(eps.interfaceNumber);
        } catch (error) {
          if (classifyUsbError(error, 'open') !== 'busy' || !current.detachKernelDriver) throw error;
          // A kernel driver bound to the interface; take it over (Linux only).
          await current.detachKernelDriver(eps.interfaceNumber);
          await current.claimInterface(eps.interfaceNumber);
        }
      } catch (error) {
        await current.close().catch(() => undefined);
        throw fail(error, 'opening', 'open');
      }
      device = current;
      endpoints = eps;
      signals.reset();
      readLoop = pump(current, eps);
    },

    async write(bytes) {
      const current = device;
      const eps = endpoints;
      if (!current || !eps) {
        const gone = signals.closeError;
        throw gone instanceof TransportError && gone.code === 'unplugged'
          ? new TransportError('unplugged', `writing to ${label} failed: ${advice.unplugged}`, { cause: gone })
          : new TransportError('closed', `writing to ${label} failed: the device is not open; ${advice.closed}`);
      }
      try {
        if (eps.layout === 'split' && bytes.length > SAM_HEADER) {
          await writeTo(current, eps.out[0]!, bytes.subarray(0, SAM_HEADER));
          await writeTo(current, eps.out[1]!, bytes.subarray(SAM_HEADER));
        } else {
          await writeTo(current, eps.out[0]!, bytes);
        }
      } catch (error) {
        const failure = fail(error, 'writing to', 'transfer');
        drop(current, failure);
        throw failure;
      }
    },

    onData: (listener) => signals.onData(listener),
    onClose: (listener) => signals.onClose(listener),

    async close() {
      const current = device;
      const eps = endpoints;
      if (!current || !eps) return;
      device = null;
      await readLoop; // ends after the poll in flight (≤ pollTimeoutMs)
      await current.releaseInterface(eps.interfaceNumber).catch(() => undefined);
      await current.close().catch(() => undefined);
      signals.emitClose();
    },
  };
}
