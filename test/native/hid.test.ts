import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createHidTransport, type HidDeviceLike } from '../../native/hid';
import { HidReportReassembler, frameToReports } from '../../native/hid-framing';
import { TransportError } from '../../native/transport';

const PREAMBLE = [0xaa, 0xaa, 0xaa, 0x96, 0x69];
const FIND_CARD = Uint8Array.from([...PREAMBLE, 0x00, 0x03, 0x20, 0x01, 0x22]);

/** A SAM reply frame of the given data length, XOR checksum as on the wire. */
function samReply(sw3: number, data: Uint8Array): Uint8Array {
  const len = data.length + 4;
  const body = [len >> 8, len & 0xff, 0x00, 0x00, sw3, ...data];
  const chk = body.reduce((a, b) => a ^ b, 0);
  return Uint8Array.from([...PREAMBLE, ...body, chk]);
}

/** Cuts a reply into 64-byte input reports the way the device sends them, junk first, zero padding last. */
function toInputReports(frame: Uint8Array, junk: number[] = []): Buffer[] {
  const stream = Buffer.from([...junk, ...frame]);
  const reports: Buffer[] = [];
  for (let i = 0; i < stream.length; i += 64) {
    const report = Buffer.alloc(64);
    stream.copy(report, 0, i, i + 64);
    reports.push(report);
  }
  return reports;
}

