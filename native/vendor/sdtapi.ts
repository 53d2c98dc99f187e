import { VendorSdkError } from './errors';
import { bindFunction, loadLibrary, type KoffiLike, type NativeFunction } from './ffi';
import type { RawCard, SdtSession } from './protocol';

/*
 * The 公安部-style `sdtapi` SDK (sdtapi.dll / libsdtapi.so, reference/idcard-reader.md §3.4),
 * chosen because it hands back the raw 256-byte UCS-2LE text block and the 1024-byte WLT, the
 * same bytes the SAM protocol path parses, so both paths share idcard/'s parsers:
 *
 *   int SDT_OpenPort(int iPort);                                   0x90 = OK
 *   int SDT_ClosePort(int iPort);
 *   int SDT_StartFindIDCard(int iPort, unsigned char *pucManaInfo, int iIfOpen);   0x9F found, 0x80 none
 *   int SDT_SelectIDCard(int iPort, unsigned char *pucManaMsg, int iIfOpen);       0x90
 *   int SDT_ReadBaseMsg(int iPort, unsigned char *pucCHMsg, unsigned *puiCHMsgLen,
 *                       unsigned char *pucPHMsg, unsigned *puiPHMsgLen, int iIfOpen);  0x90
 *   int SDT_ReadBaseFPMsg(... same ..., unsigned char *pucFPMsg, unsigned *puiFPMsgLen, int iIfOpen);  optional
 *
 * Ports 1–16 are COM ports and 1001–1016 USB. We open the port once and pass iIfOpen = 0 so the
 * SDK does not reopen it on every call. Win32 builds are __stdcall, Linux ones cdecl.
 */

const OK = 0x90;
const FOUND = 0x9f;
const NO_CARD = 0x80;

/** Return codes: the SAM's SW3 values plus the SDK's own (never on the wire). */
const SDT_CODES: Record<number, string> = {
  0x01: 'the SDK could not open the port; check the port number (1–16 COM, 1001–1016 USB) and permissions',
  0x02: 'the reader did not answer in time',
  0x03: 'data transfer to the reader failed',
  0x05: 'the SAM serial port is unusable',
  0x10: 'the SAM got a bad checksum',
  0x11: 'the SAM got a bad length',
  0x21: 'the SAM rejected the command',
  0x24: 'the SAM reported an unknown error',
  0x31: 'the card failed to authenticate the SAM; present the card again',
  0x32: 'the SAM failed to authenticate the card; present the card again',
  0x33: 'information verification failed; present the card again',
  0x40: 'this is not a Chinese ID card',
  0x41: 'reading the card failed (moved during the read?); present it again',
  0x47: 'getting a random number failed; present the card again',
  0x60: 'the SAM self-test failed; the reader needs service',
  0x66: 'the SAM is not authorised; the reader needs service',
  0x81: 'selecting the card failed; present it again',
};

export interface SdtBinding {
  open(): void;
  /** null when no card is on the reader. */
  read(): RawCard | null;
  close(): void;
  dispose(): void;
}

export function describeSdtCode(code: number): string {
  return SDT_CODES[code] ?? `the SDK returned 0x${(code >>> 0).toString(16)}`;
}

export function loadSdtBinding(koffi: KoffiLike, session: SdtSession): SdtBinding {
  const lib = loadLibrary(koffi, session.library);
  const bind = (name: string, args: string[]) => bindFunction(lib, session.library, session.callingConvention, name, 'int', args);
  const openPort = bind('SDT_OpenPort', ['int']);
  const closePort = bind('SDT_ClosePort', ['int']);
  const find = bind('SDT_StartFindIDCard', ['int', 'void *', 'int']);
  const select = bind('SDT_SelectIDCard', ['int', 'void *', 'int']);
  const readBase = bind('SDT_ReadBaseMsg', ['int', 'void *', '_Out_ uint32_t *', 'void *', '_Out_ uint32_t *', 'int']);
  let readWithFp: NativeFunction | null = null;
  if (session.fingerprints) {
    try {
      readWithFp = bind('SDT_ReadBaseFPMsg', ['int', 'void *', '_Out_ uint32_t *', 'void *', '_Out_ uint32_t *', 'void *', '_Out_ uint32_t *', 'int']);
    } catch {
      readWithFp = null; // older SDKs: read without fingerprints
    }
  }
  let isOpen = false;
  const check = (name: string, rc: number, expected: number) => {
    if (rc !== expected) throw new VendorSdkError('sdk-error', `${name} failed: ${describeSdtCode(rc)}`, { sdkCode: rc });
  };

  const open = () => {
    if (isOpen) return;
    check('SDT_OpenPort', openPort(session.port) as number, OK);
    isOpen = true;
  };

  return {
    open,
    read() {
      open();
      const scratch = Buffer.alloc(64);
      const found = find(session.port, scratch, 0) as number;
      if (found === NO_CARD) return null;
      check('SDT_StartFindIDCard', found, FOUND);
      const selected = select(session.port, scratch, 0) as number;
      // The card left between find and select: same as no card for the poll loop.
      if (selected === 0x81) return null;
      check('SDT_SelectIDCard', selected, OK);
      // Buffers far larger than the 256/1024 the SDK should write: vendor code overruns.
      const text = Buffer.alloc(4096);
      const photo = Buffer.alloc(4096);
      const textLen = [0];
      const photoLen = [0];
      let fingerprints: Uint8Array | null = null;
      if (readWithFp) {
        const fp = Buffer.alloc(4096);
        const fpLen = [0];
        check('SDT_ReadBaseFPMsg', readWithFp(session.port, text, textLen, photo, photoLen, fp, fpLen, 0) as number, OK);
        const n = fpLen[0]!;
        if (n > fp.length) throw new VendorSdkError('bad-output', `SDT_ReadBaseFPMsg reported ${n} fingerprint bytes`);
        fingerprints = n > 0 ? Uint8Array.from(fp.subarray(0, n)) : null;
      } else {
        check('SDT_ReadBaseMsg', readBase(session.port, text, textLen, photo, photoLen, 0) as number, OK);
      }
      if (textLen[0] !== 256 || photoLen[0] !== 1024) {
        throw new VendorSdkError('bad-output', `the SDK returned ${textLen[0]} text and ${photoLen[0]} photo bytes, expected 256 and 1024`);
      }
      const card = { text: Uint8Array.from(text.subarray(0, 256)), wlt: Uint8Array.from(photo.subarray(0, 1024)), fingerprints };
      text.fill(0);
      photo.fill(0);
      return card;
    },
    close() {
      if (!isOpen) return;
      isOpen = false;
      closePort(session.port);
    },
    dispose() {
      try {
        if (isOpen) closePort(session.port);
      } finally {
        isOpen = false;
        lib.unload();
      }
    },
  };
}
