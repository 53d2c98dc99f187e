import { IdCardError } from './errors';

/**
 * GA/T 467 SAM frame: AA AA AA 96 69 | LEN (u16 BE) | body | CHK.
 * LEN counts body + CHK; CHK is the XOR of LEN-high through the last body byte.
 * Host→SAM bodies are CMD PARA DATA…; SAM→host bodies are SW1 SW2 SW3 DATA….
 */
export const PREAMBLE = Uint8Array.of(0xaa, 0xaa, 0xaa, 0x96, 0x69);
export const HEADER_BYTES = 7; // preamble + LEN
/** Smallest LEN: a host command is CMD PARA CHK. */
export const MIN_LEN = 3;
/** Largest LEN we accept; the biggest real reply (30 10 with fingerprints) has LEN 2314. */
export const MAX_LEN = 4096;

export function xorChecksum(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let x = 0;
  for (let i = start; i < end; i++) x ^= bytes[i]!;
  return x;
}

/** Wrap a body (CMD PARA DATA… or SW1 SW2 SW3 DATA…) in a complete frame. */
export function encodeFrame(body: Uint8Array): Uint8Array {
  const len = body.length + 1;
  if (len < MIN_LEN || len > MAX_LEN) throw new IdCardError('length', `frame body of ${body.length} bytes is outside ${MIN_LEN - 1}..${MAX_LEN - 1}`);
  const frame = new Uint8Array(HEADER_BYTES + len);
  frame.set(PREAMBLE, 0);
  frame[5] = len >> 8;
  frame[6] = len & 0xff;
  frame.set(body, HEADER_BYTES);
  frame[frame.length - 1] = xorChecksum(frame, 5, frame.length - 1);
  return frame;
}

/**
 * Strictly decode exactly one frame (a file, a captured reply). Errors name the fault:
 * preamble, length (LEN impossible or trailing bytes), truncated, checksum.
 */
export function decodeFrame(bytes: Uint8Array): Uint8Array {
  if (bytes.length < HEADER_BYTES) {
    const prefix = bytes.subarray(0, Math.min(bytes.length, PREAMBLE.length));
    if (!prefix.every((b, i) => b === PREAMBLE[i])) throw new IdCardError('preamble', 'the bytes do not start with the SAM preamble AA AA AA 96 69');
    throw new IdCardError('truncated', `only ${bytes.length} bytes; a SAM frame needs at least ${HEADER_BYTES + MIN_LEN}`);
  }
  for (let i = 0; i < PREAMBLE.length; i++) {
    if (bytes[i] !== PREAMBLE[i]) throw new IdCardError('preamble', 'the bytes do not start with the SAM preamble AA AA AA 96 69');
  }
  const len = (bytes[5]! << 8) | bytes[6]!;
  if (len < MIN_LEN || len > MAX_LEN) throw new IdCardError('length', `LEN field is ${len}; a SAM frame has ${MIN_LEN}..${MAX_LEN}`);
  const total = HEADER_BYTES + len;
  if (bytes.length < total) throw new IdCardError('truncated', `LEN says ${total} bytes but only ${bytes.length} are present`);
  if (bytes.length > total) throw new IdCardError('length', `${bytes.length - total} bytes follow the end of the frame (LEN says ${total} bytes)`);
  const expected = xorChecksum(bytes, 5, total - 1);
  if (bytes[total - 1] !== expected) {
    throw new IdCardError('checksum', `checksum byte is 0x${hex(bytes[total - 1]!)}, expected 0x${hex(expected)}`);
  }
  return bytes.slice(HEADER_BYTES, total - 1);
}

/**
 * The first whole frame in a saved capture that may start with line noise, the way the driver's
 * stream decoder resyncs: each preamble in turn is tried with decodeFrame until one holds a valid
 * frame. Says how many bytes were skipped before it and left after it. When none is valid, the
 * first candidate's fault is thrown (or `preamble` when there is no preamble at all).
 */
export function findFirstFrame(bytes: Uint8Array): { body: Uint8Array; skipped: number; trailing: number } {
  let firstFault: IdCardError | null = null;
  for (let at = indexOfPreamble(bytes, 0); at >= 0; at = indexOfPreamble(bytes, at + 1)) {
    const len = bytes.length >= at + HEADER_BYTES ? (bytes[at + 5]! << 8) | bytes[at + 6]! : 0;
    const end = len >= MIN_LEN && len <= MAX_LEN ? Math.min(bytes.length, at + HEADER_BYTES + len) : bytes.length;
    try {
      return { body: decodeFrame(bytes.subarray(at, end)), skipped: at, trailing: bytes.length - end };
    } catch (error) {
      if (!(error instanceof IdCardError)) throw error;
      firstFault ??= error;
    }
  }
  throw firstFault ?? new IdCardError('preamble', `no SAM preamble AA AA AA 96 69 in ${bytes.length} bytes`);
}

