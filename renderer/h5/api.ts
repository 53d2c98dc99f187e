import { z } from 'zod';
import { ActiveChallenge, CaptureSettings, type LivenessRecord } from '../../contract';

/**
 * The page's two calls to the service that served it (same origin, no other host). Answers are
 * parsed with zod: the page trusts nothing it did not check, as main trusts nothing from a page.
 */

export const StartAnswer = z.object({
  person: z.object({ name: z.string().nullable(), idNumber: z.string().nullable() }),
  challenge: z.object({ challengeId: z.string(), challenge: ActiveChallenge.nullable(), expiresInMs: z.number() }),
  capture: CaptureSettings,
  expiresAt: z.string(),
});
export type StartAnswer = z.infer<typeof StartAnswer>;

export const SubmitAnswer = z.object({
  verdict: z.enum(['pass', 'fail', 'review']),
  reason: z.enum(['face-mismatch', 'liveness-failed', 'no-face', 'no-reference']).nullable(),
  score: z.number().nullable(),
});
export type SubmitAnswer = z.infer<typeof SubmitAnswer>;

/** A refusal from the service: `code` is what the page branches on (expired, spent, invalid, …). */
export class H5ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function post<T>(path: string, body: unknown, schema: z.ZodType<T>): Promise<T> {
  const response = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), credentials: 'omit', referrerPolicy: 'no-referrer' });
  const json: unknown = await response.json().catch(() => ({}));
  if (!response.ok) {
    const e = json as { error?: string; message?: string };
    throw new H5ApiError(e.error ?? `http-${response.status}`, e.message ?? `The service answered HTTP ${response.status}.`);
  }
  return schema.parse(json);
}

export const startSession = (token: string) => post('/h5/api/start', { token }, StartAnswer);

export const submitCapture = (token: string, challengeId: string, jpegBase64: string, liveness: LivenessRecord) =>
  post('/h5/api/submit', { token, challengeId, image: jpegBase64, liveness }, SubmitAnswer);
