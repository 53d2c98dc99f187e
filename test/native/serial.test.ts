import { afterEach, describe, expect, it } from 'vitest';
import { SerialPort } from 'serialport';
import { classifySerialError, createSerialTransport, listSerialCandidates } from '../../native/serial';
import { TransportError, type Transport } from '../../native/transport';
import { createPtyPair, type PtyPair } from './helpers/socat';

// A 30 01 reply is 1295 bytes; the exact content is irrelevant at the transport level.
const FIND_CARD = Uint8Array.from([0xaa, 0xaa, 0xaa, 0x96, 0x69, 0x00, 0x03, 0x20, 0x01, 0x22]);

function openRaw(path: string): Promise<SerialPort> {
  return new Promise((resolve, reject) => {
    const port = new SerialPort({ path, baudRate: 115200, autoOpen: false });
    port.open((error) => (error ? reject(error) : resolve(port)));
  });
}

function collect(transport: Transport, count: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  return new Promise((resolve) => {
    const off = transport.onData((chunk) => {
      chunks.push(Buffer.from(chunk));
      total += chunk.length;
      if (total >= count) {
        off();
        resolve(Buffer.concat(chunks));
      }
    });
  });
}

describe('serial transport over a socat pty pair', () => {
  let pair: PtyPair | undefined;
  let transport: Transport | undefined;
  let device: SerialPort | undefined;

  afterEach(async () => {
    await transport?.close().catch(() => undefined);
    if (device?.isOpen) await new Promise((r) => device!.close(r));
    await pair?.cleanup();
    pair = transport = device = undefined;
  });

  it('delivers host frames to the reader and reader bytes back, in any fragmentation', async () => {
    pair = await createPtyPair();
    transport = createSerialTransport({ path: pair.host });
    expect(transport.description).toBe(`serial ${pair.host} @115200`);
    await transport.open();
    device = await openRaw(pair.device);

    const atDevice = new Promise<Buffer>((resolve) => device!.once('data', resolve));
    await transport.write(FIND_CARD);
    expect([...(await atDevice)]).toEqual([...FIND_CARD]);

    const reply = Buffer.alloc(1295, 0).map((_, i) => (i * 7) & 0xff);
    const received = collect(transport, reply.length);
    // Split like a slow UART would deliver it.
    for (let i = 0; i < reply.length; i += 100) device.write(reply.subarray(i, i + 100));
    expect(Buffer.compare(await received, Buffer.from(reply))).toBe(0);
  });

  it('reports an unplug mid-command through onClose and rejects the next write as unplugged', async () => {
    pair = await createPtyPair();
    transport = createSerialTransport({ path: pair.host });
    await transport.open();
    const closed = new Promise<Error | undefined>((resolve) => transport!.onClose(resolve));

    await transport.write(FIND_CARD); // the command goes out, the reader never answers…
    await pair.unplug(); // …because it was pulled.

    const error = await closed;
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).code).toBe('unplugged');
    await expect(transport.write(FIND_CARD)).rejects.toMatchObject({ name: 'TransportError', code: 'unplugged' });
  });

  it('rejects a write in progress with a typed error when the reader is pulled mid-write', async () => {
    pair = await createPtyPair();
    transport = createSerialTransport({ path: pair.host });
    await transport.open();
    const closed = new Promise<Error | undefined>((resolve) => transport!.onClose(resolve));
    const block = new Uint8Array(4096).fill(0x55);

    let failure: unknown;
    for (let i = 0; i < 10_000 && failure === undefined; i++) {
      if (i === 3) void pair.unplug();
      await transport.write(block).catch((error: unknown) => (failure = error));
    }
    expect(failure).toBeInstanceOf(TransportError);
    expect((failure as TransportError).code).toBe('unplugged');
    expect(((await closed) as TransportError).code).toBe('unplugged');
  });

  it('reopens on the same object once the pulled reader is plugged back in', async () => {
    pair = await createPtyPair();
    transport = createSerialTransport({ path: pair.host });
    await transport.open();
    const firstClose = new Promise<Error | undefined>((resolve) => {
      const off = transport!.onClose((e) => (off(), resolve(e)));
    });
    await pair.unplug();
    expect(((await firstClose) as TransportError).code).toBe('unplugged');

    const dir = pair.host.slice(0, pair.host.lastIndexOf('/'));
    pair = await createPtyPair(dir);
    await transport.open();
    device = await openRaw(pair.device);
    const atDevice = new Promise<Buffer>((resolve) => device!.once('data', resolve));
    await transport.write(FIND_CARD);
    expect([...(await atDevice)]).toEqual([...FIND_CARD]);
    const reply = collect(transport, 4);
    device.write(Buffer.from([1, 2, 3, 4]));
    expect([...(await reply)]).toEqual([1, 2, 3, 4]);
  });

  it('fires onClose without an error on a deliberate close and then refuses writes as closed', async () => {
    pair = await createPtyPair();
    transport = createSerialTransport({ path: pair.host });
    await transport.open();
    const closed = new Promise<Error | undefined>((resolve) => transport!.onClose(resolve));
    await transport.close();
    expect(await closed).toBeUndefined();
    await expect(transport.write(FIND_CARD)).rejects.toMatchObject({ code: 'closed' });
  });

  it('can be reopened on the same object after the reader comes back', async () => {
    pair = await createPtyPair();
    transport = createSerialTransport({ path: pair.host });
    await transport.open();
    await transport.close();
    await transport.open();
    device = await openRaw(pair.device);
    const atDevice = new Promise<Buffer>((resolve) => device!.once('data', resolve));
    await transport.write(FIND_CARD);
    expect((await atDevice).length).toBe(FIND_CARD.length);
  });

  it('says not-found with advice when the port does not exist', async () => {
    const missing = createSerialTransport({ path: '/dev/renzheng-no-such-port' });
    await expect(missing.open()).rejects.toMatchObject({ name: 'TransportError', code: 'not-found' });
    await expect(missing.write(FIND_CARD)).rejects.toMatchObject({ code: 'closed' });
  });
});

