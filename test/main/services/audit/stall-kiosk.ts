// Child process for the kill -9 test: a verification that reaches "comparing" and never finishes.
import { AuditStore } from '../../../../main/services/audit/audit-store';
import { EventBus } from '../../../../main/services/events';
import { createLogger } from '../../../../main/services/log';
import { Settings } from '../../../../main/services/settings';
import { VerifyService } from '../../../../main/services/verify/verify-service';

const file = process.argv[2]!;
const settings = Settings.parse({});
const card = {
  cardId: 'c1',
  public: { cardId: 'c1', type: 'resident' as const, name: '测试', sex: 'male' as const, idNumberMasked: '', validUntil: '', expired: false, photo: null, warnings: [] },
  identity: { type: 'resident' as const, name: '测试', idNumber: '11010519491231002X' },
  photo: { mime: 'image/bmp' as const, bytes: Buffer.from('BM') },
  readAt: 0,
};
const bus = new EventBus();
const service = new VerifyService({
  bus,
  reader: { heldCard: () => card, forget: () => undefined },
  provider: {
    name: 'local',
    status: () => ({ ready: true, detail: '' }),
    verify: (input) => {
      input.onStage?.('comparing');
      return new Promise(() => undefined);
    },
  },
  requireLiveness: false,
  capture: settings.capture,
  log: createLogger({ level: 'error', write: () => undefined }),
  audit: new AuditStore(file, false),
  checkFrame: async () => ({ ok: true, width: 400, height: 400 }),
});
bus.subscribe(({ event, payload }) => {
  if (event === 'verify.progress' && (payload as { stage: string }).stage === 'comparing') process.stdout.write('comparing\n');
});
const { challengeId } = service.challenge('c1');
service.submit({
  cardId: 'c1', challengeId,
  image: { mime: 'image/jpeg', base64: '/9j/4AAQ' },
  liveness: { passed: true, challenge: null, checks: [], durationMs: 1 },
});
setInterval(() => undefined, 1000);
