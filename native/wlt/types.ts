/**
 * Decodes the chip's 1024-byte WLT photo with a vendor library. The algorithm is proprietary and
 * has no open implementation (reference/idcard-reader.md §3), so decoders are plug-ins loaded from
 * a configured path; without one the card is still read and face comparison is unavailable.
 */
export interface WltDecoder {
  /** Resolves with a validated 24-bit BMP of 102×126; rejects with VendorSdkError. */
  decode(wlt: Uint8Array): Promise<Buffer>;
  close(): Promise<void>;
}

/**
 * The C ABIs vendor decoders are published with (reference/idcard-reader.md §3.3, WltRS.h):
 * - `unpack-raw`: `int unpack(char *src1024, char *dst, int bmpSave)` → 1 OK, 0 = bmpSave (the
 *   vendor's code, e.g. 602/158) rejected. Writes 102×126×3 raw pixels, no BMP header
 *   (libwlt2019.so, libwlt-x86-64.so, libwlt2bmp.so).
 * - `bmp-length`: `int Unpack(char *in, char *out, int bufsize)` → length of the BMP written
 *   (libwlt2bmp-x86-32); needs a buffer well over 38 862 bytes.
 * - `bmp-buffer`: `int WltToBmp(char *wlt, char *bmp)` / `iDR220S_Dewlt(...)` → 1 OK; writes a
 *   full BMP (libtermbhf, 精伦 ARM); also crash with a buffer of exactly 38 862 bytes.
 * - `file`: `int GetBmp(char *wltPath, int intf)` → 1 OK; reads the .wlt file and writes the
 *   .bmp next to it (WltRS.dll style); -5 = library not licensed for this reader.
 */
export type WltAbi = 'unpack-raw' | 'bmp-length' | 'bmp-buffer' | 'file';

export interface WltDecoderConfig {
  /** Absolute path of the vendor library (.so / .dll). */
  library: string;
  /** Exported function name; default `unpack`. The ABI is inferred from it unless `abi` is set. */
  symbol?: string;
  abi?: WltAbi;
  /** `bmpSave` for unpack-raw: the vendor's code (602/158 style, "doesn't save a file"). Default 0. */
  vendorCode?: number;
  /** `intf` for the file ABI (1 = USB, 2 = serial per the sources, unverified). Default 1. */
  fileInterface?: number;
  /** unpack-raw pixel layout. WltRS.h says the output must have B and R swapped: default 'rgb'. */
  rawChannelOrder?: 'rgb' | 'bgr';
  /** unpack-raw row order; unknown from the sources, default 'bottom-up' as in a BMP. */
  rawRowOrder?: 'bottom-up' | 'top-down';
  /** Win32 vendor DLLs use __stdcall; default: stdcall on win32, cdecl elsewhere. */
  callingConvention?: 'cdecl' | 'stdcall';
}

export const WLT_SIZE = 1024;
export const PHOTO_WIDTH = 102;
export const PHOTO_HEIGHT = 126;
/** 102 × 126 × 3 */
export const RAW_PHOTO_SIZE = PHOTO_WIDTH * PHOTO_HEIGHT * 3;
/** Rows of 306 bytes padded to 308. */
export const BMP_ROW_SIZE = Math.ceil((PHOTO_WIDTH * 3) / 4) * 4;
/** 54-byte header + 126 rows × 308 = 38 862 */
export const BMP_PHOTO_SIZE = 54 + BMP_ROW_SIZE * PHOTO_HEIGHT;
/** Output buffers are this large because some decoders overrun a 38 862-byte buffer (WltRS.h). */
export const DECODER_OUTPUT_BUFFER = 64 * 1024;
/** Output buffers are pre-filled with this so "success but wrote nothing" is detectable. */
export const OUTPUT_SENTINEL = 0xcd;

/** Which ABI a well-known symbol name implies. */
export function inferWltAbi(symbol: string): WltAbi | null {
  if (symbol === 'unpack') return 'unpack-raw';
  if (symbol === 'Unpack') return 'bmp-length';
  if (symbol === 'GetBmp') return 'file';
  if (symbol === 'WltToBmp' || /dewlt$/i.test(symbol)) return 'bmp-buffer';
  return null;
}
