import { describe, expect, it } from 'vitest';
import { Commands, encodeCommand, encodeReply, setBaudCommand } from '../../idcard/commands';
import { formatSamId } from '../../idcard/reply';
import { decodeFrame, encodeFrame, FrameDecoder, type DecodeEvent } from '../../idcard/frame';
import { IdCardError } from '../../idcard/errors';

const hexOf = (b: Uint8Array) => Buffer.from(b).toString('hex').toUpperCase().match(/../g)!.join(' ');
const bytes = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const frames = (events: DecodeEvent[]) => events.filter((e) => e.kind === 'frame').map((e) => hexOf((e as { body: Uint8Array }).body));

describe('SAM frame encoder', () => {
  it('builds the published command frames byte for byte', () => {
    expect(hexOf(encodeCommand(Commands.findCard))).toBe('AA AA AA 96 69 00 03 20 01 22');
    expect(hexOf(encodeCommand(Commands.selectCard))).toBe('AA AA AA 96 69 00 03 20 02 21');
    expect(hexOf(encodeCommand(Commands.readBase))).toBe('AA AA AA 96 69 00 03 30 01 32');
    expect(hexOf(encodeCommand(Commands.readBaseFingerprints))).toBe('AA AA AA 96 69 00 03 30 10 23');
    expect(hexOf(encodeCommand(Commands.resetSam))).toBe('AA AA AA 96 69 00 03 10 FF EC');
    expect(hexOf(encodeCommand(Commands.samStatus))).toBe('AA AA AA 96 69 00 03 11 FF ED');
    expect(hexOf(encodeCommand(Commands.samId))).toBe('AA AA AA 96 69 00 03 12 FF EE');
    expect(hexOf(encodeCommand(Commands.readAddress))).toBe('AA AA AA 96 69 00 03 30 03 30');
    expect(hexOf(encodeCommand(Commands.setMaxRfByte))).toBe('AA AA AA 96 69 00 04 61 FF 50 CA');
    expect(hexOf(encodeCommand(setBaudCommand(115200)))).toBe('AA AA AA 96 69 00 03 60 00 63');
    expect(hexOf(encodeCommand(setBaudCommand(9600)))).toBe('AA AA AA 96 69 00 03 60 04 67');
  });

  it('formats the 16-byte SAM ID as vendors display it', () => {
    const id = Uint8Array.of(0x05, 0x00, 0x01, 0x00, 0x15, 0x8f, 0x32, 0x01, 0x4e, 0x61, 0xbc, 0x00, 0x39, 0x30, 0x00, 0x00);
    expect(formatSamId(id)).toBe('05.01-20090645-0012345678-0000012345');
    expect(() => formatSamId(id.subarray(0, 15))).toThrow(/16 bytes/);
  });

  it('builds replies with LEN covering status, data and checksum', () => {
    expect(hexOf(encodeReply(0x90))).toBe('AA AA AA 96 69 00 04 00 00 90 94');
    expect(hexOf(encodeReply(0x80))).toBe('AA AA AA 96 69 00 04 00 00 80 84');
    expect(hexOf(encodeReply(0x9f, new Uint8Array(4)))).toBe('AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97');
  });

  it('round-trips bodies of every size up to the largest reply', () => {
    for (const size of [2, 3, 100, 1288, 2313, 4095]) {
      const body = Uint8Array.from({ length: size }, (_, i) => (i * 31 + size) & 0xff);
      expect(decodeFrame(encodeFrame(body))).toEqual(body);
    }
  });

  it('refuses bodies that no frame can carry', () => {
    expect(() => encodeFrame(new Uint8Array(1))).toThrow(IdCardError);
    expect(() => encodeFrame(new Uint8Array(4096))).toThrow(/outside/);
  });
});

describe('strict single-frame decode', () => {
  const good = encodeReply(0x90, Uint8Array.of(1, 2, 3));
  const codeOf = (input: Uint8Array) => {
    try {
      decodeFrame(input);
      return 'ok';
    } catch (error) {
      return (error as IdCardError).code;
    }
  };
  it('names each fault', () => {
    expect(codeOf(good)).toBe('ok');
    expect(codeOf(Uint8Array.of(0x00, ...good))).toBe('preamble');
    expect(codeOf(good.subarray(0, good.length - 1))).toBe('truncated');
    expect(codeOf(good.subarray(0, 4))).toBe('truncated');
    expect(codeOf(Uint8Array.of(...good, 0))).toBe('length');
    const badSum = good.slice();
    badSum[badSum.length - 1]! ^= 1;
    expect(codeOf(badSum)).toBe('checksum');
    expect(codeOf(bytes('AAAAAA9669 0002 00 02'))).toBe('length');
    expect(codeOf(bytes('AAAAAA9669 FFFF 00'))).toBe('length');
  });
});

describe('streaming frame decoder', () => {
  const a = encodeReply(0x90, Uint8Array.of(0xaa, 0xaa, 0xaa, 0x96, 0x69)); // data that looks like a preamble
  const b = encodeReply(0x9f, new Uint8Array(4));

  it('delivers frames split at every byte boundary', () => {
    const stream = Uint8Array.of(...a, ...b);
    for (let cut = 1; cut < stream.length; cut++) {
      const d = new FrameDecoder();
      const got = [...frames(d.push(stream.subarray(0, cut))), ...frames(d.push(stream.subarray(cut)))];
      expect(got).toEqual(['00 00 90 AA AA AA 96 69', '00 00 9F 00 00 00 00']);
      expect(d.pending).toBe(0);
    }
  });

  it('skips garbage before the preamble, including a partial preamble', () => {
    const d = new FrameDecoder();
    const events = d.push(Uint8Array.of(0x01, 0xaa, 0xaa, 0x55, 0xaa, 0xaa, ...a));
    expect(frames(events)).toEqual(['00 00 90 AA AA AA 96 69']);
    expect(events.find((e) => e.kind === 'discarded')).toEqual({ kind: 'discarded', bytes: 6 });
  });

  it('rejects an impossible LEN and finds the next real frame', () => {
    const d = new FrameDecoder();
    const events = d.push(Uint8Array.of(...bytes('AAAAAA9669 0001'), ...b));
    expect(events.some((e) => e.kind === 'error' && e.error.code === 'length')).toBe(true);
    expect(frames(events)).toEqual(['00 00 9F 00 00 00 00']);
  });

  it('recovers a real frame swallowed by a bogus but plausible LEN once the checksum fails', () => {
    const d = new FrameDecoder();
    // A stray preamble claiming 20 bytes, immediately followed by a real frame.
    const events = d.push(Uint8Array.of(...bytes('AAAAAA9669 0014'), ...b, ...new Uint8Array(10)));
    expect(events.some((e) => e.kind === 'error' && e.error.code === 'checksum')).toBe(true);
    expect(frames(events)).toEqual(['00 00 9F 00 00 00 00']);
  });

  it('reports a bad checksum and keeps decoding after it', () => {
    const bad = a.slice();
    bad[bad.length - 1]! ^= 0x40;
    const d = new FrameDecoder();
    const events = d.push(Uint8Array.of(...bad, ...b));
    expect(events.filter((e) => e.kind === 'error').map((e) => (e as { error: IdCardError }).error.code)).toContain('checksum');
    expect(frames(events)).toEqual(['00 00 9F 00 00 00 00']);
  });

  it('forgets a half frame on reset', () => {
    const d = new FrameDecoder();
    d.push(a.subarray(0, 8));
    expect(d.pending).toBe(8);
    d.reset();
    expect(frames(d.push(b))).toEqual(['00 00 9F 00 00 00 00']);
  });
});
