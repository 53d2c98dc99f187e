import { describe, expect, it } from 'vitest';
import { OneTimeCodes } from '../../../main/web/one-time-codes';

describe('one-time opening codes', () => {
  function book() {
    let clock = 0;
    let n = 0;
    const codes = new OneTimeCodes({ ttlMs: 1000, now: () => clock, random: () => `code-${++n}` });
    return { codes, advance: (ms: number) => void (clock += ms) };
  }

  it('open the kiosk exactly once', () => {
    const { codes } = book();
    const code = codes.issue();
    expect(codes.redeem(code)).toBe(true);
    expect(codes.redeem(code)).toBe(false);
    expect(codes.redeem('never-issued')).toBe(false);
  });

  it('expire unused after their time', () => {
    const { codes, advance } = book();
    const late = codes.issue();
    const onTime = codes.issue();
    advance(999);
    expect(codes.redeem(onTime)).toBe(true);
    advance(2);
    expect(codes.redeem(late)).toBe(false);
  });
});
