import { VendorSdkError } from '../vendor/errors';
import { defaultCallingConvention, libraryPathForChild } from '../vendor/ffi';
import { VendorChildHost, type ChildLaunch } from '../vendor/host';
import type { ChildLauncher } from '../vendor/launcher';
import { isDecodeOutput, type WltSession } from '../vendor/protocol';
import { bmpFromRawPixels, validateChipPhotoBmp } from './bmp';
import { WLT_SIZE, inferWltAbi, type WltDecoder, type WltDecoderConfig } from './types';

export interface CreateWltDecoderOptions extends WltDecoderConfig {
  /** Per-decode limit; a decoder that takes longer is killed. Default 3000 ms. */
  timeoutMs?: number;
  /** Child start-up limit (fork + load). Default 20 s. */
  startTimeoutMs?: number;
  /** Where the child entry is; resolved automatically (see resolveChildEntry) when absent. */
  launch?: ChildLaunch;
  /** How the child is started; child_process.fork when absent, a utility process under Electron. */
  launcher?: ChildLauncher;
}

/** Resolves the effective session, or says which setting is missing. */
export function wltSessionFor(opts: WltDecoderConfig): WltSession {
  const symbol = opts.symbol ?? 'unpack';
  const abi = opts.abi ?? inferWltAbi(symbol);
  if (!abi) {
    throw new VendorSdkError('bad-input', `cannot tell the calling pattern of ${symbol}; set abi to unpack-raw, bmp-length, bmp-buffer or file`);
  }
  return {
    kind: 'wlt',
    library: libraryPathForChild(opts.library),
    symbol,
    abi,
    vendorCode: opts.vendorCode ?? 0,
    fileInterface: opts.fileInterface ?? 1,
    callingConvention: opts.callingConvention ?? defaultCallingConvention(),
  };
}

/**
 * A WLT decoder plug-in: the vendor library runs in a child process, so a crash or hang costs one
 * photo, never the kiosk. Every result is checked to be a 102×126 24-bit BMP before it is returned.
 */
export function createWltDecoder(opts: CreateWltDecoderOptions): WltDecoder {
  const session = wltSessionFor(opts);
  const timeoutMs = opts.timeoutMs ?? 3000;
  const layout = { channelOrder: opts.rawChannelOrder ?? 'rgb', rowOrder: opts.rawRowOrder ?? 'bottom-up' } as const;
  const host = new VendorChildHost(session, {
    label: `WLT decoder ${session.symbol}`,
    ...(opts.launch ? { launch: opts.launch } : {}),
    ...(opts.launcher ? { launcher: opts.launcher } : {}),
    ...(opts.startTimeoutMs ? { startTimeoutMs: opts.startTimeoutMs } : {}),
  });

  return {
    async decode(wlt) {
      if (wlt.length !== WLT_SIZE) throw new VendorSdkError('bad-input', `a WLT photo is ${WLT_SIZE} bytes; got ${wlt.length}`);
      const output = await host.call({ op: 'decode', wlt }, timeoutMs);
      if (!isDecodeOutput(output)) throw new VendorSdkError('bad-output', 'the decoder helper returned an unexpected reply');
      return output.format === 'raw' ? bmpFromRawPixels(output.bytes, layout) : validateChipPhotoBmp(output.bytes);
    },
    close: () => host.close(),
  };
}