class FakeHidDevice extends EventEmitter implements HidDeviceLike {
  written: Buffer[] = [];
  closed = false;
  failWrites: Error | null = null;
  async write(values: number[] | Buffer): Promise<number> {
    if (this.failWrites) throw this.failWrites;
    const report = Buffer.from(values);
    this.written.push(report);
    return report.length;
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

async function openFake() {
  const fake = new FakeHidDevice();
  let target: unknown;
  const transport = createHidTransport(
    { vendorId: 0x2b8b, productId: 0x2721 },
    {
      open: async (t) => {
        target = t;
        return fake;
      },
    },
  );
  await transport.open();
  const frames: Uint8Array[] = [];
  transport.onData((chunk) => frames.push(chunk));
  return { fake, transport, frames, target: () => target };
}

describe('HID report framing', () => {
  it('sends a command as one report: report id 00, the frame, zero padding to 64 bytes', async () => {
    const { fake, transport, target } = await openFake();
    expect(target()).toEqual({ vendorId: 0x2b8b, productId: 0x2721 });
    expect(transport.description).toBe('hid 2b8b:2721');
    await transport.write(FIND_CARD);
    expect(fake.written).toHaveLength(1);
    const report = fake.written[0]!;
    expect(report.length).toBe(65);
    expect(report[0]).toBe(0);
    expect([...report.subarray(1, 11)]).toEqual([...FIND_CARD]);
    expect(report.subarray(11).every((b) => b === 0)).toBe(true);
  });

  it('splits a frame longer than one report into consecutive 64-byte reports', () => {
    const frame = Uint8Array.from({ length: 150 }, (_, i) => i + 1);
    const reports = frameToReports(frame);
    expect(reports.map((r) => r.length)).toEqual([65, 65, 65]);
    expect(Buffer.concat(reports.map((r) => r.subarray(1))).subarray(0, 150)).toEqual(Buffer.from(frame));
    expect(reports[2]!.subarray(1 + 22).every((b) => b === 0)).toBe(true);
  });

  it('reassembles a full 1295-byte read reply from 21 reports and drops the padding', async () => {
    const { fake, frames } = await openFake();
    const data = Uint8Array.from({ length: 4 + 256 + 1024 }, (_, i) => (i * 31 + 7) & 0xff);
    const reply = samReply(0x90, data);
    expect(reply.length).toBe(1295);
    const reports = toInputReports(reply);
    expect(reports).toHaveLength(21);
    for (const report of reports) fake.emit('data', report);
    expect(frames).toHaveLength(1);
    expect(Buffer.from(frames[0]!)).toEqual(Buffer.from(reply));
  });

  it('finds the preamble up to 7 bytes into the first report and tolerates a dropped first AA', async () => {
    const { fake, frames } = await openFake();
    const reply = samReply(0x9f, Uint8Array.from([0, 0, 0, 0]));
    for (const report of toInputReports(reply, [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07])) fake.emit('data', report);
    for (const report of toInputReports(reply.subarray(1))) fake.emit('data', report); // first AA lost
    expect(frames.map((f) => Buffer.from(f))).toEqual([Buffer.from(reply), Buffer.from(reply)]);
  });

  it('ignores padding-only reports and a bogus header, then still finds the real frame', () => {
    const frames: Uint8Array[] = [];
    const reassembler = new HidReportReassembler((f) => frames.push(f));
    reassembler.push(new Uint8Array(64));
    const reply = samReply(0x80, new Uint8Array());
    // A false preamble with an impossible LEN (0xFFFF) precedes the real one in the same report.
    reassembler.push(Buffer.from([0xaa, 0xaa, 0x96, 0x69, 0xff, 0xff, ...reply, ...new Array(64 - 6 - reply.length).fill(0)]));
    expect(frames.map((f) => Buffer.from(f))).toEqual([Buffer.from(reply)]);
  });

  it('handles a header split across two reports', () => {
    const frames: Uint8Array[] = [];
    const reassembler = new HidReportReassembler((f) => frames.push(f));
    const reply = samReply(0x90, Uint8Array.from({ length: 100 }, (_, i) => i));
    const stream = Buffer.from([...new Array(58).fill(0x11), ...reply]); // LEN straddles the boundary
    reassembler.push(stream.subarray(0, 64));
    reassembler.push(Buffer.concat([stream.subarray(64), Buffer.alloc(64 - ((stream.length - 64) % 64))]).subarray(0, 64));
    reassembler.push(Buffer.concat([stream.subarray(128), Buffer.alloc(64)]).subarray(0, 64));
    expect(frames.map((f) => Buffer.from(f))).toEqual([Buffer.from(reply)]);
  });

  it('discards a reply truncated by a card pulled mid-read once the next command is sent', async () => {
    const { fake, transport, frames } = await openFake();
    const full = samReply(0x90, new Uint8Array(1284));
    const reports = toInputReports(full);
    for (const report of reports.slice(0, 9)) fake.emit('data', report); // reader goes quiet
    expect(frames).toHaveLength(0);
    await transport.write(FIND_CARD); // the reader service times out and starts over
    const noCard = samReply(0x80, new Uint8Array());
    for (const report of toInputReports(noCard)) fake.emit('data', report);
    expect(frames.map((f) => Buffer.from(f))).toEqual([Buffer.from(noCard)]);
  });
});

describe('HID unplug and errors', () => {
  it('turns a read error from a pulled device into onClose(unplugged) and rejects later writes', async () => {
    const { fake, transport } = await openFake();
    const closed = new Promise<Error | undefined>((resolve) => transport.onClose(resolve));
    fake.emit('error', new Error('could not read from HID device'));
    const error = await closed;
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).code).toBe('unplugged');
    expect(fake.closed).toBe(true);
    await expect(transport.write(FIND_CARD)).rejects.toMatchObject({ code: 'unplugged' });
  });

  it('rejects a write that fails because the device vanished mid-command', async () => {
    const { fake, transport } = await openFake();
    const closed = new Promise<Error | undefined>((resolve) => transport.onClose(resolve));
    fake.failWrites = new Error('Cannot write to hid device');
    await expect(transport.write(FIND_CARD)).rejects.toMatchObject({ name: 'TransportError', code: 'unplugged' });
    expect(((await closed) as TransportError).code).toBe('unplugged');
  });

  it('treats a short report write as an I/O failure and closes', async () => {
    const { fake, transport } = await openFake();
    const closed = new Promise<Error | undefined>((resolve) => transport.onClose(resolve));
    fake.write = async () => 10;
    await expect(transport.write(FIND_CARD)).rejects.toMatchObject({ code: 'io', message: expect.stringContaining('10 of 65') });
    expect(((await closed) as TransportError).code).toBe('io');
  });

  it('maps a failed open to not-found with advice and opens by path when one is given', async () => {
    const missing = createHidTransport(
      { vendorId: 0x2b8b, productId: 0x2721 },
      { open: async () => Promise.reject(new Error('cannot open device with vendor id 0x2b8b and product id 0x2721')) },
    );
    await expect(missing.open()).rejects.toMatchObject({ code: 'not-found', message: expect.stringContaining('plugged in') });

    let target: unknown;
    const byPath = createHidTransport(
      { vendorId: 1, productId: 2, path: '/dev/hidraw3' },
      { open: async (t) => ((target = t), new FakeHidDevice()) },
    );
    await byPath.open();
    expect(target).toEqual({ path: '/dev/hidraw3' });
  });

  it('closes cleanly: onClose without error, no more data, writes refused as closed', async () => {
    const { fake, transport, frames } = await openFake();
    const closed = new Promise<Error | undefined>((resolve) => transport.onClose(resolve));
    await transport.close();
    expect(await closed).toBeUndefined();
    fake.emit('data', Buffer.from(toInputReports(samReply(0x80, new Uint8Array()))[0]!));
    expect(frames).toHaveLength(0);
    await expect(transport.write(FIND_CARD)).rejects.toMatchObject({ code: 'closed' });
  });

  it('reports not-found through the real node-hid binding when no such reader is attached', async () => {
    const transport = createHidTransport({ vendorId: 0x2b8b, productId: 0x2721 });
    await expect(transport.open()).rejects.toMatchObject({ name: 'TransportError', code: 'not-found' });
  });
});
