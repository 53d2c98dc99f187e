import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import RPCClient from '@alicloud/pop-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfidenceThresholds, runRpmin, toBase64Value, type ResponseFormat } from '../../cloudauth';
import { startFaceWorker } from '../../face/client';
import { startTestServer, type TestServer } from './support/harness';

// End to end with the real face engine (worker threads) and fixture photos: vlado and vlado1 are
// two photos of one man, linda another person.
const fixture = (name: string) => readFile(join(import.meta.dirname, '../fixtures/faces', name));
const ID = '11010519491231002X';

let t: TestServer;
let vlado: string;
let vlado1: string;
let linda: string;
beforeAll(async () => {
  const face = await startFaceWorker({ workers: 1 });
  t = await startTestServer({ face, faceWorkers: 1 });
  const images = (await Promise.all(['person-vlado.jpg', 'person-vlado1.jpg', 'person-linda.jpg'].map(fixture))).map(toBase64Value);
  [vlado, vlado1, linda] = [images[0]!, images[1]!, images[2]!];
}, 240_000);
afterAll(() => t?.close());

function popCore(apiVersion = '2018-09-16') {
  // codes: ['1'] because the 2018 guide's success code is "1", which pop-core would otherwise throw on.
  return new RPCClient({ endpoint: t.url, apiVersion, accessKeyId: t.key.AccessKeyId, accessKeySecret: t.key.AccessKeySecret, codes: ['1'] });
}
const post = { method: 'POST', timeout: 60_000 } as const;

type Answer = { RequestId: string; Code: string; Success: boolean; Data: Record<string, any> };

/** GetVerifyToken then SubmitMaterials (RPMin: name, number, live face, card photo) through pop-core. */
async function popCoreRpmin(ticketId: string, face: string, card: string): Promise<Answer> {
  const client = popCore();
  const token = await client.request<Answer>('GetVerifyToken', { RegionId: 'cn-hangzhou', Biz: 'RPMinBiz', TicketId: ticketId }, post);
  expect(token).toMatchObject({ Code: '1', Success: true, Data: { VerifyToken: { DurationSeconds: 1800 } } });
  return client.request<Answer>(
    'SubmitMaterials',
    {
      RegionId: 'cn-hangzhou',
      VerifyToken: token.Data.VerifyToken.Token,
      Material: [
        { MaterialType: 'Name', Value: '张三' },
        { MaterialType: 'IdentificationNumber', Value: ID },
        { MaterialType: 'FacePic', Value: face },
        { MaterialType: 'IdCardFrontPic', Value: card },
      ],
    },
    post,
  );
}

