import { describe, expect, it } from 'vitest';
import { TransportError, type Transport } from '../../native/transport';
import {
  createUsbBulkTransport,
  findBulkEndpoints,
  type UsbBulkDeviceLike,
  type UsbConfigurationInfo,
  type UsbEndpointInfo,
} from '../../native/usb-bulk';

const PREAMBLE = [0xaa, 0xaa, 0xaa, 0x96, 0x69];
const FIND_CARD = Uint8Array.from([...PREAMBLE, 0x00, 0x03, 0x20, 0x01, 0x22]);

function samReply(sw3: number, data: Uint8Array): Uint8Array {
  const len = data.length + 4;
  const body = [len >> 8, len & 0xff, 0x00, 0x00, sw3, ...data];
  return Uint8Array.from([...PREAMBLE, ...body, body.reduce((a, b) => a ^ b, 0)]);
}

const bulk = (endpointNumber: number, direction: 'in' | 'out', packetSize = 64): UsbEndpointInfo => ({
  endpointNumber,
  direction,
  type: 'bulk',
  packetSize,
});

/** 0400:C35A as the descriptors of ZKTeco/SDT-class readers describe it: one vendor interface, EP 01 out, 81 in. */
const SINGLE: UsbConfigurationInfo = {
  configurationValue: 1,
  interfaces: [{ interfaceNumber: 0, alternate: { interfaceClass: 0xff, endpoints: [bulk(1, 'out'), bulk(1, 'in')] } }],
};
/** The iDR family: header on EP 02/81, body on EP 06/85. */
const SPLIT: UsbConfigurationInfo = {
  configurationValue: 1,
  interfaces: [
    { interfaceNumber: 0, alternate: { interfaceClass: 0xff, endpoints: [bulk(6, 'out'), bulk(2, 'out'), bulk(1, 'in'), bulk(5, 'in')] } },
  ],
};

/**
 * A fake WebUSB device at the `usb` package boundary. It answers each complete SAM frame written
 * to it with the scripted reply, queued on the IN endpoint(s) like the reader firmware would.
 */
class FakeBulkReader implements UsbBulkDeviceLike {
  detachKernelDriver?: (n: number) => Promise<void>;
  clearHalt?: (direction: 'in' | 'out', ep: number) => Promise<void>;
  readonly vendorId = 0x0400;
  readonly productId = 0xc35a;
  opened = false;
  configuration: UsbConfigurationInfo | null = null;
  claimed: number[] = [];
  released: number[] = [];
  outLog: Array<{ ep: number; bytes: number[] }> = [];
  inQueues = new Map<number, number[]>();
  unplugged = false;
  private waiters: Array<() => void> = [];
  private pendingOut: number[] = [];

  constructor(
    readonly configurations: UsbConfigurationInfo[],
    private readonly answer: (frame: Uint8Array) => Uint8Array,
    private readonly split = false,
  ) {}

  async open() {
    this.opened = true;
  }
  async close() {
    this.opened = false;
  }
  async selectConfiguration(value: number) {
    this.configuration = this.configurations.find((c) => c.configurationValue === value) ?? null;
  }
  async claimInterface(n: number) {
    if (!this.configuration) throw new Error('claimInterface error: invalid state');
    this.claimed.push(n);
  }
  async releaseInterface(n: number) {
    this.released.push(n);
  }
  async transferOut(ep: number, data: Uint8Array) {
    if (this.unplugged) throw new Error('device disconnected');
    this.outLog.push({ ep, bytes: [...data] });
    this.pendingOut.push(...data);
    const len = this.pendingOut.length >= 7 ? (this.pendingOut[5]! << 8) | this.pendingOut[6]! : -1;
    if (len >= 0 && this.pendingOut.length >= 7 + len) {
      const reply = this.answer(Uint8Array.from(this.pendingOut.splice(0, 7 + len)));
      if (this.split) {
        this.queue(1, [...reply.subarray(0, 7)]);
        this.queue(5, [...reply.subarray(7)]);
      } else {
        this.queue(1, [...reply]);
      }
    }
    return { bytesWritten: data.length, status: 'ok' };
  }
  async transferIn(ep: number, length: number, timeout = 1000): Promise<{ data?: DataView; status: string }> {
    const deadline = Date.now() + timeout;
    for (;;) {
      if (this.unplugged) throw new Error('device disconnected');
      const queue = this.inQueues.get(ep) ?? [];
      if (queue.length > 0) {
        // A bulk transfer ends at a short packet, so at most what the device had ready.
        const bytes = queue.splice(0, Math.min(length, queue.length));
        return { data: new DataView(Uint8Array.from(bytes).buffer), status: 'ok' };
      }
      if (Date.now() >= deadline) throw new Error('transfer was cancelled');
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, Math.max(1, deadline - Date.now()));
      });
    }
  }
  queue(ep: number, bytes: number[]) {
    this.inQueues.set(ep, [...(this.inQueues.get(ep) ?? []), ...bytes]);
    this.wake();
  }
  unplug() {
    this.unplugged = true;
    this.wake();
  }
  private wake() {
    for (const w of this.waiters.splice(0)) w();
  }
}

