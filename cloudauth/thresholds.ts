import { CloudauthProtocolError } from './errors';

/** One entry of ConfidenceThresholds: at this false-accept rate, pass when score ≥ threshold. */
export interface FarThreshold {
  far: number;
  threshold: number;
}

function invalid(detail: string): CloudauthProtocolError {
  return new CloudauthProtocolError(`ConfidenceThresholds is not a FAR→score JSON object: ${detail}.`, {
    code: 'InvalidConfidenceThresholds',
    hint: 'The service answered CompareFaces with thresholds this client cannot read; report the RequestId.',
    retryable: false,
  });
}

/**
 * Parses CompareFaces' ConfidenceThresholds, a JSON string such as
 * {"0.0001":"90.07","0.001":"80.01","0.01":"70.02"}, into numbers sorted by FAR (strictest first).
 * The guide says the thresholds change per call, so they are used for this call and never stored.
 */
export function parseConfidenceThresholds(text: string): FarThreshold[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalid('not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid('not an object');
  const entries: FarThreshold[] = [];
  for (const [key, raw] of Object.entries(value)) {
    const far = Number(key);
    const threshold = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
    if (!Number.isFinite(far) || far <= 0 || far >= 1) throw invalid(`key "${key}" is not a rate`);
    if (!Number.isFinite(threshold)) throw invalid(`value for ${key} is not a number`);
    entries.push({ far, threshold });
  }
  if (entries.length === 0) throw invalid('it is empty');
  return entries.sort((a, b) => a.far - b.far);
}

/** Threshold for exactly this FAR (keys are decimal strings, so compare with a relative tolerance). */
export function thresholdAtFar(thresholds: readonly FarThreshold[], far: number): number | undefined {
  return thresholds.find((t) => Math.abs(t.far - far) <= far * 1e-9)?.threshold;
}
