// Child process for the crash test: writes verification records as the kiosk does, one
// transaction each, and prints the count after each commit. The parent kills it with SIGKILL.
import { join } from 'node:path';
import { AuditStore } from '../../main/services/audit/audit-store';
import { AuditLedger, loadOrCreateAuditKey } from '../../main/services/audit/audit-ledger';

const dir = process.argv[2]!;
const file = join(dir, 'audit.sqlite');
const store = new AuditStore(file, false);
const ledger = new AuditLedger(file, loadOrCreateAuditKey(join(dir, 'audit.key')), { outbox: true });
const live = Buffer.alloc(50_000, 1);
for (let n = 1; ; n++) {
  const verificationId = `v${n}`;
  const record = {
    verificationId, startedAt: Date.now(), durationMs: 900,
    card: { cardId: 'c', public: {} as never, identity: { type: 'resident' as const, name: '张三', idNumber: '11010519491231002X' }, photo: { mime: 'image/bmp' as const, bytes: live }, readAt: 0 },
    live,
    submit: { cardId: 'c', challengeId: 'ch', image: { mime: 'image/jpeg' as const, base64: 'AA==' }, liveness: { passed: true, challenge: null, checks: [], durationMs: 1 } },
    result: { verificationId, verdict: 'pass' as const, provider: 'local' as const, score: 80, threshold: 34, far: 0.001, reason: null, providerCode: null, message: null },
    provider: 'local' as const,
    detail: null,
  };
  store.record(record);
  ledger.recordExtras(record, { attempt: 1, storeImages: true });
  process.stdout.write(`committed ${n}\n`);
}