describe('the official @alicloud/pop-core RPCClient', () => {
  it('runs GetVerifyToken → SubmitMaterials → GetStatus → GetMaterials', async () => {
    const client = popCore();
    const submitted = await popCoreRpmin('pop-1', vlado1, vlado);
    expect(submitted.Data.VerifyStatus.StatusCode).toBe(1);
    expect(submitted.Data.VerifyStatus.SimilarityScore).toBeGreaterThan(0);
    const status = await client.request<Answer>('GetStatus', { RegionId: 'cn-hangzhou', Biz: 'RPMinBiz', TicketId: 'pop-1' }, post);
    expect(status.Data).toMatchObject({ StatusCode: 1, SimilarityScore: submitted.Data.VerifyStatus.SimilarityScore, AuditConclusions: '' });
    const materials = await client.request<Answer>('GetMaterials', { RegionId: 'cn-hangzhou', Biz: 'RPMinBiz', TicketId: 'pop-1' }, post);
    expect(materials.Data).toMatchObject({ Name: '张三', IdentificationNumber: ID, IdCardType: 'identityCard' });
    const photo = await fetch(materials.Data.FacePic as string);
    expect(Buffer.from(await photo.arrayBuffer()).equals(Buffer.from(vlado1.slice(9), 'base64'))).toBe(true);
  });

  it("reads GetStatus by GET too (pop-core's default method: everything in the query)", async () => {
    const status = await popCore().request<Answer>('GetStatus', { RegionId: 'cn-hangzhou', Biz: 'RPMinBiz', TicketId: 'pop-1' }, { method: 'GET', timeout: 60_000 });
    expect(status.Data.StatusCode).toBe(1);
  });

  it('fails another person in SubmitMaterials with status 2', async () => {
    const submitted = await popCoreRpmin('pop-2', linda, vlado);
    expect(submitted.Data.VerifyStatus.StatusCode).toBe(2);
  });

  it.each(['2018-09-16', '2019-03-07'])('runs CompareFaces %s', async (version) => {
    const same = await popCore(version).request<Answer>('CompareFaces', { SourceImageType: 'FacePic', SourceImageValue: vlado1, TargetImageType: 'FacePic', TargetImageValue: vlado }, post);
    const other = await popCore(version).request<Answer>('CompareFaces', { SourceImageType: 'FacePic', SourceImageValue: linda, TargetImageType: 'FacePic', TargetImageValue: vlado }, post);
    const thresholds = JSON.parse(same.Data.ConfidenceThresholds as string) as Record<string, string>;
    expect(Object.keys(thresholds)).toEqual(['0.0001', '0.001', '0.01']);
    expect(same.Data.SimilarityScore).toBeGreaterThan(Number(thresholds['0.0001']));
    expect(other.Data.SimilarityScore).toBeLessThan(Number(thresholds['0.01']));
  });

  it('runs DetectFaceAttributes with the attributes asked for', async () => {
    const answer = await popCore().request<Answer>('DetectFaceAttributes', { MaterialValue: vlado, RetAttributes: 'gender,age,headpose', MaxFaceNum: 1 }, post);
    const info = answer.Data.FaceInfos.FaceAttributesDetectInfo[0];
    expect(Object.keys(info.FaceAttributes).sort()).toEqual(['Age', 'Gender', 'Headpose']);
    expect(info.FaceRect.Width).toBeGreaterThan(20);
    expect(answer.Data.ImgWidth).toBeGreaterThan(info.FaceRect.Width);
  });

  it('gets a body over 8 MB refused as RequestBodyTooLargeError, in JSON it can read', async () => {
    const huge = `base64://${'A'.repeat(8 * 1024 * 1024)}`;
    await expect(popCore().request('CompareFaces', { SourceImageType: 'FacePic', SourceImageValue: huge, TargetImageType: 'FacePic', TargetImageValue: vlado }, post)).rejects.toMatchObject({
      code: 'RequestBodyTooLarge',
    });
  });

  it('gets the gateway error as pop-core reports it (SignatureDoesNotMatchError)', async () => {
    const client = new RPCClient({ endpoint: t.url, apiVersion: '2018-09-16', accessKeyId: t.key.AccessKeyId, accessKeySecret: 'wrong', codes: ['1'] });
    await expect(client.request('GetStatus', { Biz: 'RPMinBiz', TicketId: 'x' }, post)).rejects.toMatchObject({ name: 'SignatureDoesNotMatchError', code: 'SignatureDoesNotMatch' });
  });
});

describe.each<ResponseFormat>(['JSON', 'XML'])('our client in %s with the real engine', (format) => {
  it('passes the same man through RPMin and fails another person', async () => {
    const client = t.client(format);
    const pass = await runRpmin(client, { biz: 'RPMinBiz', ticketId: `ours-${format}-1`, name: '张三', idNumber: ID, facePic: vlado1, idPic: vlado, fetchMaterials: true });
    expect(pass.statusCode).toBe(1);
    expect(pass.materials?.Name).toBe('张三');
    const fail = await runRpmin(client, { biz: 'RPMinBiz', ticketId: `ours-${format}-2`, name: '张三', idNumber: ID, facePic: linda, idPic: vlado });
    expect(fail.statusCode).toBe(2);
  });

  it('compares faces', async () => {
    const same = await t.client(format).compareFaces({ SourceImageType: 'FacePic', SourceImageValue: vlado1, TargetImageType: 'FacePic', TargetImageValue: vlado });
    const strictest = parseConfidenceThresholds(same.Data.ConfidenceThresholds)[0]!;
    expect(strictest.far).toBe(0.0001);
    expect(same.Data.SimilarityScore).toBeGreaterThan(strictest.threshold);
  });
});
