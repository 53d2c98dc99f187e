import { IdCardError } from './errors';
import { decodeFrame } from './frame';
import { classifySw3, isSuccessClass, SamError } from './status';

export interface SamReply {
  sw1: number;
  sw2: number;
  sw3: number;
  data: Uint8Array;
}

export const TEXT_BYTES = 256;
export const PHOTO_BYTES = 1024;
export const FINGERPRINT_BYTES = 1024;
/** "WL" + width 102 + height 126, the header every chip photo starts with. */
export const WLT_MAGIC = Uint8Array.of(0x57, 0x4c, 0x66, 0x00, 0x7e, 0x00);

export function parseReplyBody(body: Uint8Array): SamReply {
  if (body.length < 3) throw new IdCardError('truncated', `a SAM reply needs SW1 SW2 SW3; got ${body.length} bytes`);
  return { sw1: body[0]!, sw2: body[1]!, sw3: body[2]!, data: body.subarray(3) };
}

/** Throw SamError unless the reply's SW3 is a success (90, 91, 9F). */
export function expectSuccess(reply: SamReply, command?: string): SamReply {
  if (!isSuccessClass(classifySw3(reply.sw3))) throw new SamError(reply.sw1, reply.sw2, reply.sw3, command);
  return reply;
}

/** The raw card record of a 30 01 / 30 10 reply: text block, WLT photo, optional fingerprints. */
export interface RawCard {
  text: Uint8Array;
  photo: Uint8Array;
  fingerprints: Uint8Array | null;
}

/**
 * Parse the data of a successful read: textLen, photoLen (and fpLen when `withFingerprints`),
 * u16 BE each, then the blocks. Lengths must agree with the bytes present.
 */
export function parseReadData(data: Uint8Array, withFingerprints: boolean): RawCard {
  const headerBytes = withFingerprints ? 6 : 4;
  if (data.length < headerBytes) throw new IdCardError('truncated', `read reply has ${data.length} data bytes; the length header alone needs ${headerBytes}`);
  const textLen = (data[0]! << 8) | data[1]!;
  const photoLen = (data[2]! << 8) | data[3]!;
  const fpLen = withFingerprints ? (data[4]! << 8) | data[5]! : 0;
  if (textLen !== TEXT_BYTES) throw new IdCardError('reply', `text block length is ${textLen}; ID cards carry ${TEXT_BYTES}`);
  if (photoLen > PHOTO_BYTES) throw new IdCardError('reply', `photo length is ${photoLen}; the chip holds at most ${PHOTO_BYTES}`);
  if (fpLen > FINGERPRINT_BYTES) throw new IdCardError('reply', `fingerprint length is ${fpLen}; the chip holds at most ${FINGERPRINT_BYTES}`);
  const expected = headerBytes + textLen + photoLen + fpLen;
  if (data.length < expected) throw new IdCardError('truncated', `read reply declares ${expected} data bytes but carries ${data.length}`);
  if (data.length > expected) throw new IdCardError('length', `read reply carries ${data.length - expected} bytes beyond its declared blocks`);
  let at = headerBytes;
  const text = data.slice(at, (at += textLen));
  const photo = data.slice(at, (at += photoLen));
  const fingerprints = withFingerprints && fpLen > 0 ? data.slice(at, at + fpLen) : null;
  return { text, photo, fingerprints };
}

/**
 * Decode one complete reply frame to 30 01 or 30 10 (as saved by a capture tool). Whether it
 * carries fingerprints is inferred from the data length, since the frame does not say which
 * command it answered.
 */
export function decodeReadReplyFrame(frame: Uint8Array): RawCard & { withFingerprints: boolean } {
  return decodeReadReplyBody(decodeFrame(frame));
}

/** The same, for a frame body already taken out of its frame (e.g. by findFirstFrame). */
export function decodeReadReplyBody(body: Uint8Array): RawCard & { withFingerprints: boolean } {
  const reply = expectSuccess(parseReplyBody(body), 'read');
  const d = reply.data;
  // With fingerprints the header is 6 bytes and textLen+photoLen+fpLen matches the rest.
  if (d.length >= 6) {
    const sum = ((d[0]! << 8) | d[1]!) + ((d[2]! << 8) | d[3]!) + ((d[4]! << 8) | d[5]!);
    const sum4 = ((d[0]! << 8) | d[1]!) + ((d[2]! << 8) | d[3]!);
    if (6 + sum === d.length && 4 + sum4 !== d.length) return { ...parseReadData(d, true), withFingerprints: true };
  }
  return { ...parseReadData(d, false), withFingerprints: false };
}

/** Count fingerprint templates (512 bytes each; an all-zero template is an empty slot). */
export function countFingerprints(fp: Uint8Array | null): number {
  if (!fp) return 0;
  let count = 0;
  for (let at = 0; at + 512 <= fp.length; at += 512) {
    if (fp.subarray(at, at + 512).some((b) => b !== 0)) count++;
  }
  return count;
}

export function hasWltMagic(photo: Uint8Array): boolean {
  return photo.length >= WLT_MAGIC.length && WLT_MAGIC.every((b, i) => photo[i] === b);
}

/**
 * SAM ID (12 FF) display string: u16 LE, u16 LE, then three u32 LE, formatted as vendors show it
 * ("05.01-20090101-0012345678-0123456789"); used only for display and logs.
 */
export function formatSamId(data: Uint8Array): string {
  if (data.length < 16) throw new IdCardError('truncated', `SAM ID needs 16 bytes; got ${data.length}`);
  const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(v.getUint16(0, true))}.${two(v.getUint16(2, true))}-${v.getUint32(4, true)}-${String(v.getUint32(8, true)).padStart(10, '0')}-${String(v.getUint32(12, true)).padStart(10, '0')}`;
}