function collectFrame(transport: Transport, size: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  return new Promise((resolve) => {
    const off = transport.onData((chunk) => {
      chunks.push(Buffer.from(chunk));
      const all = Buffer.concat(chunks);
      if (all.length >= size) {
        off();
        resolve(all);
      }
    });
  });
}

const READ_REPLY = samReply(0x90, Uint8Array.from({ length: 1284 }, (_, i) => (i * 13) & 0xff));

describe('endpoint discovery from descriptors', () => {
  it('finds the single bulk pair of a 0400:C35A reader', () => {
    expect(findBulkEndpoints([SINGLE])).toEqual({
      interfaceNumber: 0,
      configurationValue: 1,
      layout: 'single',
      out: [1],
      in: [1],
      packetSize: 64,
    });
  });

  it('recognises the split header/body layout and orders the pipes by endpoint number', () => {
    expect(findBulkEndpoints([SPLIT])).toMatchObject({ layout: 'split', out: [2, 6], in: [1, 5] });
  });

  it('prefers the vendor-specific interface and ignores interrupt-only ones', () => {
    const mixed: UsbConfigurationInfo = {
      configurationValue: 2,
      interfaces: [
        { interfaceNumber: 0, alternate: { interfaceClass: 0x03, endpoints: [{ ...bulk(3, 'in'), type: 'interrupt' }] } },
        { interfaceNumber: 1, alternate: { interfaceClass: 0x08, endpoints: [bulk(2, 'out'), bulk(2, 'in')] } },
        { interfaceNumber: 2, alternate: { interfaceClass: 0xff, endpoints: [bulk(4, 'out'), bulk(3, 'in', 512)] } },
      ],
    };
    expect(findBulkEndpoints([mixed])).toMatchObject({ interfaceNumber: 2, configurationValue: 2, out: [4], in: [3], packetSize: 512 });
  });

  it('returns null for a device with no bulk pair', () => {
    const hidOnly: UsbConfigurationInfo = {
      configurationValue: 1,
      interfaces: [{ interfaceNumber: 0, alternate: { interfaceClass: 3, endpoints: [{ ...bulk(1, 'in'), type: 'interrupt' }] } }],
    };
    expect(findBulkEndpoints([hidOnly])).toBeNull();
  });
});

