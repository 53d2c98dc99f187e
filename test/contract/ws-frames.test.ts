import { describe, expect, it } from 'vitest';
import { ClientFrame, EncodedImage, maxFrameBytes, nestingExceeds, ServerFrame, VerifySubmit } from '../../contract';

const bytes = (text: string) => Buffer.from(text, 'utf8');

describe('WebSocket frames', () => {
  it('accept a call only as a plain object with id, channel and optional payload', () => {
    expect(ClientFrame.safeParse({ id: 1, channel: 'system.info', payload: {} }).success).toBe(true);
    expect(ClientFrame.safeParse({ id: 'a', channel: 'system.info' }).success).toBe(true);
    for (const bad of [null, 42, 'x', [], { id: {}, channel: 'x' }, { id: 1 }, { id: 1, channel: 'x', more: 1 }, { id: -1, channel: 'x' }]) {
      expect(ClientFrame.safeParse(bad).success).toBe(false);
    }
  });

  it('describe both kinds of answer the host sends', () => {
    expect(ServerFrame.safeParse({ type: 'result', id: null, result: { ok: false, error: { code: 'validation', message: 'x' } } }).success).toBe(true);
    expect(ServerFrame.safeParse({ type: 'event', event: 'reader.card', payload: {} }).success).toBe(true);
    expect(ServerFrame.safeParse({ type: 'result', id: 1, result: { ok: 'yes' } }).success).toBe(false);
  });

  it('allow only verify.submit to be large', () => {
    expect(maxFrameBytes('verify.submit')).toBeGreaterThan(2.7 * 1024 * 1024); // 2 MB of JPEG as base64 and the record
    expect(maxFrameBytes('system.info')).toBeLessThanOrEqual(64 * 1024);
  });

  it('measure nesting without parsing, ignoring brackets inside strings and escapes', () => {
    expect(nestingExceeds(bytes('{"a":[{"b":[1]}]}'), 4)).toBe(false);
    expect(nestingExceeds(bytes('{"a":[{"b":[[1]]}]}'), 4)).toBe(true);
    expect(nestingExceeds(bytes('{"a":"[[[[[[[[[[\\"[[[["}'), 2)).toBe(false);
    expect(nestingExceeds(bytes('['.repeat(1_000_000)), 16)).toBe(true);
  });
});

describe('images in the contract', () => {
  const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]).toString('base64');
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).toString('base64');
  const record = { passed: true, challenge: null, checks: [], durationMs: 1 };

  it('take image/jpeg to mean JPEG bytes', () => {
    expect(VerifySubmit.safeParse({ cardId: 'c', challengeId: 'x', image: { mime: 'image/jpeg', base64: jpeg }, liveness: record }).success).toBe(true);
    const lying = VerifySubmit.safeParse({ cardId: 'c', challengeId: 'x', image: { mime: 'image/jpeg', base64: png }, liveness: record });
    expect(lying.success).toBe(false);
    expect(JSON.stringify(lying.error?.issues)).toMatch(/not the declared image type/);
  });

  it('check every declared type against its magic bytes', () => {
    expect(EncodedImage.safeParse({ mime: 'image/png', base64: png }).success).toBe(true);
    expect(EncodedImage.safeParse({ mime: 'image/bmp', base64: Buffer.from('BM....').toString('base64') }).success).toBe(true);
    expect(EncodedImage.safeParse({ mime: 'image/bmp', base64: jpeg }).success).toBe(false);
  });
});
