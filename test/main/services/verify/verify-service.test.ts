import { describe, expect, it } from 'vitest';
import type { VerifyResult, VerifySubmit } from '../../../../contract';
import { EventBus } from '../../../../main/services/events';
import type { HeldCard } from '../../../../main/services/reader/types';
import type { VerifyProvider } from '../../../../main/services/verify/provider';
import { createUnavailableProvider } from '../../../../main/services/verify/unavailable-provider';
import { VerifyService, type VerificationRecord } from '../../../../main/services/verify/verify-service';
import { quietLog, RecordingProvider } from '../../../support/test-kiosk';

const card: HeldCard = {
  cardId: 'c1',
  public: { cardId: 'c1', type: 'resident', name: '测试', sex: 'male', idNumberMasked: '110105********0011', validUntil: 'long-term', expired: false, photo: null, warnings: [] },
  identity: { type: 'resident', name: '测试', idNumber: '110105194912310011' },
  photo: { mime: 'image/bmp', bytes: Buffer.from('BM') },
  readAt: 0,
};

function submit(passed = true): VerifySubmit {
  return { cardId: 'c1', image: { mime: 'image/jpeg', base64: Buffer.from('jpeg').toString('base64') }, liveness: { passed, challenge: 'blink', checks: [], durationMs: 900 } };
}

function setup(provider: VerifyProvider, held: HeldCard | undefined = card) {
  const bus = new EventBus();
  const events: { event: string; payload: any }[] = [];
  bus.subscribe((m) => events.push(m));
  const records: VerificationRecord[] = [];
  let forgotten = 0;
  const service = new VerifyService({
    bus, provider, requireLiveness: true, log: quietLog,
    reader: { heldCard: (id) => (held?.cardId === id ? held : undefined), forget: () => void forgotten++ },
    record: (r) => void records.push(r),
  });
  const result = () => events.find((e) => e.event === 'verify.result')?.payload as VerifyResult | undefined;
  return { service, events, records, result, forgotten: () => forgotten };
}

describe('VerifyService', () => {
  it('passes a matching live face with liveness, reports progress, records and forgets the card', async () => {
    const provider = new RecordingProvider();
    const s = setup(provider);
    const { verificationId } = s.service.submit(submit());
    await expect.poll(s.result).toBeDefined();
    expect(s.result()).toMatchObject({ verificationId, verdict: 'pass', score: 88, threshold: 70, far: 0.001, reason: null });
    expect(s.events.filter((e) => e.event === 'verify.progress').map((e) => e.payload.stage)).toEqual(['queued', 'comparing', 'done']);
    expect(provider.inputs[0]!.live.toString()).toBe('jpeg');
    expect(provider.inputs[0]!.identity.idNumber).toBe('110105194912310011');
    expect(s.records).toHaveLength(1);
    expect(s.forgotten()).toBe(1);
  });

  it('fails a failed liveness check without comparing or sending the frame anywhere', async () => {
    const provider = new RecordingProvider();
    const s = setup(provider);
    s.service.submit(submit(false));
    await expect.poll(s.result).toBeDefined();
    expect(s.result()).toMatchObject({ verdict: 'fail', reason: 'liveness-failed', score: null });
    expect(provider.inputs).toHaveLength(0);
    expect(s.records).toHaveLength(1);
  });

  it('fails a mismatch with the score and threshold shown', async () => {
    const s = setup(new RecordingProvider({ kind: 'compared', score: 31, threshold: 70, far: 0.001, pass: false }));
    s.service.submit(submit());
    await expect.poll(s.result).toBeDefined();
    expect(s.result()).toMatchObject({ verdict: 'fail', reason: 'face-mismatch', score: 31 });
  });

  it('turns provider errors and unavailability into an error verdict, never a pass', async () => {
    for (const provider of [
      new RecordingProvider({ kind: 'error', reason: 'Error.NoFaceDetected', message: 'no face' }),
      createUnavailableProvider('cloudauth', 'No AccessKey configured'),
      { name: 'local' as const, status: () => ({ ready: true, detail: '' }), verify: async () => { throw new Error('worker died'); } },
    ]) {
      const s = setup(provider);
      s.service.submit(submit());
      await expect.poll(s.result).toBeDefined();
      expect(s.result()!.verdict).toBe('error');
      expect(s.result()!.reason).toMatch(/Error.NoFaceDetected|provider-unavailable|provider-failed/);
    }
  });

  it('cannot compare without a decoded chip photo', async () => {
    const s = setup(new RecordingProvider(), { ...card, photo: null });
    s.service.submit(submit());
    await expect.poll(s.result).toBeDefined();
    expect(s.result()).toMatchObject({ verdict: 'error', reason: 'no-chip-photo' });
  });

  it('runs one verification at a time and refuses unknown cards', async () => {
    const s = setup(new RecordingProvider());
    expect(() => s.service.submit({ ...submit(), cardId: 'other' })).toThrow(/read the card again/);
    s.service.submit(submit());
    expect(() => s.service.submit(submit())).toThrow(/already running/);
  });
});
