import { describe, expect, it } from 'vitest';
import { cookieValue, sameOrigin, sessionCookie } from '../../../server/console/http-rules';
import { generatePassword, hashPassword, passwordProblem, verifyPassword } from '../../../server/console/passwords';
import { recordsCsv, safeMask } from '../../../server/console/service';
import { dailyStats, dayOf, median, windowStart } from '../../../server/console/stats';
import { can } from '../../../server/console/types';

describe('console rules', () => {
  it('accepts an Origin only when it names this service whole, never by prefix', () => {
    expect(sameOrigin('http://127.0.0.1:8040', '127.0.0.1:8040', 'http://127.0.0.1:8040')).toBe(true);
    expect(sameOrigin('https://kyc.bank.example', '10.0.0.5:8040', 'https://kyc.bank.example')).toBe(true);
    expect(sameOrigin('https://kyc.bank.example.evil.example', '10.0.0.5:8040', 'https://kyc.bank.example')).toBe(false);
    expect(sameOrigin('http://127.0.0.1:9999', '127.0.0.1:8040', 'http://127.0.0.1:8040')).toBe(false);
    expect(sameOrigin(undefined, '127.0.0.1:8040', 'http://127.0.0.1:8040')).toBe(false);
    expect(sameOrigin('null', '127.0.0.1:8040', 'http://127.0.0.1:8040')).toBe(false);
  });

  it('reads the session cookie and writes it HttpOnly, SameSite=Strict, scoped to /console', () => {
    expect(cookieValue('a=1; rz_console=abc; b=2', 'rz_console')).toBe('abc');
    expect(cookieValue('rz_console_x=1', 'rz_console')).toBeUndefined();
    const cookie = sessionCookie('v', { secure: true, maxAgeSeconds: 60 });
    expect(cookie).toBe('rz_console=v; Path=/console; HttpOnly; SameSite=Strict; Max-Age=60; Secure');
  });

  it('hashes passwords with scrypt and a salt each, and refuses weak new ones', async () => {
    const a = await hashPassword('correct horse battery 42');
    const b = await hashPassword('correct horse battery 42');
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse battery 42', a)).toBe(true);
    expect(await verifyPassword('correct horse battery 43', a)).toBe(false);
    expect(passwordProblem('short', 'li')).toContain('12');
    expect(passwordProblem('li-is-my-name-here', 'li')).toContain('user name');
    expect(generatePassword(() => Buffer.alloc(16, 0))).toBe('A'.repeat(16));
  });

  it('gives each role only what it needs', () => {
    expect(can('reviewer', 'keys')).toBe(false);
    expect(can('reviewer', 'records.images')).toBe(true);
    expect(can('auditor', 'records.images')).toBe(false);
    expect(can('auditor', 'access-log')).toBe(true);
    expect(can('admin', 'delete')).toBe(true);
  });

  it('writes CSV with masked numbers and defused formulas', () => {
    const csv = recordsCsv([
      { biz: 'B', ticketId: '=cmd|calc', status: 1, similarityScore: 91.5, auditConclusions: 'a, "b"', idMasked: '110105********002X', source: 'api', createdAt: new Date(0), submittedAt: null, hasMaterials: true },
    ]);
    expect(csv.split('\r\n')[1]).toBe(`B,'=cmd|calc,1,91.5,110105********002X,api,1970-01-01T00:00:00.000Z,,"a, ""b"""`);
    expect(safeMask('11010519491231002x')).toBe('110105********002X');
    expect(safeMask('110105********002X')).toBe('110105********002X');
  });

  it('counts per day in China time, with every day of the window present', () => {
    const now = new Date('2026-12-01T03:00:00Z'); // 11:00 in Beijing
    expect(dayOf(new Date('2026-11-30T17:00:00Z'), 480)).toBe('2026-12-01');
    expect(windowStart(now, 7, 480).toISOString()).toBe('2026-11-24T16:00:00.000Z');
    const stats = dailyStats(
      [
        { biz: 'A', status: 1, score: 90, at: new Date('2026-11-30T17:00:00Z') },
        { biz: 'A', status: 2, score: 20, at: new Date('2026-12-01T01:00:00Z') },
        { biz: 'B', status: 0, score: null, at: new Date('2026-11-29T05:00:00Z') },
        { biz: 'A', status: 1, score: 99, at: new Date('2026-11-01T00:00:00Z') }, // outside the window
      ],
      { now, days: 7, offsetMinutes: 480 },
    );
    expect(stats.days).toEqual(['2026-11-25', '2026-11-26', '2026-11-27', '2026-11-28', '2026-11-29', '2026-11-30', '2026-12-01']);
    expect(stats.rows.filter((r) => r.biz === '*')).toHaveLength(7);
    expect(stats.rows.find((r) => r.day === '2026-12-01' && r.biz === 'A')).toMatchObject({ verifications: 2, pass: 1, fail: 1, review: 0, passRate: 0.5, medianScore: 55 });
    expect(stats.totals.find((r) => r.biz === '*')).toMatchObject({ verifications: 3, review: 1, passRate: 0.5 });
    expect(median([3, 1, 2])).toBe(2);
    expect(median([])).toBeNull();
  });
});
