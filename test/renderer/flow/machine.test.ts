import { describe, expect, it } from 'vitest';
import type { CardPublic, VerifyResult } from '../../../contract';
import { registerTap, GESTURE_TAPS } from '../../../renderer/src/flow/gesture';
import { initialState, timeoutFor, transition, type FlowEvent, type FlowOptions, type FlowState } from '../../../renderer/src/flow/machine';

const photo = { mime: 'image/bmp' as const, base64: 'Qk0=' };
const card: CardPublic = { cardId: 'c1', type: 'resident', name: 'x', sex: 'male', idNumberMasked: 'm', validUntil: 'long-term', expired: false, photo, warnings: [] };
const noPhotoCard: CardPublic = { ...card, cardId: 'c2', photo: null };
const pass: VerifyResult = { verificationId: 'v1', verdict: 'pass', provider: 'local', score: 90, threshold: 70, far: 0.001, reason: null, providerCode: null, message: null };
const mismatch: VerifyResult = { ...pass, verdict: 'fail', score: 20, reason: 'face-mismatch' };
const options: FlowOptions = { maxAttempts: 3 };
const run = (events: FlowEvent[], from: FlowState = initialState, opts: FlowOptions = options) => events.reduce((s, e) => transition(s, e, opts), from);
const timeouts = { cardReadMs: 1500, consentTimeoutMs: 30000, resultDisplayMs: 6000, captureTimeoutMs: 20000, verifyTimeoutMs: 45000 };

const toCapture: FlowEvent[] = [{ type: 'CARD_READ', card }, { type: 'CONTINUE' }, { type: 'CONSENT_ACCEPTED' }];
const toVerifying: FlowEvent[] = [...toCapture, { type: 'CAPTURE_SENT', face: 'jpeg' }];

