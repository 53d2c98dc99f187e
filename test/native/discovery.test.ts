import { describe, expect, it } from 'vitest';
import {
  DiscoveryError,
  KNOWN_READERS,
  listKnownReaderIds,
  lookupKnownReader,
  scanForReaders,
  watchDevices,
  type DeviceChange,
  type UsbDeviceSummary,
  type UsbHotplugSource,
} from '../../native/discovery';

const until = async (check: () => boolean, ms = 2000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
};

/** Stands in for libusb's device list and hot-plug callbacks. */
class FakeUsb implements UsbHotplugSource {
  attachListener: ((d: UsbDeviceSummary & { handle?: string }) => void) | null = null;
  detachListener: ((handle: string) => void) | null = null;
  stopped = false;
  constructor(public present: UsbDeviceSummary[] = []) {}
  async listDevices() {
    return this.present.map((d) => ({ ...d, handle: handleOf(d) }));
  }
  async onAttach(l: (d: UsbDeviceSummary & { handle?: string }) => void) {
    this.attachListener = l;
  }
  async onDetach(l: (handle: string) => void) {
    this.detachListener = l;
  }
  async stop() {
    this.stopped = true;
    this.attachListener = this.detachListener = null;
  }
  plug(device: UsbDeviceSummary) {
    this.attachListener?.({ ...device, handle: handleOf(device) });
  }
  unplug(device: UsbDeviceSummary) {
    this.detachListener?.(handleOf(device));
  }
}
const handleOf = (d: UsbDeviceSummary) => `${d.bus}-${d.address}`;

const IDR = { vendorId: 0x0400, productId: 0xc35a, bus: '1', address: 7 };
const HID_READER = { vendorId: 0x2b8b, productId: 0x2721, bus: '1', address: 9 };
const MOUSE = { vendorId: 0x046d, productId: 0xc077, bus: '1', address: 3 };

