import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { parseCardText } from '../../idcard/card';
import { SamDeviceSim } from '../../idcard/sim-device';
import { buildCardText, sampleCards, syntheticWlt } from '../../idcard/synthetic';
import { SamCardSource } from '../../native/sam/card-source';
import { createHidTransport, type HidDeviceLike } from '../../native/hid';
import { createUsbBulkTransport, type UsbBulkDeviceLike } from '../../native/usb-bulk';

// The driver stack over the other transports, down to their device boundary: the HID transport's
// 64-byte report framing and the USB-bulk transport's endpoint handling, each in front of the SAM
// simulator. Real node-hid / libusb devices are not available here.
const card = { text: buildCardText(sampleCards.resident), photo: syntheticWlt(), fingerprints: null };

/** A HID reader: 65-byte writes (report id + 64), 64-byte zero-padded input reports. */
function fakeHidDevice(sim: SamDeviceSim): HidDeviceLike {
  const events = new EventEmitter();
  return {
    async write(values) {
      const report = Buffer.from(values as Buffer);
      expect(report.length).toBe(65);
      expect(report[0]).toBe(0);
      for (const out of sim.receive(report.subarray(1))) {
        setTimeout(() => {
          for (let at = 0; at < out.bytes.length; at += 64) {
            const input = Buffer.alloc(64);
            input.set(out.bytes.subarray(at, at + 64));
            events.emit('data', input);
          }
        }, out.delayMs);
      }
      return report.length;
    },
    async close() {},
    on(event: string, listener: (...args: any[]) => void) {
      events.on(event, listener);
      return this;
    },
    removeAllListeners(event?: string) {
      events.removeAllListeners(event);
      return this;
    },
  } as HidDeviceLike;
}

/** A single-pipe bulk reader (EP 2 OUT, EP 1 IN) in the WebUSB-style shape `usb` 3.x has. */
function fakeBulkDevice(sim: SamDeviceSim): UsbBulkDeviceLike {
  const queue: number[] = [];
  let opened = false;
  const configuration = {
    configurationValue: 1,
    interfaces: [{ interfaceNumber: 0, alternate: { interfaceClass: 0xff, endpoints: [
      { endpointNumber: 2, direction: 'out' as const, type: 'bulk' as const, packetSize: 64 },
      { endpointNumber: 1, direction: 'in' as const, type: 'bulk' as const, packetSize: 64 },
    ] } }],
  };
  return {
    vendorId: 0x0400,
    productId: 0xc35a,
    get opened() {
      return opened;
    },
    configuration,
    configurations: [configuration],
    async open() {
      opened = true;
    },
    async close() {
      opened = false;
    },
    async selectConfiguration() {},
    async claimInterface() {},
    async releaseInterface() {},
    async transferOut(endpoint, data) {
      expect(endpoint).toBe(2);
      for (const out of sim.receive(data)) queue.push(...out.bytes);
      return { bytesWritten: data.length, status: 'ok' };
    },
    async transferIn(endpoint, length, timeout = 250) {
      expect(endpoint).toBe(1);
      const started = Date.now();
      while (queue.length === 0) {
        if (!opened || Date.now() - started > timeout) throw new Error('LIBUSB_ERROR_TIMED_OUT: transfer timed out');
        await new Promise((r) => setTimeout(r, 2));
      }
      const bytes = Uint8Array.from(queue.splice(0, Math.min(length, queue.length)));
      return { data: new DataView(bytes.buffer), status: 'ok' };
    },
  };
}

describe('SAM reads over the HID and USB-bulk transports', () => {
  it('HID: reassembles 64-byte reports (with 0-6 junk bytes before the preamble) into a full read', async () => {
    const sim = new SamDeviceSim({ card, garbageMax: 6, seed: 11 });
    const source = new SamCardSource(createHidTransport({ vendorId: 0x2b8b, productId: 0x2721 }, { open: async () => fakeHidDevice(sim) }));
    await source.open();
    try {
      const raw = await source.poll();
      expect(parseCardText(raw!.text).idNumber).toBe('11010519491231002X');
      expect(raw!.wlt).toEqual(syntheticWlt());
      expect(await source.poll()).toBeNull(); // the card rests after the read
    } finally {
      await source.close();
    }
    expect(sim.log).toEqual(['sam-status', 'find-card', 'select-card', 'read-base', 'find-card']);
  });

  it('USB bulk: reads a card through bulk endpoints found in the descriptors', async () => {
    const sim = new SamDeviceSim({ card });
    const source = new SamCardSource(createUsbBulkTransport({ vendorId: 0x0400, productId: 0xc35a, pollTimeoutMs: 20 }, { find: async () => fakeBulkDevice(sim) }));
    await source.open();
    try {
      const raw = await source.poll();
      expect(parseCardText(raw!.text).type).toBe('resident');
      expect(source.description).toBe('usb 0400:c35a');
    } finally {
      await source.close();
    }
  });
});
