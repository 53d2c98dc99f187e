import type { VerifyReason, VerifyResult } from '../../../contract';
import type { StringKey } from './strings';

/**
 * Why a verification did not pass, for the person at the counter: what happened (`why`) and, where
 * another try can help, what to do (`hint`). Typed as a full record, so a reason added to the
 * contract does not compile until it is worded here; the provider's own message (English, for the
 * operator) is never the headline.
 */
const reasonKeys: Record<VerifyReason, { why: StringKey; hint?: StringKey }> = {
  'face-mismatch': { why: 'resultMismatch', hint: 'resultMismatchHint' },
  'liveness-failed': { why: 'resultLiveness', hint: 'resultLivenessHint' },
  'no-face': { why: 'resultNoFace', hint: 'resultLivenessHint' },
  'capture-again': { why: 'resultCaptureAgain', hint: 'resultLivenessHint' },
  'image-invalid': { why: 'resultImageInvalid' },
  'no-chip-photo': { why: 'noChipPhoto' },
  'chip-photo-unusable': { why: 'resultChipPhotoUnusable' },
  'threshold-unavailable': { why: 'resultMisconfigured' },
  'provider-unavailable': { why: 'resultProviderUnavailable' },
  'provider-failed': { why: 'resultKioskError' },
  cancelled: { why: 'resultCancelled' },
  interrupted: { why: 'resultInterrupted' },
};

export function reasonKeysFor(result: VerifyResult): { why: StringKey | null; hint: StringKey | null } {
  if (result.verdict === 'pass') return { why: null, hint: null };
  if (!result.reason) return { why: result.verdict === 'error' ? 'resultKioskError' : 'resultMismatch', hint: null };
  const keys = reasonKeys[result.reason];
  return { why: keys.why, hint: keys.hint ?? null };
}
