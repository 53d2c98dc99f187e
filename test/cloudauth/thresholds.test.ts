import { describe, expect, it } from 'vitest';
import { CloudauthProtocolError } from '../../cloudauth/errors';
import { parseConfidenceThresholds, thresholdAtFar } from '../../cloudauth/thresholds';

describe('ConfidenceThresholds', () => {
  const spec = parseConfidenceThresholds('{"0.0001":"90.07","0.001":"80.01","0.01":"70.02"}');

  it('parses the guide example into numbers keyed by FAR, strictest first', () => {
    expect(spec).toEqual([
      { far: 0.0001, threshold: 90.07 },
      { far: 0.001, threshold: 80.01 },
      { far: 0.01, threshold: 70.02 },
    ]);
  });
  it('finds the threshold for a configured FAR, also when keys are written differently', () => {
    expect(thresholdAtFar(spec, 0.001)).toBe(80.01);
    expect(thresholdAtFar(parseConfidenceThresholds('{"1e-4":91.5}'), 0.0001)).toBe(91.5);
    expect(thresholdAtFar(spec, 0.05)).toBeUndefined();
  });
  it.each(['not json', '[]', '{}', '{"abc":"1"}', '{"0.001":"high"}', '{"2":"80"}'])('refuses %s', (text) => {
    expect(() => parseConfidenceThresholds(text)).toThrow(CloudauthProtocolError);
  });
});
