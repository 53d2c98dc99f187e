import { describe, expect, it } from 'vitest';
import { VerifyReason } from '../../../../contract';
import { reasonForCode } from '../../../../main/services/verify/provider';
import { reasonKeysFor } from '../../../../renderer/src/i18n/reasons';
import { translate } from '../../../../renderer/src/i18n/strings';

const failed = (reason: VerifyReason) =>
  ({ verificationId: 'v', verdict: 'fail', provider: 'local', score: null, threshold: null, far: null, reason, providerCode: null, message: null }) as const;
const reasonText = (language: 'zh-CN' | 'en', reason: VerifyReason) => translate(language, reasonKeysFor(failed(reason)).why!);

describe('verification reasons', () => {
  it("gives every provider code one of the kiosk's own reasons", () => {
    expect(reasonForCode('Error.NoFaceDetected')).toBe('no-face');
    expect(reasonForCode('InvalidParam.ImageValuePatternError')).toBe('image-invalid');
    expect(reasonForCode('Error.ModelMissing')).toBe('provider-unavailable');
    expect(reasonForCode('Aborted')).toBe('cancelled');
    expect(reasonForCode('InvalidAccessKeyId.NotFound')).toBe('provider-failed');
    expect(reasonForCode('Throttling.User')).toBe('provider-failed');
    expect(reasonForCode('NetworkError')).toBe('provider-unavailable');
  });

  it('has a Chinese and an English sentence for every reason, none of them a code', () => {
    for (const reason of VerifyReason.options) {
      for (const language of ['zh-CN', 'en'] as const) {
        const text = reasonText(language, reason);
        expect(text.length).toBeGreaterThan(3);
        // Never the machine spelling (face-mismatch, no-chip-photo, …) shown to the person.
        if (reason.includes('-')) expect(text).not.toContain(reason);
        expect(text).not.toBe(reason);
      }
      expect(reasonText('zh-CN', reason)).toMatch(/[\u4e00-\u9fff]/);
    }
  });
});