describe('serial options', () => {
  it('defaults to 115200 and refuses a nonsense baud rate up front', () => {
    expect(createSerialTransport({ path: '/dev/ttyUSB0' }).description).toBe('serial /dev/ttyUSB0 @115200');
    expect(createSerialTransport({ path: '/dev/ttyUSB0', baudRate: 9600 }).description).toBe('serial /dev/ttyUSB0 @9600');
    expect(() => createSerialTransport({ path: '/dev/ttyUSB0', baudRate: 0 })).toThrow(/baudRate/);
  });
});

describe('serial error classification', () => {
  it.each([
    [Object.assign(new Error('Error: No such file or directory, cannot open /dev/ttyUSB9'), { code: 'ENOENT' }), 'not-found'],
    [new Error('Error: Permission denied, cannot open /dev/ttyS0'), 'permission'],
    [new Error('Error Resource temporarily unavailable Cannot lock port'), 'busy'],
    [Object.assign(new Error('Reading from COM port (ReadIOCompletion): Operation aborted'), { disconnected: true }), 'unplugged'],
    [new Error('EIO: i/o error, read'), 'unplugged'],
    [new Error('Port is not open'), 'closed'],
    [new Error('something odd'), 'io'],
  ])('%s → %s', (error, code) => {
    expect(classifySerialError(error)).toBe(code);
  });
});

describe('listSerialCandidates', () => {
  it('puts configured paths first and drops duplicates from the OS list', async () => {
    const list = async () => [{ path: '/dev/ttyUSB0' }, { path: '/dev/ttyS0' }];
    await expect(listSerialCandidates({ list, configuredPaths: ['/dev/ttyS0', '/tmp/sam-pty'] })).resolves.toEqual([
      '/dev/ttyS0',
      '/tmp/sam-pty',
      '/dev/ttyUSB0',
    ]);
  });

  it('still offers configured paths when the OS enumeration fails', async () => {
    const list = async (): Promise<Array<{ path: string }>> => {
      throw new Error('udev unavailable');
    };
    await expect(listSerialCandidates({ list, configuredPaths: ['/tmp/sam-pty'] })).resolves.toEqual(['/tmp/sam-pty']);
  });

  it('lists real ports through serialport by default', async () => {
    const listed = await listSerialCandidates();
    expect(Array.isArray(listed)).toBe(true);
    for (const path of listed) expect(typeof path).toBe('string');
  });
});
