import { describe, expect, it } from 'vitest';
import type { LivenessRecord, VerifyResult, VerifySubmit } from '../../../../contract';
import { EventBus } from '../../../../main/services/events';
import type { HeldCard } from '../../../../main/services/reader/types';
import { Settings } from '../../../../main/services/settings';
import { MAX_DRAWS_PER_CARD, SUBMIT_GRACE_MS } from '../../../../main/services/verify/challenge-book';
import type { FrameVerdict } from '../../../../main/services/verify/frame-checks';
import type { VerifyProvider } from '../../../../main/services/verify/provider';
import { createUnavailableProvider } from '../../../../main/services/verify/unavailable-provider';
import { VerifyService, type VerificationRecord, type VerificationStart } from '../../../../main/services/verify/verify-service';
import { quietLog, RecordingProvider } from '../../../support/test-kiosk';

const card: HeldCard = {
  cardId: 'c1',
  public: { cardId: 'c1', type: 'resident', name: '测试', sex: 'male', idNumberMasked: '110105********0011', validUntil: 'long-term', expired: false, photo: null, warnings: [] },
  identity: { type: 'resident', name: '测试', idNumber: '110105194912310011' },
  photo: { mime: 'image/bmp', bytes: Buffer.from('BM') },
  readAt: 0,
};

const capture = Settings.parse({}).capture;

/** A record that answers `challenge` with every check at or over the default thresholds, as an honest capture does. */
function honestRecord(challenge: LivenessRecord['challenge'], durationMs = 900): LivenessRecord {
  const checks: LivenessRecord['checks'] = [
    { name: 'passive-antispoof', ran: true, score: 0.81, threshold: 0.5, passed: true },
    { name: 'passive-liveness', ran: true, score: 0.93, threshold: 0.5, passed: true },
  ];
  if (challenge) checks.push({ name: `active-${challenge}`, ran: true, score: 0.9, threshold: 0.35, passed: true });
  return { passed: true, challenge, checks, durationMs };
}

function setup(provider: VerifyProvider, held: HeldCard | undefined = card, opts: { frame?: FrameVerdict; requireLiveness?: boolean; enrollment?: { kiosk: string; wording: string } } = {}) {
  const bus = new EventBus();
  const events: { event: string; payload: any }[] = [];
  bus.subscribe((m) => events.push(m));
  const records: VerificationRecord[] = [];
  const starts: VerificationStart[] = [];
  /** Audit rows as seen at the moment each event went out. */
  const auditAtEvent: { event: string; started: number; finished: number }[] = [];
  bus.subscribe((m) => auditAtEvent.push({ event: m.event, started: starts.length, finished: records.length }));
  let forgotten = 0;
  let clock = 1_000_000;
  const service = new VerifyService({
    bus, provider, requireLiveness: opts.requireLiveness ?? true, capture, log: quietLog,
    reader: { heldCard: (id) => (held?.cardId === id ? held : undefined), forget: () => void forgotten++ },
    audit: { started: (s) => void starts.push(s), finished: (r) => void records.push(r) },
    checkFrame: async () => opts.frame ?? { ok: true, width: 500, height: 500 },
    now: () => clock,
    random: () => 0, // always the first enabled challenge: blink
    enrollment: opts.enrollment,
  });
  const result = () => events.find((e) => e.event === 'verify.result')?.payload as VerifyResult | undefined;
  /** A submit answering a freshly issued challenge, as the capture screen sends it. */
  const answer = (overrides: Partial<VerifySubmit> = {}): VerifySubmit => {
    const issued = service.challenge('c1');
    return {
      cardId: 'c1', challengeId: issued.challengeId,
      image: { mime: 'image/jpeg', base64: Buffer.from('jpeg').toString('base64') },
      liveness: honestRecord(issued.challenge), ...overrides,
    };
  };
  return {
    service, events, records, starts, auditAtEvent, result, answer, forgotten: () => forgotten,
    advance: (ms: number) => void (clock += ms),
  };
}

