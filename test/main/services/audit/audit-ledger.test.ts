import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditStore } from '../../../../main/services/audit/audit-store';
import { AuditLedger, auditCsv, loadOrCreateAuditKey, seal, unseal } from '../../../../main/services/audit/audit-ledger';
import type { VerificationRecord } from '../../../../main/services/verify/verify-service';

const ID_A = '11010519491231002X';
const ID_B = '110108199506180243';

function record(id: string, idNumber: string, startedAt = Date.UTC(2026, 10, 28)): VerificationRecord {
  return {
    verificationId: id, startedAt, durationMs: 800,
    card: {
      cardId: `card-${idNumber}`,
      public: { cardId: 'c', type: 'resident', name: '张三', sex: 'male', idNumberMasked: '', validUntil: '', expired: false, photo: null, warnings: [] },
      identity: { type: 'resident', name: '张三', idNumber },
      photo: { mime: 'image/bmp', bytes: Buffer.from('BM-chip-photo') },
      readAt: 0,
    },
    live: Buffer.from('live-jpeg-bytes'),
    submit: { cardId: 'c', challengeId: 'ch', image: { mime: 'image/jpeg', base64: 'AA==' }, liveness: { passed: true, challenge: 'blink', checks: [], durationMs: 1 } },
    result: { verificationId: id, verdict: 'fail', provider: 'local', score: 20, threshold: 34, far: 0.001, reason: 'face-mismatch', providerCode: null, message: null },
    provider: 'local',
    detail: null,
  };
}

function open(opts: { outbox?: boolean } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'rz-ledger-'));
  const file = join(dir, 'audit.sqlite');
  const key = loadOrCreateAuditKey(join(dir, 'audit.key'));
  const store = new AuditStore(file, false);
  const ledger = new AuditLedger(file, key, opts);
  const write = (r: VerificationRecord, attempt = 1, storeImages = false) => {
    store.record(r);
    ledger.recordExtras(r, { attempt, storeImages });
  };
  return { dir, file, key, store, ledger, write };
}

describe('audit ledger', () => {
  it('creates its key once, readable by the owner only', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rz-key-'));
    const a = loadOrCreateAuditKey(join(dir, 'audit.key'));
    const b = loadOrCreateAuditKey(join(dir, 'audit.key'));
    expect(a.equals(b)).toBe(true);
    expect(statSync(join(dir, 'audit.key')).mode & 0o777).toBe(0o600);
  });

  it('keeps images only sealed, and only when the operator keeps images', () => {
    const { ledger, write, file } = open();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    write(record('v1', ID_A), 1, false);
    write(record('v2', ID_A), 2, true);
    expect(ledger.images('v1')).toBeNull();
    const images = ledger.images('v2')!;
    expect(images.live.toString()).toBe('live-jpeg-bytes');
    expect(images.chip!.toString()).toBe('BM-chip-photo');
    // At rest the bytes are not there in clear.
    ledger.close();
    expect(readFileSync(file).includes(Buffer.from('live-jpeg-bytes'))).toBe(false);
    expect(readFileSync(file).includes(Buffer.from(ID_A))).toBe(false);
  });

  it('refuses sealed bytes that were tampered with', () => {
    const key = Buffer.alloc(32, 7);
    const sealed = seal(key, Buffer.from('face'));
    sealed[sealed.length - 1]! ^= 1;
    expect(() => unseal(key, sealed)).toThrow();
  });

  it('deletes every record of one ID number and nobody else’s', () => {
    const { ledger, write } = open();
    write(record('a1', ID_A), 1, true);
    write(record('a2', ID_A), 2);
    write(record('b1', ID_B));
    expect(ledger.deleteByIdNumber(ID_A.toLowerCase())).toBe(2);
    expect(ledger.search().map((r) => r.verification_id)).toEqual(['b1']);
    expect(ledger.images('a1')).toBeNull();
  });

  it('purges records older than the retention period', () => {
    const { ledger, write } = open();
    const now = Date.UTC(2026, 11, 1);
    write(record('old', ID_A, now - 91 * 86_400_000));
    write(record('new', ID_A, now - 89 * 86_400_000));
    expect(ledger.purgeOlderThan(90, now)).toBe(1);
    expect(ledger.search().map((r) => r.verification_id)).toEqual(['new']);
  });

  it('searches by date and verdict and carries the attempt number', () => {
    const { ledger, write } = open();
    write(record('d1', ID_A, Date.UTC(2026, 10, 1)), 1);
    write({ ...record('d2', ID_A, Date.UTC(2026, 10, 2)), result: { ...record('d2', ID_A).result, verdict: 'pass', reason: null } }, 2);
    expect(ledger.search({ verdict: 'pass' }).map((r) => [r.verification_id, r.attempt])).toEqual([['d2', 2]]);
    expect(ledger.search({ from: '2026-11-02' }).map((r) => r.verification_id)).toEqual(['d2']);
    expect(ledger.search({ to: '2026-11-02' }).map((r) => r.verification_id)).toEqual(['d1']);
  });

  it('records a manual check with a masked ID number and no scores', () => {
    const { ledger } = open();
    ledger.recordManualCheck(record('x', ID_A).card);
    const [row] = ledger.search();
    expect(row).toMatchObject({ verdict: 'manual-check', reason: 'no-chip-photo', id_number_masked: '110105********002X', score: null });
    expect(ledger.deleteByIdNumber(ID_A)).toBe(1);
  });

  it('exports CSV with masked numbers and defuses spreadsheet formulas', () => {
    const { ledger, write } = open();
    write({ ...record('v1', ID_A), result: { ...record('v1', ID_A).result, reason: '=HYPERLINK("x")' as never } });
    const csv = auditCsv(ledger.search());
    const [header, line] = csv.trim().split('\r\n');
    expect(header).toContain('id_number_masked');
    expect(line).toContain('110105********002X');
    expect(line).toContain(`"'=HYPERLINK(""x"")"`);
    expect(csv).not.toContain(ID_A);
  });

  it('queues records for a central service and keeps them until delivered, backing off on failure', () => {
    const { ledger, write } = open({ outbox: true });
    write(record('v1', ID_A));
    const now = Date.now() + 10;
    const [item] = ledger.due(now);
    expect(JSON.parse(item!.payload)).toMatchObject({ verificationId: 'v1', idNumberMasked: '110105********002X' });
    expect(item!.payload).not.toContain(ID_A);
    ledger.failed(item!.id, 'ECONNREFUSED', now);
    expect(ledger.due(now)).toEqual([]);
    expect(ledger.due(now + 1000)).toHaveLength(1);
    ledger.delivered(item!.id);
    expect(ledger.pending()).toBe(0);
  });
});