describe('USB bulk transport against a fake WebUSB reader', () => {
  it('claims the interface, writes the frame OUT and delivers the 1295-byte reply from IN', async () => {
    const fake = new FakeBulkReader([SINGLE], () => READ_REPLY);
    const transport = createUsbBulkTransport({ vendorId: 0x0400, productId: 0xc35a, pollTimeoutMs: 30 }, { find: async () => fake });
    expect(transport.description).toBe('usb 0400:c35a');
    await transport.open();
    expect(fake.claimed).toEqual([0]);
    const reply = collectFrame(transport, READ_REPLY.length);
    await transport.write(FIND_CARD);
    expect(fake.outLog).toEqual([{ ep: 1, bytes: [...FIND_CARD] }]);
    expect(await reply).toEqual(Buffer.from(READ_REPLY));
    await transport.close();
    expect(fake.released).toEqual([0]);
    expect(fake.opened).toBe(false);
  });

  it('sends header and body on separate pipes and joins the reply in the split layout', async () => {
    const fake = new FakeBulkReader([SPLIT], () => READ_REPLY, true);
    const transport = createUsbBulkTransport({ vendorId: 0x0400, productId: 0xc35a, pollTimeoutMs: 30 }, { find: async () => fake });
    await transport.open();
    const reply = collectFrame(transport, READ_REPLY.length);
    await transport.write(FIND_CARD);
    expect(fake.outLog).toEqual([
      { ep: 2, bytes: [...FIND_CARD.subarray(0, 7)] },
      { ep: 6, bytes: [...FIND_CARD.subarray(7)] },
    ]);
    expect(await reply).toEqual(Buffer.from(READ_REPLY));
    await transport.close();
  });

  it('turns an unplug while waiting for a reply into onClose(unplugged); writes then reject', async () => {
    const fake = new FakeBulkReader([SINGLE], () => new Uint8Array()); // never answers
    const transport = createUsbBulkTransport({ vendorId: 0x0400, productId: 0xc35a, pollTimeoutMs: 30 }, { find: async () => fake });
    await transport.open();
    const closed = new Promise<Error | undefined>((resolve) => transport.onClose(resolve));
    await transport.write(FIND_CARD);
    fake.unplug();
    const error = await closed;
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).code).toBe('unplugged');
    await expect(transport.write(FIND_CARD)).rejects.toMatchObject({ code: 'unplugged' });
  });

  it('rejects a write to a pulled reader with a typed unplugged error', async () => {
    const fake = new FakeBulkReader([SINGLE], () => READ_REPLY);
    const transport = createUsbBulkTransport({ vendorId: 0x0400, productId: 0xc35a, pollTimeoutMs: 30 }, { find: async () => fake });
    await transport.open();
    fake.unplugged = true; // gone between polls
    await expect(transport.write(FIND_CARD)).rejects.toMatchObject({ name: 'TransportError', code: 'unplugged' });
  });

  it('explains what is wrong when the reader is absent, has no bulk pair, or is held by another driver', async () => {
    const absent = createUsbBulkTransport({ vendorId: 0x0400, productId: 0xc35a }, { find: async () => undefined });
    await expect(absent.open()).rejects.toMatchObject({ code: 'not-found' });

    const hidOnly = new FakeBulkReader(
      [{ configurationValue: 1, interfaces: [{ interfaceNumber: 0, alternate: { interfaceClass: 3, endpoints: [] } }] }],
      () => READ_REPLY,
    );
    const wrongKind = createUsbBulkTransport({ vendorId: 0x0400, productId: 0xc35a }, { find: async () => hidOnly });
    await expect(wrongKind.open()).rejects.toMatchObject({ code: 'io', message: expect.stringContaining('--hid') });

    const held = new FakeBulkReader([SINGLE], () => READ_REPLY);
    held.claimInterface = async () => {
      throw new Error('failed to claim interface: interface is busy');
    };
    const busy = createUsbBulkTransport({ vendorId: 0x0400, productId: 0xc35a }, { find: async () => held });
    await expect(busy.open()).rejects.toMatchObject({ code: 'busy' });
    expect(held.opened).toBe(false);
  });

  it('takes the interface over from a kernel driver when claiming it first fails as busy', async () => {
    const fake = new FakeBulkReader([SINGLE], () => READ_REPLY);
    const claim = fake.claimInterface.bind(fake);
    let driverAttached = true;
    const detached: number[] = [];
    fake.claimInterface = async (n: number) => {
      if (driverAttached) throw new Error('failed to claim interface: interface is busy');
      return claim(n);
    };
    fake.detachKernelDriver = async (n: number) => {
      detached.push(n);
      driverAttached = false;
    };
    const transport = createUsbBulkTransport({ vendorId: 0x0400, productId: 0xc35a, pollTimeoutMs: 30 }, { find: async () => fake });
    await transport.open();
    expect(detached).toEqual([0]);
    expect(fake.claimed).toEqual([0]);
    await transport.close();
  });

  it('clears a stalled IN endpoint and keeps reading', async () => {
    const fake = new FakeBulkReader([SINGLE], () => READ_REPLY);
    const transferIn = fake.transferIn.bind(fake);
    let stalls = 1;
    const cleared: Array<[string, number]> = [];
    fake.transferIn = async (ep: number, length: number, timeout?: number) =>
      stalls-- > 0 ? { status: 'stall' } : transferIn(ep, length, timeout);
    fake.clearHalt = async (direction: 'in' | 'out', ep: number) => {
      cleared.push([direction, ep]);
    };
    const transport = createUsbBulkTransport({ vendorId: 0x0400, productId: 0xc35a, pollTimeoutMs: 30 }, { find: async () => fake });
    await transport.open();
    const reply = collectFrame(transport, READ_REPLY.length);
    await transport.write(FIND_CARD);
    expect(await reply).toEqual(Buffer.from(READ_REPLY));
    expect(cleared).toEqual([['in', 1]]);
    await transport.close();
  });

  it('reports a missing reader through the real usb package as a typed error', async () => {
    const transport = createUsbBulkTransport({ vendorId: 0x0400, productId: 0xc35a });
    await expect(transport.open()).rejects.toMatchObject({ name: 'TransportError', code: 'not-found' });
  });
});
