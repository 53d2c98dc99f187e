import type { WltDecoder } from '../wlt/types';
import { VendorSdkError } from './errors';
import { defaultCallingConvention, libraryPathForChild } from './ffi';
import { VendorChildHost, type ChildLaunch } from './host';
import type { ChildLauncher } from './launcher';
import { isReadResult, type CallingConvention, type SdtSession } from './protocol';

export interface VendorCard {
  /** The raw 256-byte UCS-2LE text block, exactly as the SAM returns it (parse with idcard/). */
  text: Uint8Array;
  /** The raw 1024-byte WLT photo. */
  wlt: Uint8Array;
  /** Decoded 102×126 24-bit BMP, or null without a decoder or when decoding failed. */
  photoBmp: Buffer | null;
  /** Why photoBmp is null although a decoder is configured (no personal data in it). */
  photoError: VendorSdkError | null;
  /** 1024 bytes (two 512-byte templates) when asked for and present, else null. */
  fingerprints: Uint8Array | null;
}

export interface VendorReader {
  /** Loads the SDK and opens the port; rejects with VendorSdkError (load-failed, symbol-missing, sdk-error…). */
  open(): Promise<void>;
  /** One read attempt: null when no card is on the reader (or it left mid-read). */
  readCard(): Promise<VendorCard | null>;
  /** Closes the port and ends the helper process; the reader cannot be used afterwards. */
  close(): Promise<void>;
}

export interface CreateVendorReaderOptions {
  /** Path of the vendor SDK (libsdtapi.so / sdtapi.dll style; see sdtapi.ts for the entry points). */
  library: string;
  /** SDK port number: 1–16 COM, 1001–1016 USB. Default 1001 (first USB reader). */
  port?: number;
  /** Ask for fingerprints (SDT_ReadBaseFPMsg) when the SDK has it. Default false. */
  fingerprints?: boolean;
  callingConvention?: CallingConvention;
  /** Decodes the WLT; usually createWltDecoder() with the vendor's decoder library. */
  wltDecoder?: WltDecoder;
  /** Per-call limit for a card read; default 5000 ms (the fingerprint read takes ~200 ms on the wire). */
  readTimeoutMs?: number;
  startTimeoutMs?: number;
  launch?: ChildLaunch;
  /** How the child is started; child_process.fork when absent, a utility process under Electron. */
  launcher?: ChildLauncher;
}

/**
 * A reader driven by its vendor SDK instead of our SAM codec (for readers whose USB protocol is
 * not raw SAM, or sites that must use the vendor stack). The SDK runs in a child process: a crash
 * or hang becomes VendorSdkError('crashed' | 'timeout') and the next call starts a fresh child,
 * which reopens the port by itself.
 */
export function createVendorReader(opts: CreateVendorReaderOptions): VendorReader {
  const session: SdtSession = {
    kind: 'sdt',
    library: libraryPathForChild(opts.library),
    port: opts.port ?? 1001,
    callingConvention: opts.callingConvention ?? defaultCallingConvention(),
    fingerprints: opts.fingerprints ?? false,
  };
  const readTimeoutMs = opts.readTimeoutMs ?? 5000;
  const host = new VendorChildHost(session, {
    label: `vendor SDK (port ${session.port})`,
    ...(opts.launch ? { launch: opts.launch } : {}),
    ...(opts.launcher ? { launcher: opts.launcher } : {}),
    ...(opts.startTimeoutMs ? { startTimeoutMs: opts.startTimeoutMs } : {}),
  });

  return {
    async open() {
      await host.call({ op: 'open' }, readTimeoutMs);
    },

    async readCard() {
      const result = await host.call({ op: 'read' }, readTimeoutMs);
      if (!isReadResult(result)) throw new VendorSdkError('bad-output', 'the vendor helper returned an unexpected reply');
      if (!result.card) return null;
      const { text, wlt, fingerprints } = result.card;
      let photoBmp: Buffer | null = null;
      let photoError: VendorSdkError | null = null;
      if (opts.wltDecoder) {
        // The text is already read: a decoder failure costs the photo, not the card.
        try {
          photoBmp = await opts.wltDecoder.decode(wlt);
        } catch (error) {
          photoError = error instanceof VendorSdkError ? error : new VendorSdkError('sdk-error', String(error), { cause: error });
        }
      }
      return { text, wlt, photoBmp, photoError, fingerprints };
    },

    async close() {
      try {
        if (host.isRunning) await host.call({ op: 'close' }, 2000);
      } catch {
        // a crashed or hung SDK cannot close its port; ending the helper releases it
      }
      await host.close();
    },
  };
}
