import { describe, expect, it } from 'vitest';
import type { CardPublic, VerifyResult } from '../../../contract';
import { initialState, timeoutFor, transition, type FlowEvent, type FlowState } from '../../../renderer/src/flow/machine';

const card: CardPublic = { cardId: 'c1', type: 'resident', name: 'x', sex: 'male', idNumberMasked: 'm', validUntil: 'long-term', expired: false, photo: null, warnings: [] };
const result: VerifyResult = { verificationId: 'v1', verdict: 'pass', provider: 'local', score: 90, threshold: 70, far: 0.001, reason: null, providerCode: null, message: null };
const run = (events: FlowEvent[], from: FlowState = initialState) => events.reduce(transition, from);

describe('kiosk flow', () => {
  it('walks a person from card to verdict and back to attract', () => {
    const steps: FlowEvent[] = [
      { type: 'CARD_READ', card }, { type: 'CONTINUE' }, { type: 'CONSENT_ACCEPTED' },
      { type: 'CAPTURE_SUBMITTED', verificationId: 'v1' }, { type: 'VERIFY_PROGRESS', verificationId: 'v1', stage: 'comparing' },
    ];
    const verifying = run(steps);
    expect(verifying).toMatchObject({ name: 'verifying', stage: 'comparing' });
    const done = transition(verifying, { type: 'VERIFY_RESULT', result });
    expect(done).toMatchObject({ name: 'result', result: { verdict: 'pass' } });
    expect(transition(done, { type: 'TIMEOUT' })).toEqual(initialState);
  });

  it('ignores results of other verifications', () => {
    const verifying = run([{ type: 'CARD_READ', card }, { type: 'CONTINUE' }, { type: 'CONSENT_ACCEPTED' }, { type: 'CAPTURE_SUBMITTED', verificationId: 'v1' }]);
    expect(transition(verifying, { type: 'VERIFY_RESULT', result: { ...result, verificationId: 'v0' } }).name).toBe('verifying');
  });

  it('returns to attract when consent is declined or times out', () => {
    const consent = run([{ type: 'CARD_READ', card }, { type: 'CONTINUE' }]);
    expect(transition(consent, { type: 'CONSENT_DECLINED' })).toEqual(initialState);
    expect(transition(consent, { type: 'TIMEOUT' })).toEqual(initialState);
  });

  it('shows reader faults before capture but not once the card is held', () => {
    const error = { code: 'sam-fault', message: 'SAM self-test failed', sw3: 0x60 };
    expect(transition(initialState, { type: 'READER_ERROR', error })).toMatchObject({ name: 'error', error: { detail: 'SW3=60' } });
    const capture = run([{ type: 'CARD_READ', card }, { type: 'CONTINUE' }, { type: 'CONSENT_ACCEPTED' }]);
    expect(transition(capture, { type: 'READER_ERROR', error }).name).toBe('capture');
    expect(transition(initialState, { type: 'READER_ERROR', error: { code: 'reader-detached', message: '', sw3: null } })).toEqual(initialState);
    const read = transition(initialState, { type: 'CARD_READ', card });
    expect(transition(read, { type: 'READER_ERROR', error: { code: 'photo-decode-failed', message: '', sw3: null } }).name).toBe('cardRead');
    expect(transition(initialState, { type: 'READER_ERROR', error: { code: 'card-read-failed', message: 'x', sw3: 0x41 } })).toMatchObject({ name: 'error', error: { code: 'card-read-failed' } });
  });

  it('goes back to attract when the card is pulled before consent', () => {
    const read = run([{ type: 'CARD_READ', card }]);
    expect(transition(read, { type: 'CARD_REMOVED', cardId: 'c1' })).toEqual(initialState);
  });

  it('camera failure during capture becomes an error screen that clears itself', () => {
    const capture = run([{ type: 'CARD_READ', card }, { type: 'CONTINUE' }, { type: 'CONSENT_ACCEPTED' }]);
    const failed = transition(capture, { type: 'CAPTURE_FAILED', error: { code: 'camera-busy', message: 'busy' } });
    expect(failed.name).toBe('error');
    expect(timeoutFor(failed, { consentTimeoutMs: 1, resultDisplayMs: 5000, captureTimeoutMs: 1 })).toBe(5000);
    expect(transition(failed, { type: 'TIMEOUT' })).toEqual(initialState);
  });

  it('gives every waiting screen a timeout but never the attract or verifying screens', () => {
    const t = { consentTimeoutMs: 30000, resultDisplayMs: 6000, captureTimeoutMs: 20000 };
    expect(timeoutFor(initialState, t)).toBeNull();
    expect(timeoutFor({ name: 'verifying', card, verificationId: 'v', stage: 'queued' }, t)).toBeNull();
    expect(timeoutFor({ name: 'consent', card }, t)).toBe(30000);
    expect(timeoutFor({ name: 'capture', card }, t)).toBe(25000);
  });
});

describe('error texts', () => {
  it('has a zh-CN and an en sentence for every code the flow can show, and a generic fallback', async () => {
    const { errorText, LOCALISED_ERROR_CODES } = await import('../../../renderer/src/i18n/errors');
    for (const code of ['camera-busy', 'capture-timeout', 'submit-failed', 'card-read-failed', 'sam-fault']) {
      expect(LOCALISED_ERROR_CODES).toContain(code);
      expect(errorText('zh-CN', code)).not.toBe(errorText('en', code));
    }
    expect(errorText('en', 'something-new')).toBe('Something went wrong: please call staff');
  });
});
