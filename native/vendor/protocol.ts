import type { SerializedVendorError } from './errors';
import type { WltAbi } from '../wlt/types';

/*
 * Messages between the kiosk and the vendor-code child (native/vendor/child.ts), sent over the
 * fork IPC channel with `serialization: 'advanced'` or an Electron utility process's parentPort
 * (structured clone): both carry byte arrays without base64. Each child hosts one session (one
 * library); every call has an id and exactly one reply; 'shutdown' asks the child to close the
 * device and leave (a utility process has no IPC channel to disconnect).
 */

export type CallingConvention = 'cdecl' | 'stdcall';

/** Tells the child which directory it may delete when the kiosk vanishes without cleaning up. */
export const WORKDIR_ENV = 'RENZHENG_VENDOR_WORKDIR';

export interface WltSession {
  kind: 'wlt';
  library: string;
  symbol: string;
  abi: WltAbi;
  vendorCode: number;
  fileInterface: number;
  callingConvention: CallingConvention;
}

/** A termb/sdtapi-style SDK (SDT_OpenPort … SDT_ReadBaseMsg); see native/vendor/sdtapi.ts. */
export interface SdtSession {
  kind: 'sdt';
  library: string;
  /** 1–16 = COM ports, 1001–1016 = USB, as the SDK numbers them. */
  port: number;
  callingConvention: CallingConvention;
  /** Use SDT_ReadBaseFPMsg when the library has it. */
  fingerprints: boolean;
}

export type ChildSession = WltSession | SdtSession;

export type CallOp =
  | { op: 'decode'; wlt: Uint8Array }
  | { op: 'open' }
  | { op: 'read' }
  | { op: 'close' };

export type ParentMessage = { type: 'init'; session: ChildSession } | ({ type: 'call'; id: number } & CallOp) | { type: 'shutdown' };

export interface DecodeOutput {
  /** raw = 102×126×3 pixels without header (unpack-raw); bmp = a BMP of unknown trailing size. */
  format: 'raw' | 'bmp';
  bytes: Uint8Array;
}

export interface RawCard {
  text: Uint8Array;
  wlt: Uint8Array;
  fingerprints: Uint8Array | null;
}

export type ChildMessage =
  | { type: 'ready' }
  | { type: 'init-result'; ok: true }
  | { type: 'init-result'; ok: false; error: SerializedVendorError }
  | { type: 'result'; id: number; ok: true; value: unknown }
  | { type: 'result'; id: number; ok: false; error: SerializedVendorError };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isError = (v: unknown): v is SerializedVendorError => isObject(v) && typeof v.code === 'string' && typeof v.message === 'string';

export function isChildMessage(v: unknown): v is ChildMessage {
  if (!isObject(v)) return false;
  if (v.type === 'ready') return true;
  if (v.type === 'init-result') return v.ok === true || (v.ok === false && isError(v.error));
  if (v.type === 'result' && typeof v.id === 'number') return v.ok === true || (v.ok === false && isError(v.error));
  return false;
}

function isSession(v: unknown): v is ChildSession {
  if (!isObject(v) || typeof v.library !== 'string' || (v.callingConvention !== 'cdecl' && v.callingConvention !== 'stdcall')) return false;
  if (v.kind === 'wlt') {
    return (
      typeof v.symbol === 'string' &&
      ['unpack-raw', 'bmp-length', 'bmp-buffer', 'file'].includes(v.abi as string) &&
      Number.isInteger(v.vendorCode) &&
      Number.isInteger(v.fileInterface)
    );
  }
  return v.kind === 'sdt' && Number.isInteger(v.port) && typeof v.fingerprints === 'boolean';
}

export function isParentMessage(v: unknown): v is ParentMessage {
  if (!isObject(v)) return false;
  if (v.type === 'init') return isSession(v.session);
  if (v.type === 'shutdown') return true;
  if (v.type !== 'call' || !Number.isInteger(v.id)) return false;
  if (v.op === 'decode') return v.wlt instanceof Uint8Array;
  return v.op === 'open' || v.op === 'read' || v.op === 'close';
}

export function isDecodeOutput(v: unknown): v is DecodeOutput {
  return isObject(v) && (v.format === 'raw' || v.format === 'bmp') && v.bytes instanceof Uint8Array;
}

export function isReadResult(v: unknown): v is { card: RawCard | null } {
  if (!isObject(v)) return false;
  if (v.card === null) return true;
  const card = v.card;
  return (
    isObject(card) &&
    card.text instanceof Uint8Array &&
    card.wlt instanceof Uint8Array &&
    (card.fingerprints === null || card.fingerprints instanceof Uint8Array)
  );
}
