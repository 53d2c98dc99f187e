import { randomUUID } from 'node:crypto';
import { type Agent, request } from 'node:http';
import { commonParams, formEncode, signParams, type FlatParams } from '../cloudauth';
import type { NewAccessKey } from '../server/admin';

// The loopback load generator the service benchmarks share: signed form bodies (a fresh nonce and
// signature per request, as a real client sends), one POST, and back-to-back callers for a while.

export function signedBody(key: NewAccessKey, action: string, version: string, own: FlatParams): string {
  const params = { ...commonParams({ action, version, accessKeyId: key.AccessKeyId, format: 'JSON', timestamp: new Date(), nonce: randomUUID() }), ...own };
  return formEncode(signParams(params, key.AccessKeySecret, 'POST'));
}

export function postForm(agent: Agent, url: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/`, { method: 'POST', agent, headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** `concurrency` callers sending back to back for `seconds`; sorted latencies (ms) of the sends that succeeded. */
export async function load(seconds: number, concurrency: number, send: () => Promise<boolean>): Promise<{ latencies: number[]; errors: number; elapsed: number }> {
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const end = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        if (await send().catch(() => false)) latencies.push(performance.now() - t0);
        else errors++;
      }
    }),
  );
  return { latencies: latencies.sort((a, b) => a - b), errors, elapsed: (performance.now() - started) / 1000 };
}

export const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
