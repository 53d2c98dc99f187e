import { describe, expect, it } from 'vitest';
import { encodeReply } from '../../idcard/commands';
import { decodeFrame } from '../../idcard/frame';
import { expectSuccess, parseReplyBody } from '../../idcard/reply';
import { classifySw3, SamError, type StatusClass } from '../../idcard/status';

const cases: [number, StatusClass][] = [
  [0x90, 'ok'], [0x9f, 'ok'], [0x91, 'ok-empty'], [0x80, 'no-card'],
  [0x10, 'resend'], [0x11, 'resend'], [0x21, 'host-bug'], [0x23, 'host-bug'], [0x24, 'unknown'],
  [0x31, 'card-retry'], [0x32, 'card-retry'], [0x33, 'card-retry'], [0x41, 'card-retry'], [0x47, 'card-retry'], [0x81, 'card-retry'],
  [0x40, 'not-id-card'], [0x60, 'sam-fatal'], [0x66, 'sam-fatal'], [0x77, 'unknown'],
];

describe('SW3 status classes', () => {
  it.each(cases)('SW3 %i is %s', (sw3, cls) => {
    expect(classifySw3(sw3)).toBe(cls);
    const reply = parseReplyBody(decodeFrame(encodeReply(sw3, undefined, 0x12, 0x34)));
    if (cls === 'ok' || cls === 'ok-empty') {
      expect(expectSuccess(reply).sw3).toBe(sw3);
    } else {
      let caught: unknown;
      try {
        expectSuccess(reply, 'read-base');
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(SamError);
      const e = caught as SamError;
      expect([e.code, e.sw1, e.sw2, e.sw3, e.statusClass]).toEqual(['status', 0x12, 0x34, sw3, cls]);
      expect(e.message).toMatch(/^read-base: SAM status 12 34 [0-9A-F]{2}: /);
    }
  });
});
