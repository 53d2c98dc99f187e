import { z } from 'zod';
import { ContractErrorShape } from './envelope';
import type { InvokeChannel } from './channels';

/**
 * The frames of the contract over the web host's WebSocket, declared once: the server validates
 * every incoming frame with ClientFrame, the browser client and the tests use the inferred types.
 */

/** A call id: the client's counter (numbers) or any short string; echoed back untouched. */
export const FrameId = z.union([z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER), z.string().max(64)]);
export type FrameId = z.infer<typeof FrameId>;

/** Page → main: one call. The payload is validated by the dispatcher with the channel's own schema. */
export const ClientFrame = z.strictObject({
  id: FrameId,
  channel: z.string().max(64),
  payload: z.unknown().optional(),
});
export type ClientFrame = z.infer<typeof ClientFrame>;

export const EnvelopeFrame = z.union([
  z.strictObject({ ok: z.literal(true), value: z.unknown() }),
  z.strictObject({ ok: z.literal(false), error: ContractErrorShape }),
]);

/** Main → page: the answer to one call (id null when the frame was too broken to carry one), or a pushed event. */
export const ServerFrame = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('result'), id: FrameId.nullable(), result: EnvelopeFrame }),
  z.strictObject({ type: z.literal('event'), event: z.string(), payload: z.unknown() }),
]);
export type ServerFrame = z.infer<typeof ServerFrame>;

/**
 * Size limits per channel, in bytes of the whole frame. Only verify.submit carries an image
 * (≤ 2 MB of JPEG, about 2.8 MB as base64); everything else is a few hundred bytes.
 */
export const MAX_SUBMIT_FRAME_BYTES = 3 * 1024 * 1024;
export const MAX_SMALL_FRAME_BYTES = 64 * 1024;
export function maxFrameBytes(channel: InvokeChannel | string): number {
  return channel === 'verify.submit' ? MAX_SUBMIT_FRAME_BYTES : MAX_SMALL_FRAME_BYTES;
}

/** Deepest nesting any contract frame needs (verify.submit: frame → payload → liveness → checks → check is 5). */
export const MAX_FRAME_DEPTH = 16;

/**
 * Whether JSON text nests deeper than `maxDepth`, in one linear pass over the bytes and without
 * parsing: run before JSON.parse so a megabyte of "[[[[…" costs a scan, not a parse plus a
 * recursive validation. Brackets inside strings do not count. Works on UTF-8 bytes because
 * every byte it looks at is ASCII and never part of a multi-byte sequence.
 */
export function nestingExceeds(bytes: Uint8Array, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (inString) {
      if (b === 0x5c) i++; // backslash: skip the escaped byte
      else if (b === 0x22) inString = false;
    } else if (b === 0x22) inString = true;
    else if (b === 0x7b || b === 0x5b) {
      if (++depth > maxDepth) return true;
    } else if (b === 0x7d || b === 0x5d) depth--;
  }
  return false;
}
