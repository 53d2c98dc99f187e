import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { buildCardText, sampleCards, syntheticWlt } from '../../../../idcard/synthetic';
import { EventBus, type AnyEvent } from '../../../../main/services/events';
import { bmpInfo, encodeBmp24 } from '../../../../imaging/bmp';
import { createReaderService } from '../../../../main/services/reader/create';
import { DEMO_IDENTITY } from '../../../../main/services/reader/demo';
import { nativeHardware } from '../../../../native/sam/hardware';
import type { ReaderService } from '../../../../main/services/reader/types';
import { TransportError } from '../../../../native/transport';
import { SamDeviceSim } from '../../../../idcard/sim-device';
import { SimulatedLink } from '../../../../native/sam/simulated-link';

let service: ReaderService | null = null;
afterEach(async () => {
  await service?.stop();
  service = null;
});

function watch() {
  const bus = new EventBus();
  const events: AnyEvent[] = [];
  bus.subscribe((e) => events.push(e));
  const of = (name: AnyEvent['event']) => events.filter((e) => e.event === name).map((e) => e.payload as Record<string, unknown>);
  const until = async (what: string, f: () => boolean) => {
    const t = Date.now();
    while (!f()) {
      if (Date.now() - t > 4000) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(events.map((e) => e.event))}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  return { bus, events, of, until };
}

describe('createReaderService', () => {
  it('demo mode: a simulated vendor-style reader with a synthetic identity and a decoded 102x126 photo', async () => {
    const w = watch();
    service = createReaderService({ bus: w.bus, mode: 'simulated', pollIntervalMs: 5 });
    await service.start();
    await w.until('simulated', () => service!.status().state === 'simulated');
    expect(service.status()).toEqual({ state: 'simulated', transport: 'simulator', description: expect.stringMatching(/demo/), canSimulate: true });
    await service.simulate('present');
    await w.until('card', () => w.of('reader.card').length === 1);
    const card = w.of('reader.card')[0]!;
    expect(card).toMatchObject({ type: 'resident', name: DEMO_IDENTITY.name, sex: 'female', idNumberMasked: '110108********0241', warnings: [] });
    const photo = card.photo as { mime: string; base64: string };
    expect(photo.mime).toBe('image/bmp');
    expect(bmpInfo(Buffer.from(photo.base64, 'base64'))).toEqual({ width: 102, height: 126, bitsPerPixel: 24 });
    // The demo card rests like a real one; remove drops it, present reads it again.
    await service.simulate('remove');
    expect(w.of('reader.cardRemoved')).toEqual([{ cardId: card.cardId }]);
    await service.simulate('present');
    await w.until('card again', () => w.of('reader.card').length === 2);
  });

  it('auto mode falls back to the demo reader when no reader answers', async () => {
    const w = watch();
    const probed: string[] = [];
    service = createReaderService({
      bus: w.bus,
      mode: 'auto',
      pollIntervalMs: 5,
      hardware: {
        watch: () => () => undefined,
        scan: async () => [{ kind: 'serial', id: '/dev/ttyUSB9', open: () => (probed.push('/dev/ttyUSB9'), nativeHardware.serial('/nonexistent/ttyUSB9')) }],
      },
    });
    expect(service.status().canSimulate).toBe(false);
    await service.start();
    await w.until('simulated', () => service!.status().state === 'simulated');
    expect(probed).toEqual(['/dev/ttyUSB9']);
    expect(service.status().canSimulate).toBe(true);
  });

  it('auto mode leaves the demo for a reader plugged in later', async () => {
    const w = watch();
    const device = new SamDeviceSim({ card: { text: buildCardText(sampleCards.hkmotw), photo: syntheticWlt(), fingerprints: null } });
    const link = new SimulatedLink(device);
    let plugged = false;
    let onAttach: (() => void) | null = null;
    service = createReaderService({
      bus: w.bus,
      mode: 'auto',
      pollIntervalMs: 5,
      hardware: {
        watch: (cb) => ((onAttach = cb), () => undefined),
        scan: async () => (plugged ? [{ kind: 'serial' as const, id: '/dev/ttyUSB0', open: () => link.transport() }] : []),
      },
    });
    await service.start();
    await w.until('demo', () => service!.status().state === 'simulated');
    await service.simulate('present');
    await w.until('demo card', () => w.of('reader.card').length === 1);
    plugged = true;
    onAttach!();
    await w.until('real reader', () => service!.status().state === 'ready');
    expect(service.status()).toMatchObject({ transport: 'serial', canSimulate: false });
    expect(w.of('reader.cardRemoved')).toEqual([{ cardId: w.of('reader.card')[0]!.cardId }]);
    await w.until('real card', () => w.of('reader.card').length === 2);
    expect(w.of('reader.card')[1]).toMatchObject({ type: 'hkmotw' });
    await expect(service.simulate('present')).rejects.toMatchObject({ code: 'unavailable' });
  });

  it('sam-simulator mode runs the full frame codec path', async () => {
    const w = watch();
    service = createReaderService({ bus: w.bus, mode: 'sam-simulator', pollIntervalMs: 5 });
    await service.start();
    await w.until('simulated', () => service!.status().state === 'simulated');
    await service.simulate('present');
    await w.until('card', () => w.of('reader.card').length === 1);
    expect(w.of('reader.card')[0]).toMatchObject({ idNumberMasked: '110105********002X', photo: null, warnings: ['photo-decoder-missing'] });
  });

  it('decodes WLT photos with the configured decoder plug-in', async () => {
    const w = watch();
    const bmp = encodeBmp24({ width: 102, height: 126, data: new Uint8Array(102 * 126 * 3).fill(90) });
    const made: unknown[] = [];
    let closed = 0;
    service = createReaderService({
      bus: w.bus,
      mode: 'sam-simulator',
      pollIntervalMs: 5,
      wltDecoder: { library: '/opt/vendor/libwlt.so', symbol: 'unpack' },
      hardware: {
        wltDecoder: async (opts) => {
          made.push(opts);
          return { decode: async () => bmp, close: async () => void closed++ };
        },
      },
    });
    await service.start();
    await service.simulate('present');
    await w.until('card', () => w.of('reader.card').length === 1);
    expect((w.of('reader.card')[0]!.photo as { base64: string }).base64).toBe(bmp.toString('base64'));
    expect(made).toEqual([{ library: '/opt/vendor/libwlt.so', symbol: 'unpack' }]);
    await service.stop();
    expect(closed).toBe(1);
  });

  it('vendor mode: a crashing SDK is reported and the reader is reopened', async () => {
    const w = watch();
    let opens = 0;
    let crash = true;
    const text = buildCardText(sampleCards.foreign2017);
    service = createReaderService({
      bus: w.bus,
      mode: 'vendor',
      vendorLibrary: '/opt/sdk/libsdtapi.so',
      pollIntervalMs: 5,
      hardware: {
        vendor: async () => ({
          open: async () => void opens++,
          close: async () => undefined,
          readCard: async () => {
            if (crash) {
              crash = false;
              throw Object.assign(new Error('the vendor library crashed (SIGSEGV); it restarts on the next call'), { name: 'VendorSdkError', code: 'crashed' });
            }
            return { text: text.slice(), wlt: syntheticWlt(), photoBmp: null, photoError: new Error('decoder not licensed (-5)'), fingerprints: null };
          },
        }),
      },
    });
    await service.start();
    await w.until('card', () => w.of('reader.card').length === 1);
    expect(opens).toBe(2);
    expect(w.of('reader.error').map((e) => e.code)).toEqual(['reader-unavailable', 'photo-decode-failed']);
    expect(w.of('reader.card')[0]).toMatchObject({ type: 'foreign2017', englishName: 'SAMPLE, ALEX JORDAN', photo: null, warnings: ['photo-decode-failed'] });
    expect(service.status()).toMatchObject({ state: 'ready', transport: 'vendor', canSimulate: false });
  });

  it('serial mode with a missing port keeps searching and says why', async () => {
    const w = watch();
    service = createReaderService({
      bus: w.bus,
      mode: 'serial',
      serialPath: '/dev/ttyNOPE',
      watchHotplug: false,
      hardware: { serial: () => ({ kind: 'serial', description: 'x', open: async () => { throw new TransportError('not-found', 'opening /dev/ttyNOPE failed: check the cable'); }, write: async () => undefined, onData: () => () => undefined, onClose: () => () => undefined, close: async () => undefined }) },
    });
    await service.start();
    await w.until('error', () => w.of('reader.error').length === 1);
    expect(w.of('reader.error')[0]).toMatchObject({ code: 'reader-unavailable', message: expect.stringMatching(/ttyNOPE/) });
    expect(service.status().state).toBe('searching');
    await expect(service.simulate('present')).rejects.toMatchObject({ code: 'unavailable' });
  });

  it('retries at once when a reader is plugged in, instead of waiting out the backoff', async () => {
    const w = watch();
    const link = new SimulatedLink(new SamDeviceSim());
    link.unplug();
    let onAttach: (() => void) | null = null;
    let stopped = 0;
    service = createReaderService({
      bus: w.bus,
      mode: 'serial',
      serialPath: '/dev/ttyUSB0',
      hardware: {
        serial: () => link.transport(),
        watch: (cb, paths) => {
          expect(paths).toEqual(['/dev/ttyUSB0']);
          onAttach = cb;
          return () => void stopped++;
        },
      },
    });
    await service.start();
    await w.until('first failure', () => w.of('reader.error').length === 1);
    link.plug();
    const t = Date.now();
    onAttach!();
    await w.until('ready', () => service!.status().state === 'ready');
    expect(Date.now() - t).toBeLessThan(400); // the first backoff step is 500 ms
    await service.stop();
    expect(stopped).toBe(1);
  });

  it('refuses a mode without its setting', () => {
    const bus = new EventBus();
    expect(() => createReaderService({ bus, mode: 'serial' })).toThrow(/serialPath/);
    expect(() => createReaderService({ bus, mode: 'vendor' })).toThrow(/vendorLibrary/);
  });

  it('ships a demo photo shaped like decoder output', () => {
    const bmp = readFileSync('resources/demo/chip-photo.bmp');
    expect(bmp.length).toBe(38862);
    expect(bmpInfo(bmp)).toEqual({ width: 102, height: 126, bitsPerPixel: 24 });
  });
});