function indexOfPreamble(bytes: Uint8Array, from: number): number {
  for (let i = from; i + PREAMBLE.length <= bytes.length; i++) {
    if (PREAMBLE.every((b, j) => bytes[i + j] === b)) return i;
  }
  return -1;
}

export type DecodeEvent =
  | { kind: 'frame'; body: Uint8Array }
  /** A candidate frame was dropped; scanning resumed one byte after its preamble. */
  | { kind: 'error'; error: IdCardError }
  /** Bytes before a preamble were skipped (line noise, HID padding). */
  | { kind: 'discarded'; bytes: number };

/**
 * Streaming decoder: feed chunks in any fragmentation, get frames out. It resyncs after garbage,
 * impossible LEN values and bad checksums by rescanning from one byte after the rejected preamble,
 * so a real frame swallowed by a bogus LEN is still found once the bogus one fails its checksum.
 * A LEN that is plausible but never satisfied waits for bytes: the caller's timeout calls reset().
 */
export class FrameDecoder {
  private buf = new Uint8Array(512);
  private start = 0;
  private end = 0;

  constructor(private readonly limits: { maxLen?: number } = {}) {}

  /** Bytes held waiting for the rest of a frame. */
  get pending(): number {
    return this.end - this.start;
  }

  reset(): void {
    this.start = 0;
    this.end = 0;
  }

  push(chunk: Uint8Array): DecodeEvent[] {
    const events: DecodeEvent[] = [];
    this.append(chunk);
    this.drain(events);
    return events;
  }

  private append(chunk: Uint8Array): void {
    const held = this.end - this.start;
    if (this.end + chunk.length > this.buf.length) {
      if (held + chunk.length <= this.buf.length && this.start > 0) {
        this.buf.copyWithin(0, this.start, this.end);
      } else {
        const grown = new Uint8Array(Math.max(this.buf.length * 2, held + chunk.length));
        grown.set(this.buf.subarray(this.start, this.end));
        this.buf = grown;
      }
      this.start = 0;
      this.end = held;
    }
    this.buf.set(chunk, this.end);
    this.end += chunk.length;
  }

  private drain(events: DecodeEvent[]): void {
    const maxLen = this.limits.maxLen ?? MAX_LEN;
    const buf = this.buf;
    for (;;) {
      const at = this.findPreamble();
      if (at < 0) {
        // Keep a tail that may be the start of a preamble split across chunks.
        const keep = this.partialPreambleTail();
        const dropped = this.end - this.start - keep;
        if (dropped > 0) events.push({ kind: 'discarded', bytes: dropped });
        this.start = this.end - keep;
        if (this.start === this.end) this.start = this.end = 0;
        return;
      }
      if (at > this.start) {
        events.push({ kind: 'discarded', bytes: at - this.start });
        this.start = at;
      }
      if (this.end - at < HEADER_BYTES) return;
      const len = (buf[at + 5]! << 8) | buf[at + 6]!;
      if (len < MIN_LEN || len > maxLen) {
        events.push({ kind: 'error', error: new IdCardError('length', `LEN field ${len} is outside ${MIN_LEN}..${maxLen}; resyncing`) });
        this.start = at + 1;
        continue;
      }
      const total = HEADER_BYTES + len;
      if (this.end - at < total) return;
      const last = at + total - 1;
      let x = 0;
      for (let i = at + 5; i < last; i++) x ^= buf[i]!;
      if (x !== buf[last]) {
        events.push({ kind: 'error', error: new IdCardError('checksum', `checksum byte is 0x${hex(buf[last]!)}, expected 0x${hex(x)}; resyncing`) });
        this.start = at + 1;
        continue;
      }
      events.push({ kind: 'frame', body: buf.slice(at + HEADER_BYTES, last) });
      this.start = at + total;
    }
  }

  private findPreamble(): number {
    const buf = this.buf;
    const stop = this.end - PREAMBLE.length;
    for (let i = this.start; i <= stop; i++) {
      if (buf[i] === 0xaa && buf[i + 1] === 0xaa && buf[i + 2] === 0xaa && buf[i + 3] === 0x96 && buf[i + 4] === 0x69) return i;
    }
    return -1;
  }

  /** Length of the longest suffix that is a proper prefix of the preamble. */
  private partialPreambleTail(): number {
    for (let keep = Math.min(PREAMBLE.length - 1, this.end - this.start); keep > 0; keep--) {
      let match = true;
      for (let j = 0; j < keep; j++) {
        if (this.buf[this.end - keep + j] !== PREAMBLE[j]) {
          match = false;
          break;
        }
      }
      if (match) return keep;
    }
    return 0;
  }
}

export function hex(byte: number): string {
  return byte.toString(16).toUpperCase().padStart(2, '0');
}