describe('VerifyService', () => {
  it('passes a matching live face with liveness, reports progress, records and forgets the card', async () => {
    const provider = new RecordingProvider();
    const s = setup(provider);
    const { verificationId } = s.service.submit(s.answer());
    await expect.poll(s.result).toBeDefined();
    expect(s.result()).toMatchObject({ verificationId, verdict: 'pass', score: 88, threshold: 70, far: 0.001, reason: null, providerCode: null });
    expect(s.events.filter((e) => e.event === 'verify.progress').map((e) => e.payload.stage)).toEqual(['queued', 'comparing', 'done']);
    expect(provider.inputs[0]!.live.toString()).toBe('jpeg');
    expect(provider.inputs[0]!.identity.idNumber).toBe('110105194912310011');
    expect(s.records).toHaveLength(1);
    expect(s.forgotten()).toBe(1);
  });

  it('writes the started audit row at submit and completes it before the verdict goes out', async () => {
    const s = setup(new RecordingProvider());
    s.service.submit(s.answer());
    expect(s.starts).toHaveLength(1); // synchronously, before submit returned
    await expect.poll(s.result).toBeDefined();
    expect(s.auditAtEvent.find((e) => e.event === 'verify.result')).toEqual({ event: 'verify.result', started: 1, finished: 1 });
  });

  it('fails a failed liveness check without comparing or sending the frame anywhere', async () => {
    const provider = new RecordingProvider();
    const s = setup(provider);
    s.service.submit(s.answer({ liveness: { ...honestRecord('blink'), passed: false } }));
    await expect.poll(s.result).toBeDefined();
    expect(s.result()).toMatchObject({ verdict: 'fail', reason: 'liveness-failed', score: null });
    expect(provider.inputs).toHaveLength(0);
    expect(s.records).toHaveLength(1);
  });

  it('fails a forged record that claims a pass with no checks, and the audit says why', async () => {
    const provider = new RecordingProvider();
    const s = setup(provider);
    s.service.submit(s.answer({ liveness: { passed: true, checks: [], challenge: 'blink', durationMs: 10 } }));
    await expect.poll(s.result).toBeDefined();
    expect(s.result()).toMatchObject({ verdict: 'fail', reason: 'liveness-failed' });
    expect(s.records[0]!.detail).toMatch(/passive-antispoof is missing/);
    expect(provider.inputs).toHaveLength(0);
  });

  it('fails a record whose scores are under main\'s thresholds even when it says they passed', async () => {
    const s = setup(new RecordingProvider());
    const forged = honestRecord('blink');
    forged.checks[0] = { name: 'passive-antispoof', ran: true, score: 0.1, threshold: 0.05, passed: true };
    s.service.submit(s.answer({ liveness: forged }));
    await expect.poll(s.result).toBeDefined();
    expect(s.result()).toMatchObject({ verdict: 'fail', reason: 'liveness-failed' });
    expect(s.records[0]!.detail).toMatch(/under main's threshold 0.5/);
  });

  it('fails a record answering another challenge than the one main issued', async () => {
    const s = setup(new RecordingProvider());
    s.service.submit(s.answer({ liveness: honestRecord('open-mouth') }));
    await expect.poll(s.result).toBeDefined();
    expect(s.result()).toMatchObject({ verdict: 'fail', reason: 'liveness-failed' });
    expect(s.records[0]!.detail).toMatch(/answers challenge open-mouth, main issued blink/);
  });

  it('fails a replayed challenge, even one whose first use passed', async () => {
    const s = setup(new RecordingProvider());
    const first = s.answer();
    s.service.submit(first);
    await expect.poll(s.result).toBeDefined();
    expect(s.result()!.verdict).toBe('pass');
    s.events.length = 0;
    s.service.submit(first);
    await expect.poll(s.result).toBeDefined();
    expect(s.result()).toMatchObject({ verdict: 'fail', reason: 'liveness-failed' });
    expect(s.records[1]!.detail).toMatch(/already answered \(replay\)/);
  });

  it('fails a challenge answered after its deadline', async () => {
    const s = setup(new RecordingProvider());
    const late = s.answer();
    s.advance(capture.captureTimeoutMs + SUBMIT_GRACE_MS + 1);
    s.service.submit(late);
    await expect.poll(s.result).toBeDefined();
    expect(s.result()).toMatchObject({ verdict: 'fail', reason: 'liveness-failed' });
    expect(s.records[0]!.detail).toMatch(/after its deadline/);
  });

  it('fails a challenge main never issued, and one issued for another card', async () => {
    const s = setup(new RecordingProvider());
    s.service.submit({ ...s.answer(), challengeId: 'made-up' });
    await expect.poll(s.result).toBeDefined();
    expect(s.result()).toMatchObject({ verdict: 'fail', reason: 'liveness-failed' });
    expect(s.records[0]!.detail).toMatch(/not issued by this kiosk/);
  });

  it('fails a frame main refuses (the chip photo, or smaller than the gate allows) without comparing it', async () => {
    const provider = new RecordingProvider();
    const s = setup(provider, card, { frame: { ok: false, reason: 'liveness-failed', why: 'the live frame is the chip photo itself' } });
    s.service.submit(s.answer());
    await expect.poll(s.result).toBeDefined();
    expect(s.result()).toMatchObject({ verdict: 'fail', reason: 'liveness-failed', message: null });
    expect(s.records[0]!.detail).toBe('the live frame is the chip photo itself');
    expect(provider.inputs).toHaveLength(0);
  });

  it('still requires main\'s challenge when the operator turned liveness off', async () => {
    const s = setup(new RecordingProvider(), card, { requireLiveness: false });
    s.service.submit({ ...s.answer({ liveness: { passed: false, challenge: null, checks: [], durationMs: 1 } }) });
    await expect.poll(s.result).toBeDefined();
    expect(s.result()!.verdict).toBe('pass');
    s.events.length = 0;
    s.service.submit({ ...s.answer(), challengeId: 'made-up' });
    await expect.poll(s.result).toBeDefined();
    expect(s.result()).toMatchObject({ verdict: 'fail', reason: 'liveness-failed' });
  });

  it('applies one pass rule for every provider: a score equal to the threshold passes', async () => {
    const s = setup(new RecordingProvider({ kind: 'compared', score: 70, threshold: 70, far: 0.001 }));
    s.service.submit(s.answer());
    await expect.poll(s.result).toBeDefined();
    expect(s.result()).toMatchObject({ verdict: 'pass', score: 70, threshold: 70 });
  });

  it('fails a mismatch with the score and threshold shown', async () => {
    const s = setup(new RecordingProvider({ kind: 'compared', score: 31, threshold: 70, far: 0.001 }));
    s.service.submit(s.answer());
    await expect.poll(s.result).toBeDefined();
    expect(s.result()).toMatchObject({ verdict: 'fail', reason: 'face-mismatch', score: 31 });
  });

  it('turns provider errors and unavailability into an error verdict with the provider code kept apart', async () => {
    for (const [provider, reason, providerCode] of [
      [new RecordingProvider({ kind: 'error', reason: 'no-face', providerCode: 'Error.NoFaceDetected', message: 'no face' }), 'no-face', 'Error.NoFaceDetected'],
      [createUnavailableProvider('cloudauth', 'No AccessKey configured'), 'provider-unavailable', null],
      [{ name: 'local' as const, status: () => ({ ready: true, detail: '' }), verify: async () => { throw new Error('worker died'); } }, 'provider-failed', null],
    ] as const) {
      const s = setup(provider);
      s.service.submit(s.answer());
      await expect.poll(s.result).toBeDefined();
      expect(s.result()).toMatchObject({ verdict: 'error', reason, providerCode });
    }
  });

  it('cannot compare without a decoded chip photo', async () => {
    const s = setup(new RecordingProvider(), { ...card, photo: null });
    s.service.submit(s.answer());
    await expect.poll(s.result).toBeDefined();
    expect(s.result()).toMatchObject({ verdict: 'error', reason: 'no-chip-photo' });
  });

  it('runs one verification at a time and refuses unknown cards', async () => {
    const s = setup(new RecordingProvider());
    expect(() => s.service.submit({ ...s.answer(), cardId: 'other' })).toThrow(/read the card again/);
    expect(() => s.service.challenge('other')).toThrow(/read the card again/);
    s.service.submit(s.answer());
    expect(() => s.service.submit(s.answer())).toThrow(/already running/);
  });
});

describe('VerifyService with a provider still loading', () => {
  it('waits for a provider that is loading its models instead of failing the person', async () => {
    const inner = new RecordingProvider();
    let loaded = false;
    const provider: VerifyProvider = {
      name: 'local',
      status: () => (loaded ? { ready: true, detail: 'ready' } : { ready: false, loading: true, detail: 'Loading the local face models…' }),
      verify: async (input) => {
        await new Promise((r) => setTimeout(r, 20));
        loaded = true;
        return inner.verify(input);
      },
    };
    const s = setup(provider);
    s.service.submit(s.answer());
    await expect.poll(s.result).toBeDefined();
    expect(s.result()).toMatchObject({ verdict: 'pass' });
  });
});

describe('VerifyService challenge draws', () => {
  it('refuses a page that keeps drawing challenges for one card read, until the card is read again', () => {
    const s = setup(new RecordingProvider());
    for (let i = 0; i < MAX_DRAWS_PER_CARD; i++) s.service.challenge('c1');
    expect(() => s.service.challenge('c1')).toThrow(/place it again/);
    s.service.cancel(); // a session reset is not a new card read
    expect(() => s.service.challenge('c1')).toThrow(/place it again/);
  });

  it('sends the consent to keep the card photo only where main offered the choice, stamped by main', async () => {
    const offered = new RecordingProvider();
    const s = setup(offered, card, { enrollment: { kiosk: 'counter-2', wording: 'consent-v1' } });
    s.service.submit(s.answer({ enrollConsent: true }));
    await expect.poll(s.result).toBeDefined();
    expect(offered.inputs[0]!.enrollConsent).toEqual({ at: new Date(1_000_000).toISOString(), kiosk: 'counter-2', wording: 'consent-v1' });

    const declined = new RecordingProvider();
    const d = setup(declined, card, { enrollment: { kiosk: 'counter-2', wording: 'consent-v1' } });
    d.service.submit(d.answer({ enrollConsent: false }));
    await expect.poll(d.result).toBeDefined();
    expect(declined.inputs[0]!.enrollConsent).toBeUndefined();

    // A page that claims consent on a kiosk that never offered the choice enrolls nobody.
    const notOffered = new RecordingProvider();
    const n = setup(notOffered);
    n.service.submit(n.answer({ enrollConsent: true }));
    await expect.poll(n.result).toBeDefined();
    expect(notOffered.inputs[0]!.enrollConsent).toBeUndefined();
  });
});
