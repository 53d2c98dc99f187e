import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import RPCClient from '@alicloud/pop-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBase64Value } from '../../cloudauth';
import { startFaceWorker } from '../../face/client';
import { startTestServer, type TestServer } from './support/harness';

// VerifyMaterial with the real face engine: the verdict (decided at the service's FAR, 0.0001 by
// default) and the 2019 score agree, because 90 on the 2019 scale is the engine's 0.0001 threshold.
const fixture = async (name: string) => toBase64Value(await readFile(join(import.meta.dirname, '../fixtures/faces', name)));
const ID = '11010519491231002X';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ face: await startFaceWorker({ workers: 1 }), faceWorkers: 1 });
}, 240_000);
afterAll(() => t?.close());

describe('VerifyMaterial (2019-03-07) with the real face engine', () => {
  it('passes the same man with a score of at least 90 and fails another person below it', async () => {
    const client = new RPCClient({ endpoint: t.url, apiVersion: '2019-03-07', accessKeyId: t.key.AccessKeyId, accessKeySecret: t.key.AccessKeySecret });
    const opts = { method: 'POST', timeout: 60_000 } as const;
    const [vlado, vlado1, linda] = await Promise.all(['person-vlado.jpg', 'person-vlado1.jpg', 'person-linda.jpg'].map(fixture));
    const same = await client.request<Record<string, any>>('VerifyMaterial', { BizType: 'RPMinBiz', BizId: 'eng-1', Name: '张三', IdCardNumber: ID, FaceImageUrl: vlado1, IdCardFrontImageUrl: vlado }, opts);
    expect(same.VerifyStatus).toBe(1);
    expect(same.IdCardFaceComparisonScore).toBeGreaterThanOrEqual(90);
    const other = await client.request<Record<string, any>>('VerifyMaterial', { BizType: 'RPMinBiz', BizId: 'eng-2', Name: '李四', IdCardNumber: ID, FaceImageUrl: linda, IdCardFrontImageUrl: vlado }, opts);
    expect(other.VerifyStatus).toBe(2);
    expect(other.IdCardFaceComparisonScore).toBeLessThan(90);
  }, 120_000);
});
