import { join } from 'node:path';
import { libraryPathForChild } from '../../../native/vendor/ffi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VendorSdkError } from '../../../native/vendor/errors';
import { createWltDecoder, type CreateWltDecoderOptions } from '../../../native/wlt/decoder';
import { inferWltAbi, type WltDecoder } from '../../../native/wlt/types';
import { createCompiler } from '../helpers/compile-c';
import { expectedFakeBmp, syntheticWlt } from '../helpers/photo';

const compiler = createCompiler();
const libs: Record<'unpack' | 'bmp' | 'error' | 'crash', string> = { unpack: '', bmp: '', error: '', crash: '' };
const open: WltDecoder[] = [];

function decoder(opts: CreateWltDecoderOptions): WltDecoder {
  const d = createWltDecoder(opts);
  open.push(d);
  return d;
}

async function failure(promise: Promise<unknown>): Promise<VendorSdkError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(VendorSdkError);
  return error as VendorSdkError;
}

beforeAll(() => {
  libs.unpack = compiler.compile('wlt_unpack.c', 'libwlt2bmp.so');
  libs.bmp = compiler.compile('wlt_bmp.c', 'libwltbmp.so');
  libs.error = compiler.compile('wlt_error.c', 'libwlterror.so');
  libs.crash = compiler.compile('wlt_crash.c', 'libwltcrash.so');
});

afterAll(async () => {
  await Promise.all(open.map((d) => d.close()));
  compiler.cleanup();
});

describe('WLT decoder plug-ins through koffi in a child process', () => {
  const wlt = syntheticWlt(1);

  it('decodes with the libwlt2bmp `unpack` ABI into the 102×126 BMP derived from this WLT', async () => {
    const d = decoder({ library: libs.unpack, vendorCode: 602 });
    const bmp = await d.decode(wlt);
    expect(bmp.length).toBe(38862);
    expect(bmp.equals(expectedFakeBmp(wlt))).toBe(true);
    // A different photo gives a different picture: the output really comes from the input.
    const other = syntheticWlt(2);
    expect((await d.decode(other)).equals(expectedFakeBmp(other))).toBe(true);
  });

  it.each([
    ['WltToBmp', 'bmp-buffer'],
    ['Unpack', 'bmp-length'],
    ['GetBmp', 'file'],
  ] as const)('decodes with the %s ABI (%s)', async (symbol, abi) => {
    const d = decoder({ library: libs.bmp, symbol }); // the ABI is inferred from the symbol
    expect(inferWltAbi(symbol)).toBe(abi);
    expect((await d.decode(wlt)).equals(expectedFakeBmp(wlt))).toBe(true);
  });

  it('reports a rejected vendor code as sdk-error with what to change', async () => {
    const error = await failure(decoder({ library: libs.unpack, vendorCode: 158 }).decode(wlt));
    expect(error.code).toBe('sdk-error');
    expect(error.sdkCode).toBe(0);
    expect(error.message).toMatch(/vendorCode/);
  });

  it('reports the error codes of a failing library, including WltRS -5 (not licensed)', async () => {
    const unpack = await failure(decoder({ library: libs.error }).decode(wlt));
    expect(unpack).toMatchObject({ code: 'sdk-error', sdkCode: -1 });
    const getBmp = await failure(decoder({ library: libs.error, symbol: 'GetBmp' }).decode(wlt));
    expect(getBmp).toMatchObject({ code: 'sdk-error', sdkCode: -5 });
    expect(getBmp.message).toMatch(/licensed/);
  });

  it('rejects output that is not the chip photo: wrong size, or success without pixels', async () => {
    const wrong = await failure(decoder({ library: libs.bmp, symbol: 'WltToBmpWrongSize', abi: 'bmp-buffer' }).decode(wlt));
    expect(wrong.code).toBe('bad-output');
    expect(wrong.message).toMatch(/100×100/);
    const nothing = await failure(decoder({ library: libs.bmp, symbol: 'WltToBmpNothing', abi: 'bmp-buffer' }).decode(wlt));
    expect(nothing.code).toBe('bad-output');
  });

  it('survives a decoder that segfaults, reports crashed, and decodes again after the restart', async () => {
    const d = decoder({ library: libs.crash, vendorCode: 602 });
    const poisoned = Uint8Array.from(wlt);
    poisoned[0] = 0x00; // the vendor code dereferences NULL on a malformed header
    const crash = await failure(d.decode(poisoned));
    expect(crash.code).toBe('crashed');
    expect(crash.signal).toBe('SIGSEGV');
    expect((await d.decode(wlt)).equals(expectedFakeBmp(wlt))).toBe(true);
  });

  it('reports an abort() in vendor code as crashed with SIGABRT', async () => {
    const error = await failure(decoder({ library: libs.crash, symbol: 'abort_now', abi: 'bmp-buffer' }).decode(wlt));
    expect(error).toMatchObject({ code: 'crashed', signal: 'SIGABRT' });
  });

  it('kills a decoder that hangs and reports timeout within the limit', async () => {
    const d = decoder({ library: libs.crash, symbol: 'hang', abi: 'bmp-buffer', timeoutMs: 300 });
    const started = Date.now();
    const error = await failure(d.decode(wlt));
    expect(error.code).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(300 + 5000); // child start-up (not counted) + the limit
  });

  it('says load-failed for a missing or non-library file and symbol-missing for an absent export', async () => {
    expect((await failure(decoder({ library: `${compiler.dir}/nope.so` }).decode(wlt))).code).toBe('load-failed');
    expect((await failure(decoder({ library: `${import.meta.dirname}/decoder.test.ts` }).decode(wlt))).code).toBe('load-failed');
    const missing = await failure(decoder({ library: libs.unpack, symbol: 'GetBmp' }).decode(wlt));
    expect(missing.code).toBe('symbol-missing');
    expect(missing.message).toMatch(/GetBmp/);
  });

  it('refuses a WLT that is not 1024 bytes and a symbol whose ABI it cannot infer', async () => {
    expect((await failure(decoder({ library: libs.unpack }).decode(new Uint8Array(1000)))).code).toBe('bad-input');
    expect(() => createWltDecoder({ library: libs.unpack, symbol: 'DecodePhoto' })).toThrow(VendorSdkError);
  });

  it('hands the child absolute paths for relative ones and leaves bare names to the loader search', () => {
    expect(libraryPathForChild('vendor/libwlt.so')).toBe(join(process.cwd(), 'vendor/libwlt.so'));
    expect(libraryPathForChild('./libwlt.so')).toBe(join(process.cwd(), 'libwlt.so'));
    expect(libraryPathForChild('libwlt.so')).toBe('libwlt.so');
    expect(libraryPathForChild('/opt/vendor/libwlt.so')).toBe('/opt/vendor/libwlt.so');
  });

  it('refuses to decode once closed', async () => {
    const d = createWltDecoder({ library: libs.unpack, vendorCode: 602 });
    await d.decode(wlt);
    await d.close();
    expect((await failure(d.decode(wlt))).code).toBe('closed');
  });
});
