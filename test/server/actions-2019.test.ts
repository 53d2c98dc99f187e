import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import RPCClient from '@alicloud/pop-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBase64Value } from '../../cloudauth';
import { farAt2019, farTableMarkdown, scale2019, to2019 } from '../../server/actions-2019/score-2019';
import { shippedCalibration } from '../../face/shipped-calibration';
import { fakeImage } from './support/fake-face';
import { startTestServer, type TestServer } from './support/harness';

const ID = '11010519491231002X';
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
  await t.createBiz('BasicBiz', 'RPBasic');
});
afterAll(() => t.close());

// The official client as a 2019 program uses it: no `codes` (2019 answers carry no Code on success).
const client = () => new RPCClient({ endpoint: t.url, apiVersion: '2019-03-07', accessKeyId: t.key.AccessKeyId, accessKeySecret: t.key.AccessKeySecret });
const post = { method: 'POST', timeout: 30_000 } as const;
type Answer = Record<string, any>;

describe('the 2019-03-07 actions through @alicloud/pop-core', () => {
  it('VerifyMaterial decides RPMin in one call, and DescribeVerifyResult answers it on the 2019 scale', async () => {
    const face = toBase64Value(fakeImage('zhang'));
    const verified = await client().request<Answer>('VerifyMaterial', { BizType: 'RPMinBiz', BizId: 'v19-1', Name: '张三', IdCardNumber: ID, FaceImageUrl: face, IdCardFrontImageUrl: face }, post);
    expect(verified).toMatchObject({ RequestId: expect.any(String), VerifyStatus: 1, VerifyToken: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(verified.Code).toBeUndefined();
    const expected = to2019(95.1234, scale2019(shippedCalibration()));
    expect(verified.IdCardFaceComparisonScore).toBe(expected);
    expect(verified.Material).toMatchObject({ IdCardName: '张三', IdCardNumber: ID, FaceImageUrl: expect.stringContaining('/materials/') });

    const result = await client().request<Answer>('DescribeVerifyResult', { BizType: 'RPMinBiz', BizId: 'v19-1' }, post);
    expect(result).toMatchObject({ VerifyStatus: 1, IdCardFaceComparisonScore: expected });
    const photo = await fetch(result.Material.FaceImageUrl);
    expect(Buffer.from(await photo.arrayBuffer())).toEqual(fakeImage('zhang'));

    const other = await client().request<Answer>('VerifyMaterial', { BizType: 'RPMinBiz', BizId: 'v19-2', Name: '李四', IdCardNumber: ID, FaceImageUrl: toBase64Value(fakeImage('li')), IdCardChipImageUrl: face }, post);
    expect(other.VerifyStatus).toBe(2);
    expect(other.AuthorityComparisionScore).toBeLessThan(60);
  });

  it('DescribeVerifyToken issues a token and a page URL; DescribeVerifyResult says -1 until something is submitted', async () => {
    const token = await client().request<Answer>('DescribeVerifyToken', { BizType: 'BasicBiz', BizId: 'v19-3', Name: '张三', IdCardNumber: ID, CallbackUrl: 'https://example.com/cb', CallbackSeed: 'seed-of-the-bank' }, post);
    expect(token.VerifyToken).toMatch(/^[0-9a-f]{32}$/);
    expect(token.VerifyPageUrl).toBe(`${t.url}/h5/verify?token=${token.VerifyToken}`);
    expect(token.OssUploadToken).toMatchObject({ Bucket: 'renzheng-materials', EndPoint: `${t.url}/oss`, Token: expect.any(String), Expired: expect.any(Number) });
    const result = await client().request<Answer>('DescribeVerifyResult', { BizType: 'BasicBiz', BizId: 'v19-3' }, post);
    expect(result.VerifyStatus).toBe(-1);
  });

  it('answers errors as the gateway does: pop-core throws with the code', async () => {
    await expect(client().request('DescribeVerifyResult', { BizType: 'NoSuchBiz', BizId: 'x' }, post)).rejects.toMatchObject({ code: 'InvalidParam.InvalidBiz' });
    await expect(client().request('DescribeVerifyResult', { BizType: 'BasicBiz' }, post)).rejects.toMatchObject({ code: 'MissingParameter' });
    // The 2019 actions do not exist under the 2018 version.
    const old = new RPCClient({ endpoint: t.url, apiVersion: '2018-09-16', accessKeyId: t.key.AccessKeyId, accessKeySecret: t.key.AccessKeySecret, codes: ['1'] });
    await expect(old.request('DescribeVerifyResult', { BizType: 'BasicBiz', BizId: 'x' }, post)).rejects.toMatchObject({ code: 'InvalidApi.NotFound' });
  });
});

describe('the 2019 score scale', () => {
  const s = scale2019(shippedCalibration());

  it("puts the 2019 anchors at our engine's measured thresholds for the same FARs", () => {
    const cal = shippedCalibration();
    for (const [far, score] of [['0.01', 60], ['0.001', 80], ['0.0001', 90]] as const) expect(to2019(cal.thresholds[far].score, s)).toBe(score);
    expect(farAt2019(80, s)).toBeCloseTo(0.001, 6);
    expect(to2019(0, s)).toBe(0);
    expect(to2019(100, s)).toBe(100);
  });

  it('is monotonic', () => {
    let last = -1;
    for (let x = 0; x <= 100; x += 0.5) {
      const y = to2019(x, s);
      expect(y).toBeGreaterThanOrEqual(last);
      last = y;
    }
  });

  it('publishes the table docs/cloudauth-2019-scores.md carries, computed from the calibration', () => {
    const doc = readFileSync(join(import.meta.dirname, '../../docs/cloudauth-2019-scores.md'), 'utf8');
    expect(doc).toContain(farTableMarkdown(shippedCalibration()));
  });
});
