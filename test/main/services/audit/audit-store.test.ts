import { spawn } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditStore } from '../../../../main/services/audit/audit-store';
import type { VerificationRecord } from '../../../../main/services/verify/verify-service';

const record: VerificationRecord = {
  verificationId: 'v1', startedAt: Date.UTC(2026, 10, 28), durationMs: 812.4,
  card: {
    cardId: 'c1',
    public: { cardId: 'c1', type: 'resident', name: '张三', sex: 'male', idNumberMasked: '', validUntil: '', expired: false, photo: null, warnings: [] },
    identity: { type: 'resident', name: '张三', idNumber: '11010519491231002X' },
    photo: { mime: 'image/bmp', bytes: Buffer.from('BMxx') },
    readAt: 0,
  },
  live: Buffer.from('jpeg-bytes'),
  submit: { cardId: 'c1', challengeId: 'ch1', image: { mime: 'image/jpeg', base64: '/9j/4AAQ' }, liveness: { passed: true, challenge: 'blink', checks: [{ name: 'antispoof', ran: true, score: 0.9, threshold: 0.5, passed: true }], durationMs: 1 } },
  result: { verificationId: 'v1', verdict: 'pass', provider: 'local', score: 91.2, threshold: 72, far: 0.001, reason: null, providerCode: null, message: null },
  provider: 'local',
  detail: null,
};

describe('AuditStore', () => {
  it('keeps the verdict with a masked ID number and never the name or images by default', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'rz-audit-')), 'audit.sqlite');
    const store = new AuditStore(file, false);
    store.record(record);
    const [row] = store.recent();
    expect(row).toMatchObject({ verification_id: 'v1', id_number_masked: '110105********002X', verdict: 'pass', score: 91.2, liveness_passed: 1, liveness_challenge: 'blink', duration_ms: 812 });
    expect(JSON.stringify(row)).not.toContain('张三');
    expect(JSON.stringify(row)).not.toContain('11010519491231002X');
    expect(store.imageCount()).toBe(0);
    store.close();
  });

  it('stores images only when the operator turned it on', () => {
    const store = new AuditStore(':memory:', true);
    store.record(record);
    expect(store.imageCount()).toBe(1);
    store.close();
  });
});

describe('AuditStore across a crash', () => {
  it('shows a verification killed with -9 during comparing as interrupted after a restart', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'rz-audit-kill-')), 'audit.sqlite');
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'stall-kiosk.ts'), file], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('comparing') && resolve());
      child.on('exit', (code) => reject(new Error(`the stalled kiosk exited early (${code})`)));
    });
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const restarted = new AuditStore(file, false);
    expect(restarted.interruptedOnOpen).toBe(1);
    const [row] = restarted.recent();
    expect(row).toMatchObject({ verdict: 'error', reason: 'interrupted', id_number_masked: '110105********002X', detail: expect.stringMatching(/stopped before this verification finished/) });
    restarted.close();
  }, 60_000);

  it('creates the database owner-only even under umask 022', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'rz-audit-mode-')), 'data');
    const old = process.umask(0o022);
    try {
      const store = new AuditStore(join(dir, 'audit.sqlite'), false);
      store.record(record);
      store.close();
    } finally {
      process.umask(old);
    }
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'audit.sqlite')).mode & 0o777).toBe(0o600);
  });
});
