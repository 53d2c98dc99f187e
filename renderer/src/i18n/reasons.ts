import type { VerifyResult } from '../../../contract';
import type { StringKey } from './strings';

/**
 * Why a verification did not pass, for the person at the counter: what happened and what to do.
 * Reasons without an entry fall back by verdict, so a new provider code never becomes the headline.
 */
const reasonKeys: Record<string, { why: StringKey; hint?: StringKey }> = {
  'liveness-failed': { why: 'resultLiveness', hint: 'resultLivenessHint' },
  'face-mismatch': { why: 'resultMismatch', hint: 'resultMismatchHint' },
  'provider-unavailable': { why: 'resultProviderUnavailable' },
  'provider-failed': { why: 'resultProviderUnavailable' },
  'no-chip-photo': { why: 'noChipPhoto' },
  // cloudauth could not be reached (and the operator did not allow the local fallback).
  NetworkError: { why: 'resultProviderUnavailable' },
  Timeout: { why: 'resultProviderUnavailable' },
};

export function reasonKeysFor(result: VerifyResult): { why: StringKey | null; hint: StringKey | null } {
  if (result.verdict === 'pass') return { why: null, hint: null };
  const known = result.reason ? reasonKeys[result.reason] : undefined;
  if (known) return { why: known.why, hint: known.hint ?? null };
  return { why: result.verdict === 'error' ? 'resultKioskError' : 'resultMismatch', hint: null };
}
