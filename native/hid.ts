import { HidReportReassembler, frameToReports, HID_REPORT_SIZE } from './hid-framing';
import { TransportSignals } from './listeners';
import { TransportError, type Transport, type TransportErrorCode } from './transport';

/** The slice of node-hid's HIDAsync the transport uses; tests inject a fake at this boundary. */
export interface HidDeviceLike {
  write(values: number[] | Buffer): Promise<number>;
  close(): Promise<void>;
  on(event: 'data', listener: (report: Buffer) => void): unknown;
  on(event: 'error', listener: (error: unknown) => void): unknown;
  removeAllListeners(event?: string): unknown;
}

export interface HidTransportOptions {
  vendorId: number;
  productId: number;
  /** hidraw path when several identical readers are attached; otherwise the first match opens. */
  path?: string;
}

export interface HidTransportDeps {
  open?: (target: { path: string } | { vendorId: number; productId: number }) => Promise<HidDeviceLike>;
}

const hex4 = (n: number) => n.toString(16).padStart(4, '0');

async function openWithNodeHid(target: { path: string } | { vendorId: number; productId: number }): Promise<HidDeviceLike> {
  const { HIDAsync } = await import('node-hid');
  return 'path' in target ? HIDAsync.open(target.path) : HIDAsync.open(target.vendorId, target.productId);
}

export function classifyHidError(error: unknown): TransportErrorCode {
  const text = error instanceof Error ? error.message : String(error);
  if (/cannot open device|could not open|no such device|not found/i.test(text)) return 'not-found';
  if (/permission|access denied|EACCES/i.test(text)) return 'permission';
  if (/busy|exclusive/i.test(text)) return 'busy';
  // hidapi reports a pulled device as a failed read or write.
  if (/could not read|cannot write|could not write|read error|write error|device disconnected|EIO|ENODEV/i.test(text)) return 'unplugged';
  return 'io';
}

const advice: Record<TransportErrorCode, string> = {
  'not-found': 'check that the reader is plugged in and the VID:PID is right',
  permission: 'install native/udev/99-renzheng-idcard.rules and replug the reader',
  busy: 'another program holds the reader; close it',
  unplugged: 'the reader was disconnected; plug it back in',
  io: 'the HID driver reported an error; replug the reader',
  closed: 'open the transport first',
};

/**
 * A SAM reader that enumerates as USB-HID: frames go out as 64-byte reports and replies are
 * reassembled from reports (layout in hid-framing.ts), so callers see the plain SAM byte stream.
 */
export function createHidTransport(opts: HidTransportOptions, deps: HidTransportDeps = {}): Transport {
  const open = deps.open ?? openWithNodeHid;
  const label = `hid ${hex4(opts.vendorId)}:${hex4(opts.productId)}`;
  const signals = new TransportSignals();
  const reassembler = new HidReportReassembler((frame) => signals.emitData(frame));
  let device: HidDeviceLike | null = null;

  const fail = (error: unknown, what: string): TransportError => {
    if (error instanceof TransportError) return error;
    const code = classifyHidError(error);
    const detail = error instanceof Error ? error.message : String(error);
    return new TransportError(code, `${what} ${label} failed (${detail}): ${advice[code]}`, { cause: error });
  };

  const drop = (current: HidDeviceLike, error?: TransportError) => {
    if (device !== current) return;
    device = null;
    reassembler.reset();
    current.removeAllListeners('data');
    signals.emitClose(error);
    void current.close().catch(() => undefined);
  };

  return {
    kind: 'hid',
    description: label,

    async open() {
      if (device) return;
      let opened: HidDeviceLike;
      try {
        opened = await open(opts.path ? { path: opts.path } : { vendorId: opts.vendorId, productId: opts.productId });
      } catch (error) {
        throw fail(error, 'opening');
      }
      device = opened;
      signals.reset();
      reassembler.reset();
      opened.on('data', (report: Buffer) => reassembler.push(report));
      opened.on('error', (error: unknown) => {
        const failure = fail(error, 'reading from');
        drop(opened, failure.code === 'io' ? new TransportError('unplugged', failure.message, { cause: error }) : failure);
      });
    },

    async write(bytes) {
      const current = device;
      if (!current) {
        const gone = signals.closeError;
        throw gone instanceof TransportError && gone.code === 'unplugged'
          ? new TransportError('unplugged', `writing to ${label} failed: ${advice.unplugged}`, { cause: gone })
          : new TransportError('closed', `writing to ${label} failed: the device is not open; ${advice.closed}`);
      }
      // The SAM answers one command at a time: bytes still half-collected now belong to an
      // abandoned reply and must not be glued in front of the next one.
      reassembler.reset();
      for (const report of frameToReports(bytes)) {
        let written: number;
        try {
          written = await current.write(report);
        } catch (error) {
          const failure = fail(error, 'writing to');
          drop(current, failure);
          throw failure;
        }
        if (written < HID_REPORT_SIZE) {
          const failure = new TransportError('io', `writing to ${label} sent ${written} of ${report.length} bytes: ${advice.io}`);
          drop(current, failure);
          throw failure;
        }
      }
    },

    onData: (listener) => signals.onData(listener),
    onClose: (listener) => signals.onClose(listener),

    async close() {
      const current = device;
      if (!current) return;
      device = null;
      reassembler.reset();
      current.removeAllListeners('data');
      await current.close().catch(() => undefined);
      signals.emitClose();
    },
  };
}
