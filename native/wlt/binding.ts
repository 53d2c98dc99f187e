import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VendorSdkError } from '../vendor/errors';
import { bindFunction, loadLibrary, type KoffiLike } from '../vendor/ffi';
import type { DecodeOutput, WltSession } from '../vendor/protocol';
import { DECODER_OUTPUT_BUFFER, OUTPUT_SENTINEL, RAW_PHOTO_SIZE, WLT_SIZE } from './types';

/** Child-side: a loaded decoder library, one method per call. */
export interface WltBinding {
  decode(wlt: Uint8Array): DecodeOutput;
  dispose(): void;
}

const GETBMP_ERRORS: Record<number, string> = {
  [-5]: 'the decoder library does not match this reader or is not licensed (WltRS -5); get the decoder from the reader vendor',
};

export function loadWltBinding(koffi: KoffiLike, session: WltSession): WltBinding {
  const lib = loadLibrary(koffi, session.library);
  const conv = session.callingConvention;
  const output = () => Buffer.alloc(DECODER_OUTPUT_BUFFER, OUTPUT_SENTINEL);
  const sdkFailure = (code: number, hint: string) =>
    new VendorSdkError('sdk-error', `${session.symbol} returned ${code}: ${hint}`, { sdkCode: code });

  switch (session.abi) {
    case 'unpack-raw': {
      const fn = bindFunction(lib, session.library, conv, session.symbol, 'int', ['void *', 'void *', 'int']);
      return {
        decode(wlt) {
          const out = output();
          const rc = fn(Buffer.from(wlt), out, session.vendorCode) as number;
          if (rc !== 1) {
            throw sdkFailure(rc, rc === 0 ? `the library rejected vendor code ${session.vendorCode}; set vendorCode to the code the vendor issued` : 'decoding failed');
          }
          return { format: 'raw', bytes: out.subarray(0, RAW_PHOTO_SIZE) };
        },
        dispose: () => lib.unload(),
      };
    }
    case 'bmp-length': {
      const fn = bindFunction(lib, session.library, conv, session.symbol, 'int', ['void *', 'void *', 'int']);
      return {
        decode(wlt) {
          const out = output();
          const rc = fn(Buffer.from(wlt), out, out.length) as number;
          if (rc <= 0 || rc > out.length) throw sdkFailure(rc, 'decoding failed');
          return { format: 'bmp', bytes: out.subarray(0, rc) };
        },
        dispose: () => lib.unload(),
      };
    }
    case 'bmp-buffer': {
      const fn = bindFunction(lib, session.library, conv, session.symbol, 'int', ['void *', 'void *']);
      return {
        decode(wlt) {
          const out = output();
          const rc = fn(Buffer.from(wlt), out) as number;
          if (rc !== 1) throw sdkFailure(rc, 'decoding failed');
          return { format: 'bmp', bytes: out };
        },
        dispose: () => lib.unload(),
      };
    }
    case 'file': {
      const fn = bindFunction(lib, session.library, conv, session.symbol, 'int', ['str', 'int']);
      // The child runs in a private working directory the host deletes when the child ends, even
      // after a crash: the photo is personal data and must not linger or be readable by others.
      const dir = process.cwd();
      return {
        decode(wlt) {
          const wltPath = join(dir, 'zp.wlt');
          const bmpPath = join(dir, 'zp.bmp');
          try {
            writeFileSync(wltPath, wlt, { mode: 0o600 });
            const rc = fn(wltPath, session.fileInterface) as number;
            if (rc !== 1) throw sdkFailure(rc, GETBMP_ERRORS[rc] ?? 'decoding failed');
            let bytes: Buffer;
            try {
              bytes = readFileSync(bmpPath);
            } catch {
              throw new VendorSdkError('bad-output', `${session.symbol} reported success but wrote no zp.bmp next to the .wlt file`);
            }
            return { format: 'bmp', bytes };
          } finally {
            rmSync(wltPath, { force: true });
            rmSync(bmpPath, { force: true });
          }
        },
        dispose: () => lib.unload(),
      };
    }
  }
}

export function checkWltInput(wlt: Uint8Array): void {
  if (wlt.length !== WLT_SIZE) {
    throw new VendorSdkError('bad-input', `a WLT photo is ${WLT_SIZE} bytes; got ${wlt.length}`);
  }
}