describe('kiosk flow', () => {
  it('walks a person from card to verdict and back to attract', () => {
    const verifying = run([...toVerifying, { type: 'CAPTURE_SUBMITTED', verificationId: 'v1' }, { type: 'VERIFY_PROGRESS', verificationId: 'v1', stage: 'comparing' }]);
    expect(verifying).toMatchObject({ name: 'verifying', stage: 'comparing', verificationId: 'v1' });
    const done = transition(verifying, { type: 'VERIFY_RESULT', result: pass }, options);
    expect(done).toMatchObject({ name: 'result', result: { verdict: 'pass' }, face: 'jpeg', attempt: 1, canRetry: false });
    expect(transition(done, { type: 'TIMEOUT' }, options)).toEqual(initialState);
  });

  it('keeps a result that arrives before the submit reply and shows it once the reply names it', () => {
    // Main emits verify.result before its reply to verify.submit reaches the page (today's hang).
    const early = run([...toVerifying, { type: 'VERIFY_RESULT', result: { ...mismatch, reason: 'liveness-failed', score: null } }]);
    expect(early).toMatchObject({ name: 'verifying', verificationId: null });
    const shown = transition(early, { type: 'CAPTURE_SUBMITTED', verificationId: 'v1' }, options);
    expect(shown).toMatchObject({ name: 'result', result: { verificationId: 'v1', reason: 'liveness-failed' } });
  });

  it('ignores results of other verifications, early or late', () => {
    const early = run([...toVerifying, { type: 'VERIFY_RESULT', result: { ...pass, verificationId: 'v0' } }, { type: 'CAPTURE_SUBMITTED', verificationId: 'v1' }]);
    expect(early).toMatchObject({ name: 'verifying', verificationId: 'v1' });
    expect(transition(early, { type: 'VERIFY_RESULT', result: { ...pass, verificationId: 'v9' } }, options).name).toBe('verifying');
  });

  it('ends verifying with a clear error when no verdict comes in time', () => {
    const verifying = run([...toVerifying, { type: 'CAPTURE_SUBMITTED', verificationId: 'v1' }]);
    expect(timeoutFor(verifying, timeouts)).toBe(45000);
    const timedOut = transition(verifying, { type: 'TIMEOUT' }, options);
    expect(timedOut).toMatchObject({ name: 'error', error: { code: 'verify-timeout' } });
    expect(timeoutFor(timedOut, timeouts)).toBe(6000);
    expect(transition(timedOut, { type: 'TIMEOUT' }, options)).toEqual(initialState);
  });

  it('gives every state but attract a timeout', () => {
    const states: FlowState[] = [
      run([{ type: 'CARD_READ', card }]),
      run([{ type: 'CARD_READ', card: noPhotoCard }, { type: 'CONTINUE' }]),
      run([{ type: 'CARD_READ', card }, { type: 'CONTINUE' }]),
      run(toCapture),
      run(toVerifying),
      run([...toVerifying, { type: 'CAPTURE_SUBMITTED', verificationId: 'v1' }, { type: 'VERIFY_RESULT', result: pass }]),
      run([...toCapture, { type: 'CAPTURE_FAILED', error: { code: 'camera-busy', message: 'busy' } }]),
      run([{ type: 'DEMO_PHOTO' }]),
    ];
    expect(states.map((s) => s.name)).toEqual(['cardRead', 'manualCheck', 'consent', 'capture', 'verifying', 'result', 'error', 'demoPhoto']);
    for (const state of states) expect(timeoutFor(state, timeouts), state.name).toBeGreaterThan(0);
    expect(timeoutFor(initialState, timeouts)).toBeNull();
  });

  it('offers a retry after a mismatch until the configured attempts are used up', () => {
    let state = run([...toVerifying, { type: 'CAPTURE_SUBMITTED', verificationId: 'v1' }, { type: 'VERIFY_RESULT', result: mismatch }], initialState, { maxAttempts: 2 });
    expect(state).toMatchObject({ name: 'result', attempt: 1, canRetry: true });
    state = transition(state, { type: 'RETRY' }, { maxAttempts: 2 });
    expect(state).toMatchObject({ name: 'capture', attempt: 2, card: { cardId: 'c1' } });
    state = run([{ type: 'CAPTURE_SENT', face: null }, { type: 'CAPTURE_SUBMITTED', verificationId: 'v2' }, { type: 'VERIFY_RESULT', result: { ...mismatch, verificationId: 'v2' } }], state, { maxAttempts: 2 });
    expect(state).toMatchObject({ name: 'result', attempt: 2, canRetry: false });
    expect(transition(state, { type: 'RETRY' }, { maxAttempts: 2 })).toBe(state);
  });

  it('does not offer a retry for a kiosk fault such as an unreachable provider', () => {
    const state = run([...toVerifying, { type: 'CAPTURE_SUBMITTED', verificationId: 'v1' }, { type: 'VERIFY_RESULT', result: { ...pass, verdict: 'error', reason: 'provider-unavailable', score: null } }]);
    expect(state).toMatchObject({ name: 'result', canRetry: false });
  });

  it('sends a card without a decodable photo to a manual check instead of consent', () => {
    expect(run([{ type: 'CARD_READ', card: noPhotoCard }, { type: 'TIMEOUT' }])).toMatchObject({ name: 'manualCheck', card: { cardId: 'c2' } });
    expect(run([{ type: 'CARD_READ', card }, { type: 'TIMEOUT' }])).toMatchObject({ name: 'consent' });
  });

  it('returns to attract when consent is declined or times out', () => {
    const consent = run([{ type: 'CARD_READ', card }, { type: 'CONTINUE' }]);
    expect(transition(consent, { type: 'CONSENT_DECLINED' }, options)).toEqual(initialState);
    expect(transition(consent, { type: 'TIMEOUT' }, options)).toEqual(initialState);
  });

  it('resets from any screen when the card is removed, but not for another card', () => {
    for (const events of [[{ type: 'CARD_READ', card }], toCapture, toVerifying] as FlowEvent[][]) {
      const state = run(events);
      expect(transition(state, { type: 'CARD_REMOVED', cardId: 'c1' }, options), state.name).toEqual(initialState);
      expect(transition(state, { type: 'CARD_REMOVED', cardId: 'other' }, options), state.name).toBe(state);
    }
  });

  it('shows reader faults before capture but not once the card is held', () => {
    const error = { code: 'sam-fault', message: 'SAM self-test failed', sw3: 0x60 };
    expect(transition(initialState, { type: 'READER_ERROR', error }, options)).toMatchObject({ name: 'error', error: { detail: 'SW3=60' } });
    expect(transition(run(toCapture), { type: 'READER_ERROR', error }, options).name).toBe('capture');
    expect(transition(initialState, { type: 'READER_ERROR', error: { code: 'reader-detached', message: '', sw3: null } }, options)).toEqual(initialState);
    const read = transition(initialState, { type: 'CARD_READ', card }, options);
    expect(transition(read, { type: 'READER_ERROR', error: { code: 'photo-decode-failed', message: '', sw3: null } }, options).name).toBe('cardRead');
  });

  it('turns a capture that ran out of time into an error that offers another try', () => {
    const failed = run([...toCapture, { type: 'CAPTURE_FAILED', error: { code: 'capture-timeout', message: '请站到摄像头前' } }]);
    expect(failed).toMatchObject({ name: 'error', attempt: 1 });
    expect(transition(failed, { type: 'RETRY' }, options)).toMatchObject({ name: 'capture', attempt: 2 });
    const camera = run([...toCapture, { type: 'CAPTURE_FAILED', error: { code: 'camera-busy', message: 'busy' } }]);
    expect(transition(camera, { type: 'RETRY' }, options)).toBe(camera);
  });

  it('moves from the demo photo to the demo card when main presents it', () => {
    const demo = run([{ type: 'DEMO_PHOTO' }]);
    expect(transition(demo, { type: 'CARD_READ', card }, options)).toMatchObject({ name: 'cardRead' });
    expect(transition(demo, { type: 'TIMEOUT' }, options)).toEqual(initialState);
  });
});

