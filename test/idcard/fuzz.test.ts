import { describe, expect, it } from 'vitest';
import { parseCardText } from '../../idcard/card';
import { encodeReply } from '../../idcard/commands';
import { IdCardError } from '../../idcard/errors';
import { decodeFrame, FrameDecoder } from '../../idcard/frame';
import { decodeReadReplyFrame, parseReplyBody } from '../../idcard/reply';
import { buildCardText, sampleCards, syntheticWlt } from '../../idcard/synthetic';

/** xorshift32: fast and reproducible, so a failure can be replayed from its seed. */
function rng(seed: number) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>>= 0);
  };
}

const FRAMES = 1_000_000;

describe('decoder fuzz', () => {
  it(`survives ${FRAMES.toLocaleString('en')} random and mutated frames with only typed errors`, () => {
    const next = rng(0xc0ffee);
    const readReply = (() => {
      const text = buildCardText(sampleCards.resident);
      const photo = syntheticWlt();
      const data = new Uint8Array(4 + 256 + 1024);
      data.set([1, 0, 4, 0], 0);
      data.set(text, 4);
      data.set(photo, 260);
      return encodeReply(0x90, data);
    })();
    const smallReplies = [encodeReply(0x90), encodeReply(0x9f, new Uint8Array(4)), encodeReply(0x80), encodeReply(0x90, new Uint8Array(8).fill(7))];
    const stream = new FrameDecoder();
    const outcomes = { ok: 0, typed: {} as Record<string, number>, streamFrames: 0, parsedCards: 0 };
    const typed = (e: unknown) => {
      if (!(e instanceof IdCardError)) throw e;
      outcomes.typed[e.code] = (outcomes.typed[e.code] ?? 0) + 1;
    };

    for (let i = 0; i < FRAMES; i++) {
      const r = next();
      let frame: Uint8Array;
      const big = r % 64 === 0;
      const base = big ? readReply : smallReplies[r % smallReplies.length]!;
      switch ((r >>> 8) % 8) {
        case 0: // pure noise, sometimes with a preamble in front
          frame = new Uint8Array((r >>> 12) % 40);
          for (let j = 0; j < frame.length; j++) frame[j] = next();
          if (r & 0x10000 && frame.length > 7) frame.set([0xaa, 0xaa, 0xaa, 0x96, 0x69], 0);
          break;
        case 1: // valid
          frame = base;
          break;
        case 2: // truncated
          frame = base.subarray(0, (r >>> 12) % base.length);
          break;
        case 3: // LEN rewritten
          frame = base.slice();
          frame[5] = next();
          frame[6] = next();
          break;
        default: {
          // 1-4 random byte flips anywhere (header, status, lengths, text, checksum)
          frame = base.slice();
          const flips = 1 + ((r >>> 12) & 3);
          for (let k = 0; k < flips; k++) {
            const at = next() % frame.length;
            frame[at] = frame[at]! ^ (1 + (next() % 255));
          }
        }
      }
      try {
        if (big) {
          const raw = decodeReadReplyFrame(frame);
          parseCardText(raw.text);
          outcomes.parsedCards++;
        } else {
          parseReplyBody(decodeFrame(frame));
        }
        outcomes.ok++;
      } catch (e) {
        typed(e);
      }
      // The same bytes through the streaming decoder, with 0-7 bytes of junk in front.
      const junk = (r >>> 20) & 7;
      if (junk) stream.push(new Uint8Array(junk).fill(0x5a));
      for (const ev of stream.push(frame)) if (ev.kind === 'frame') outcomes.streamFrames++;
    }
    // After all that, a clean frame still comes out (possibly once a half-frame is flushed).
    stream.reset();
    expect(stream.push(encodeReply(0x90)).filter((e) => e.kind === 'frame')).toHaveLength(1);
    expect(outcomes.ok + Object.values(outcomes.typed).reduce((a, b) => a + b, 0)).toBe(FRAMES);
    for (const code of ['checksum', 'length', 'truncated', 'preamble', 'text']) expect(outcomes.typed[code], code).toBeGreaterThan(0);
    expect(outcomes.parsedCards).toBeGreaterThan(100);
    // Valid frames are 1/8 of the input; a truncated frame may hide a few that follow it.
    expect(outcomes.streamFrames).toBeGreaterThan(FRAMES / 10);
  }, 120_000);
});