describe('watchDevices', () => {
  it('reports serial ports appearing and disappearing between polls, present ones first', async () => {
    let listed = [{ path: '/dev/ttyS0' }];
    const events: DeviceChange[] = [];
    const stop = watchDevices((e) => events.push(e), { pollMs: 10, listSerial: async () => listed, usb: async () => new FakeUsb() });
    await until(() => events.length === 1);
    listed = [{ path: '/dev/ttyS0' }, { path: '/dev/ttyUSB0' }];
    await until(() => events.length === 2);
    listed = [{ path: '/dev/ttyUSB0' }];
    await until(() => events.length === 3);
    stop();
    expect(events).toEqual([
      { kind: 'serial', id: '/dev/ttyS0', attached: true },
      { kind: 'serial', id: '/dev/ttyUSB0', attached: true },
      { kind: 'serial', id: '/dev/ttyS0', attached: false },
    ]);
  });

  it('watches configured paths (socat ptys, RS-232) by existence since the OS never lists them', async () => {
    let exists = true;
    const events: DeviceChange[] = [];
    const stop = watchDevices((e) => events.push(e), {
      pollMs: 10,
      listSerial: async () => [],
      configuredSerialPaths: ['/tmp/sam-pty'],
      pathExists: () => exists,
      usb: async () => new FakeUsb(),
    });
    await until(() => events.length === 1);
    exists = false;
    await until(() => events.length === 2);
    stop();
    expect(events.map((e) => e.attached)).toEqual([true, false]);
    expect(events.every((e) => e.id === '/tmp/sam-pty')).toBe(true);
  });

  it('reports known USB and HID readers on attach/detach and ignores other devices', async () => {
    const usb = new FakeUsb([IDR, MOUSE]);
    const events: DeviceChange[] = [];
    const stop = watchDevices((e) => events.push(e), { pollMs: 1000, listSerial: async () => [], usb: async () => usb });
    await until(() => events.length === 1);
    usb.plug(MOUSE);
    usb.plug(HID_READER);
    usb.unplug(IDR);
    usb.unplug(IDR); // libusb can repeat itself; report once
    usb.unplug(MOUSE); // never reported, so never "detached"
    usb.plug({ vendorId: 0x10c4, productId: 0x0007, bus: '2', address: 4 }); // a Miaxis: reported, flagged not raw SAM
    stop();
    await until(() => usb.stopped);
    usb.plug(IDR); // after stop: silent
    expect(events.map(({ kind, id, attached }) => ({ kind, id, attached }))).toEqual([
      { kind: 'usb', id: '0400:c35a@1.7', attached: true },
      { kind: 'hid', id: '2b8b:2721@1.9', attached: true },
      { kind: 'usb', id: '0400:c35a@1.7', attached: false },
      { kind: 'hid', id: '10c4:0007@2.4', attached: true },
    ]);
    expect(events[3]!.reader?.rawSam).toBe(false);
    expect(events[0]!.reader).toMatchObject({ vendorId: 0x0400, productId: 0xc35a, rawSam: true });
  });

  it('keeps watching serial and says why when USB hot-plug is unavailable', async () => {
    const errors: DiscoveryError[] = [];
    const events: DeviceChange[] = [];
    const broken = new FakeUsb();
    broken.listDevices = async () => {
      throw new Error('getDevices error: /sys/bus/usb/devices/ not found (errno 2)');
    };
    const stop = watchDevices((e) => events.push(e), {
      pollMs: 10,
      listSerial: async () => [{ path: '/dev/ttyS0' }],
      usb: async () => broken,
      onError: (e) => errors.push(e),
    });
    await until(() => errors.length === 1 && events.length === 1);
    stop();
    expect(broken.stopped).toBe(true);
    expect(errors[0]).toBeInstanceOf(DiscoveryError);
    expect(errors[0]!.source).toBe('usb');
    expect(errors[0]!.message).toMatch(/configure the reader explicitly/);
  });

  it('reports a failing serial enumeration once and does not invent detaches while it fails', async () => {
    let failing = false;
    const errors: DiscoveryError[] = [];
    const events: DeviceChange[] = [];
    let polls = 0;
    const stop = watchDevices((e) => events.push(e), {
      pollMs: 10,
      listSerial: async () => {
        polls++;
        if (failing) throw new Error('udev went away');
        return [{ path: '/dev/ttyUSB0' }];
      },
      usb: async () => new FakeUsb(),
      onError: (e) => errors.push(e),
    });
    await until(() => events.length === 1);
    failing = true;
    const before = polls;
    await until(() => polls >= before + 5);
    stop();
    expect(events).toEqual([{ kind: 'serial', id: '/dev/ttyUSB0', attached: true }]);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.source).toBe('serial');
  });

  it('runs against the real serialport and usb modules without throwing', async () => {
    const errors: DiscoveryError[] = [];
    const stop = watchDevices(() => undefined, { pollMs: 50, onError: (e) => errors.push(e) });
    await new Promise((r) => setTimeout(r, 200));
    stop();
    // This machine has no /sys/bus/usb: the usb side must degrade to a typed report, not an exception.
    for (const e of errors) expect(e).toBeInstanceOf(DiscoveryError);
  });
});

describe('known readers', () => {
  it('lists the bulk 0400:C35A and HID 2B8B:2721 identities from the reference notes', () => {
    expect(listKnownReaderIds()).toContainEqual({ vendorId: 0x0400, productId: 0xc35a, transport: 'usb' });
    expect(listKnownReaderIds()).toContainEqual({ vendorId: 0x2b8b, productId: 0x2721, transport: 'hid' });
    expect(new Set(KNOWN_READERS.map((r) => `${r.vendorId}:${r.productId}`)).size).toBe(KNOWN_READERS.length);
  });

  it('matches serialport hex strings and flags vendor-wrapper readers as not raw SAM', () => {
    expect(lookupKnownReader('1a86', '7523')?.transport).toBe('serial');
    expect(lookupKnownReader(0x10c4, 0x0007)?.rawSam).toBe(false);
    expect(lookupKnownReader('zz', '0')).toBeUndefined();
  });

  it('scanForReaders finds a reader behind a known USB-serial bridge and a bulk reader', async () => {
    const found = await scanForReaders({
      listSerial: async () => [{ path: '/dev/ttyUSB0', vendorId: '1a86', productId: '7523' }, { path: '/dev/ttyS0' }],
      usb: async () => new FakeUsb([IDR, MOUSE]),
    });
    expect(found.map(({ kind, id }) => ({ kind, id }))).toEqual([
      { kind: 'serial', id: '/dev/ttyUSB0' },
      { kind: 'usb', id: '0400:c35a@1.7' },
    ]);
  });
});
