import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { VendorSdkError } from '../../../native/vendor/errors';
import { createVendorReader, type CreateVendorReaderOptions, type VendorReader } from '../../../native/vendor/reader';
import { createWltDecoder } from '../../../native/wlt/decoder';
import type { WltDecoder } from '../../../native/wlt/types';
import { createCompiler } from '../helpers/compile-c';
import { expectedFakeBmp, syntheticWlt } from '../helpers/photo';

const compiler = createCompiler();
const cardFile = join(compiler.dir, 'card-on-reader.bin');
const libs = { sdt: '', sdtFp: '', sdtNoRead: '', wlt: '', wltError: '' };
const opened: Array<VendorReader | WltDecoder> = [];

/** A synthetic text block: UCS-2LE "SYNTHETIC" padded with spaces, resident type. No real person. */
function syntheticText(): Uint8Array {
  const text = Buffer.alloc(256);
  for (let i = 0; i < 128; i++) text.writeUInt16LE(0x20, i * 2);
  text.write('SYNTHETIC', 0, 'utf16le');
  return text;
}

function putCard(content: Uint8Array | string): void {
  writeFileSync(cardFile, content);
}
function removeCard(): void {
  rmSync(cardFile, { force: true });
}

function reader(opts: Partial<CreateVendorReaderOptions> = {}): VendorReader {
  const r = createVendorReader({ library: libs.sdt, port: 1001, ...opts });
  opened.push(r);
  return r;
}

async function failure(promise: Promise<unknown>): Promise<VendorSdkError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(VendorSdkError);
  return error as VendorSdkError;
}

const text = syntheticText();
const wlt = syntheticWlt(7);
const card = Buffer.concat([text, wlt]);

beforeAll(() => {
  const define = { CARD_FILE: JSON.stringify(cardFile) };
  libs.sdt = compiler.compile('sdtapi_fake.c', 'libsdtapi.so', define);
  libs.sdtFp = compiler.compile('sdtapi_fake.c', 'libsdtapi-fp.so', { ...define, WITH_FP: '' });
  libs.sdtNoRead = compiler.compile('sdtapi_fake.c', 'libsdtapi-old.so', { ...define, OMIT_READ: '' });
  libs.wlt = compiler.compile('wlt_unpack.c', 'libwlt2bmp.so');
  libs.wltError = compiler.compile('wlt_error.c', 'libwlterror.so');
});

afterEach(removeCard);

afterAll(async () => {
  await Promise.all(opened.map((r) => r.close()));
  compiler.cleanup();
});

describe('vendor SDK reader (sdtapi ABI) through koffi in a child process', () => {
  it('returns null while no card is on the reader, then the raw text and WLT once one is', async () => {
    const r = reader();
    await r.open();
    expect(await r.readCard()).toBeNull();
    putCard(card);
    const read = await r.readCard();
    expect(read).not.toBeNull();
    expect(Buffer.from(read!.text).equals(text)).toBe(true);
    expect(Buffer.from(read!.wlt).equals(wlt)).toBe(true);
    expect(read!.photoBmp).toBeNull(); // no decoder configured: the card is still read
    expect(read!.photoError).toBeNull();
    expect(read!.fingerprints).toBeNull();
    // A card that fails mid-read is the SAM's code, not a crash.
    putCard('garbage of the wrong length');
    expect(await failure(r.readCard())).toMatchObject({ code: 'sdk-error', sdkCode: 0x41 });
  });

  it('decodes the photo with a configured WLT decoder', async () => {
    const wltDecoder = createWltDecoder({ library: libs.wlt, vendorCode: 602 });
    opened.push(wltDecoder);
    putCard(card);
    const read = await reader({ wltDecoder }).readCard();
    expect(read!.photoBmp!.equals(expectedFakeBmp(wlt))).toBe(true);
  });

  it('still returns the card when the decoder fails, with the reason for the missing photo', async () => {
    const wltDecoder = createWltDecoder({ library: libs.wltError });
    opened.push(wltDecoder);
    putCard(card);
    const read = await reader({ wltDecoder }).readCard();
    expect(Buffer.from(read!.text).equals(text)).toBe(true);
    expect(read!.photoBmp).toBeNull();
    expect(read!.photoError).toMatchObject({ code: 'sdk-error', sdkCode: -1 });
  });

  it('reads fingerprints through SDT_ReadBaseFPMsg when asked and available', async () => {
    putCard(card);
    const read = await reader({ library: libs.sdtFp, fingerprints: true }).readCard();
    expect(read!.fingerprints).toHaveLength(1024);
    expect(read!.fingerprints![3]).toBe(3 ^ 0x5a);
    // An SDK without the FP entry point still reads the card.
    const plain = await reader({ fingerprints: true }).readCard();
    expect(plain!.fingerprints).toBeNull();
  });

  it('survives an SDK that segfaults mid-read and reads again after the restart, reopening the port', async () => {
    const r = reader();
    await r.open();
    putCard('crash');
    const crash = await failure(r.readCard());
    expect(crash).toMatchObject({ code: 'crashed', signal: 'SIGSEGV' });
    putCard(card);
    const read = await r.readCard();
    expect(Buffer.from(read!.wlt).equals(wlt)).toBe(true);
  });

  it('kills an SDK call that hangs, reports timeout, and works on the next call', async () => {
    const r = reader({ readTimeoutMs: 1000 });
    await r.open();
    putCard('hang');
    expect((await failure(r.readCard())).code).toBe('timeout');
    removeCard();
    expect(await r.readCard()).toBeNull();
  });

  it('explains a port that will not open, a missing entry point and a missing library', async () => {
    const port = await failure(reader({ port: 7 }).open());
    expect(port).toMatchObject({ code: 'sdk-error', sdkCode: 1 });
    expect(port.message).toMatch(/port number/);
    const old = await failure(reader({ library: libs.sdtNoRead }).open());
    expect(old.code).toBe('symbol-missing');
    expect(old.message).toMatch(/SDT_ReadBaseMsg/);
    expect((await failure(reader({ library: join(compiler.dir, 'libmissing.so') }).open())).code).toBe('load-failed');
  });

  it('refuses reads after close', async () => {
    const r = createVendorReader({ library: libs.sdt });
    await r.open();
    await r.close();
    expect((await failure(r.readCard())).code).toBe('closed');
  });
});
