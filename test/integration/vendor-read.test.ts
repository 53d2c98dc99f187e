import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildCardText, sampleCards, syntheticWlt } from '../../idcard/synthetic';
import { EventBus, type AnyEvent } from '../../main/services/events';
import { bmpInfo } from '../../imaging/bmp';
import { createReaderService } from '../../main/services/reader/create';
import type { ReaderService } from '../../main/services/reader/types';
import { createCompiler } from '../native/helpers/compile-c';

// The koffi vendor path end to end: the reader service drives native/vendor (a child process
// loading a fake SDK with the vendor C ABI, compiled here) and native/wlt (a fake decoder).
const compiler = createCompiler();
const cardFile = join(compiler.dir, 'card-on-reader.bin');
const libs = { sdt: '', wlt: '', wltCrash: '' };
let service: ReaderService | null = null;

beforeAll(() => {
  libs.sdt = compiler.compile('sdtapi_fake.c', 'libsdtapi.so', { CARD_FILE: JSON.stringify(cardFile) });
  libs.wlt = compiler.compile('wlt_unpack.c', 'libwlt2bmp.so');
  libs.wltCrash = compiler.compile('wlt_crash.c', 'libwltcrash.so');
});
afterEach(async () => {
  await service?.stop();
  service = null;
  rmSync(cardFile, { force: true });
});
afterAll(() => compiler.cleanup());

function watch() {
  const bus = new EventBus();
  const events: AnyEvent[] = [];
  bus.subscribe((e) => events.push(e));
  const of = (name: AnyEvent['event']) => events.filter((e) => e.event === name).map((e) => e.payload as Record<string, unknown>);
  const until = async (what: string, f: () => boolean) => {
    const t = Date.now();
    while (!f()) {
      if (Date.now() - t > 20_000) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(events)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return { bus, of, until };
}
const chip = (text: Uint8Array) => Buffer.concat([text, syntheticWlt(3)]);

describe('vendor SDK reader through koffi in a child process', () => {
  it('reads the card and decodes the photo with the WLT plug-in; survives an SDK that segfaults', async () => {
    const w = watch();
    service = createReaderService({ bus: w.bus, mode: 'vendor', vendorLibrary: libs.sdt, wltDecoder: { library: libs.wlt, vendorCode: 602 }, pollIntervalMs: 50 });
    await service.start();
    await w.until('ready', () => service!.status().state === 'ready');
    expect(service.status().transport).toBe('vendor');

    // The fake SDK does not model the SAM's halt-after-read, so the test lifts the card itself.
    writeFileSync(cardFile, chip(buildCardText(sampleCards.foreign2023)));
    await w.until('card', () => w.of('reader.card').length === 1);
    rmSync(cardFile);
    const card = w.of('reader.card')[0]!;
    expect(card).toMatchObject({ type: 'foreign2023', idNumberMasked: '932682********0017', warnings: [] });
    const bmp = Buffer.from((card.photo as { base64: string }).base64, 'base64');
    expect(bmpInfo(bmp)).toEqual({ width: 102, height: 126, bitsPerPixel: 24 });

    writeFileSync(cardFile, 'crash');
    await w.until('crash reported', () => w.of('reader.error').some((e) => /crash|signal|SIGSEGV/i.test(String(e.message))));
    rmSync(cardFile);
    writeFileSync(cardFile, chip(buildCardText(sampleCards.resident)));
    await w.until('card after crash', () => w.of('reader.card').length === 2);
    rmSync(cardFile);
    expect(w.of('reader.card')[1]).toMatchObject({ type: 'resident' });
    expect(w.of('reader.cardRemoved')).toEqual([{ cardId: card.cardId }]);
  }, 60_000);

  it('still reads the card when the WLT decoder crashes, without a photo', async () => {
    const w = watch();
    service = createReaderService({
      bus: w.bus,
      mode: 'vendor',
      vendorLibrary: libs.sdt,
      wltDecoder: { library: libs.wltCrash, symbol: 'abort_now', abi: 'bmp-buffer' },
      pollIntervalMs: 50,
    });
    await service.start();
    writeFileSync(cardFile, chip(buildCardText(sampleCards.hkmotw)));
    await w.until('card', () => w.of('reader.card').length === 1);
    rmSync(cardFile);
    expect(w.of('reader.card')[0]).toMatchObject({ type: 'hkmotw', photo: null, warnings: ['photo-decode-failed'] });
    expect(w.of('reader.error').map((e) => e.code)).toEqual(['photo-decode-failed']);
  }, 60_000);
});