describe('hidden operator gesture', () => {
  it('opens after five taps within three seconds and not for slow taps', () => {
    let taps: number[] = [];
    let complete = false;
    for (let i = 0; i < GESTURE_TAPS; i++) ({ taps, complete } = registerTap(taps, i * 400));
    expect(complete).toBe(true);
    taps = [];
    for (let i = 0; i < GESTURE_TAPS; i++) ({ taps, complete } = registerTap(taps, i * 1000));
    expect(complete).toBe(false);
  });
});

describe('error texts', () => {
  it('has a zh-CN and an en sentence for every code the flow can show, and a generic fallback', async () => {
    const { errorText, LOCALISED_ERROR_CODES } = await import('../../../renderer/src/i18n/errors');
    for (const code of ['camera-busy', 'capture-timeout', 'submit-failed', 'card-read-failed', 'sam-fault', 'verify-timeout']) {
      expect(LOCALISED_ERROR_CODES).toContain(code);
      expect(errorText('zh-CN', code)).not.toBe(errorText('en', code));
    }
    expect(errorText('en', 'something-new')).toBe('Something went wrong: please call staff');
  });
});

describe('consent notice', () => {
  it('says photos are kept (encrypted, for the retention period) exactly when the audit keeps images', async () => {
    const { retentionSentence } = await import('../../../renderer/src/i18n/consent');
    const { translate } = await import('../../../renderer/src/i18n/strings');
    const { publicSettings, Settings } = await import('../../../main/services/settings');
    const notice = (audit: object) => publicSettings(Settings.parse({ audit })).privacy;
    const say = (audit: object) => translate('en', retentionSentence(notice(audit)), { days: notice(audit).retentionDays });
    expect(say({ storeImages: true, retentionDays: 30 })).toBe('Your face photo and the card photo are kept encrypted for 30 days, and the check record (ID number masked) for 30 days; then they are deleted automatically.');
    expect(say({ storeImages: false })).toContain('used for this check only and deleted');
    expect(say({ storeImages: false })).toContain('90 days');
    expect(say({ enabled: false, storeImages: true })).toBe('Your photo is used for this check only and deleted when it ends. This kiosk keeps no record.');
  });
});

describe('spoken prompts', () => {
  it('says the verdict and why when the result opens, and leaves capture to its own guidance', async () => {
    const { spokenText } = await import('../../../renderer/src/flow/spoken');
    const { translate } = await import('../../../renderer/src/i18n/strings');
    const t = (key: Parameters<typeof translate>[1], vars?: Record<string, string | number>) => translate('zh-CN', key, vars);
    const result = run([...toVerifying, { type: 'CAPTURE_SUBMITTED', verificationId: 'v1' }, { type: 'VERIFY_RESULT', result: mismatch }]);
    expect(spokenText(result, t)).toBe('核验未通过。人脸与证件照片不一致');
    expect(spokenText(run(toCapture), t)).toBeNull();
    expect(spokenText(run([{ type: 'CARD_READ', card: noPhotoCard }, { type: 'CONTINUE' }]), t)).toContain('人工核验');
  });
});
