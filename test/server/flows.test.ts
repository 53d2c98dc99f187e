import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudauthRejectedError, parseConfidenceThresholds, runRpmin, toBase64Value, type ResponseFormat } from '../../cloudauth';
import { fakeImage } from './support/fake-face';
import { startTestServer, type TestServer } from './support/harness';

// A valid resident ID number (check character computed per GB 11643).
const ID = '11010519491231002X';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
  await t.createBiz('FvBiz', 'FVBioOnly');
  await t.createBiz('ManualBiz', 'RPManual');
});
afterAll(() => t.close());

describe.each<ResponseFormat>(['JSON', 'XML'])('our client in %s', (format) => {
  it('runs GetVerifyToken → SubmitMaterials → GetStatus → GetMaterials and passes the same person', async () => {
    const client = t.client(format);
    const ticket = `t-${format}-pass`;
    const token = await client.getVerifyToken({ Biz: 'RPMinBiz', TicketId: ticket });
    expect(token.Data.VerifyToken.Token).toMatch(/^[0-9a-f]{32}$/);
    expect(token.Data.VerifyToken.DurationSeconds).toBe(1800);
    expect(token.Data.CloudauthPageUrl).toBe(`${t.url}/h5/verify?token=${token.Data.VerifyToken.Token}`);
    expect(token.Data.StsToken?.BucketName).toBe('renzheng-materials');
    expect(token.RequestId).toMatch(/^[0-9A-F-]{36}$/);
    expect(token.Code).toBe('1');

    const before = await client.getStatus({ Biz: 'RPMinBiz', TicketId: ticket });
    expect(before.Data.StatusCode).toBe(-1);

    const submitted = await client.submitMaterials({
      VerifyToken: token.Data.VerifyToken.Token,
      Material: [
        { MaterialType: 'Name', Value: '张三' },
        { MaterialType: 'IdentificationNumber', Value: ID },
        { MaterialType: 'FacePic', Value: toBase64Value(fakeImage('zhang')) },
        { MaterialType: 'IDPic', Value: toBase64Value(fakeImage('zhang')) },
      ],
    });
    expect(submitted.Data.VerifyStatus).toEqual({ StatusCode: 1, SimilarityScore: 95.1234, AuditConclusions: '' });

    const status = await client.getStatus({ Biz: 'RPMinBiz', TicketId: ticket });
    expect(status.Data).toMatchObject({ StatusCode: 1, SimilarityScore: 95.1234 });

    const materials = await client.getMaterials({ Biz: 'RPMinBiz', TicketId: ticket });
    expect(materials.Data).toMatchObject({ Name: '张三', IdentificationNumber: ID, IdCardType: 'identityCard', Sex: 'f' });
    const link = materials.Data.FacePic!;
    expect(link.startsWith(`${t.url}/materials/`)).toBe(true);
    const image = await fetch(link);
    expect(image.status).toBe(200);
    expect(Buffer.from(await image.arrayBuffer())).toEqual(fakeImage('zhang'));
  });

  it('fails a different person with status 2 and a reason, and lets the ticket be submitted again', async () => {
    const client = t.client(format);
    const result = await runRpmin(client, { biz: 'RPMinBiz', ticketId: `t-${format}-fail`, name: '李四', idNumber: ID, facePic: toBase64Value(fakeImage('li')), idPic: toBase64Value(fakeImage('wang')) });
    expect(result.statusCode).toBe(2);
    expect(result.auditConclusions).toContain('不是同一人');
    const again = await runRpmin(client, { biz: 'RPMinBiz', ticketId: `t-${format}-fail`, name: '李四', idNumber: ID, facePic: toBase64Value(fakeImage('li')), idPic: toBase64Value(fakeImage('li')) });
    expect(again.statusCode).toBe(1);
  });

  it('answers CompareFaces with a score and ConfidenceThresholds as a JSON string, in 2018-09-16 and 2019-03-07', async () => {
    for (const apiVersion of ['2018-09-16', '2019-03-07'] as const) {
      const answer = await t.client(format).compareFaces(
        { SourceImageType: 'FacePic', SourceImageValue: toBase64Value(fakeImage('a')), TargetImageType: 'IDPic', TargetImageValue: toBase64Value(fakeImage('a')) },
        { apiVersion },
      );
      expect(answer.Data.SimilarityScore).toBe(95.1234);
      expect(typeof answer.Data.ConfidenceThresholds).toBe('string');
      expect(JSON.parse(answer.Data.ConfidenceThresholds)).toEqual({ '0.0001': '90.07', '0.001': '80.01', '0.01': '70.02' });
      expect(parseConfidenceThresholds(answer.Data.ConfidenceThresholds).map((x) => x.far)).toEqual([0.0001, 0.001, 0.01]);
    }
  });

  it('answers DetectFaceAttributes with only the attributes asked for', async () => {
    const answer = await t.client(format).detectFaceAttributes({ MaterialValue: toBase64Value(fakeImage('a')), RetAttributes: ['gender', 'age'] as never });
    const info = answer.Data.FaceInfos.FaceAttributesDetectInfo[0]!;
    expect(Object.keys(info.FaceAttributes).sort()).toEqual(['Age', 'Gender']);
    expect(info.FaceRect).toEqual({ Left: 10, Top: 20, Height: 120, Width: 100 });
  });

  it('decides SubmitVerification without a token, by Biz and TicketId', async () => {
    const answer = await t.client(format).submitVerification({
      Biz: 'RPMinBiz',
      TicketId: `sv-${format}`,
      Material: [
        { MaterialType: 'Name', Value: '王五' },
        { MaterialType: 'IdentificationNumber', Value: ID },
        { MaterialType: 'FacePic', Value: toBase64Value(fakeImage('wang')) },
        { MaterialType: 'IdCardFrontPic', Value: toBase64Value(fakeImage('wang')) },
      ],
    });
    expect(answer.Data.VerifyStatus.StatusCode).toBe(1);
  });
});

describe('business rules', () => {
  it('refuses a resubmission of a passed ticket with Error.DuplicatedTicketId (403)', async () => {
    const client = t.client();
    const materials = (token: string) => ({
      VerifyToken: token,
      Material: [
        { MaterialType: 'Name' as const, Value: '张三' },
        { MaterialType: 'IdentificationNumber' as const, Value: ID },
        { MaterialType: 'FacePic' as const, Value: toBase64Value(fakeImage('z')) },
        { MaterialType: 'IDPic' as const, Value: toBase64Value(fakeImage('z')) },
      ],
    });
    const first = await client.getVerifyToken({ Biz: 'RPMinBiz', TicketId: 'dup' });
    expect((await client.submitMaterials(materials(first.Data.VerifyToken.Token))).Data.VerifyStatus.StatusCode).toBe(1);
    const second = await client.getVerifyToken({ Biz: 'RPMinBiz', TicketId: 'dup' });
    const error = await client.submitMaterials(materials(second.Data.VerifyToken.Token)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CloudauthRejectedError);
    expect(error).toMatchObject({ code: 'Error.DuplicatedTicketId', httpStatus: 403 });
  });

  it('refuses materials the scheme needs but were not given with Error.MaterialsInsufficient, naming them', async () => {
    const client = t.client();
    const token = await client.getVerifyToken({ Biz: 'RPMinBiz', TicketId: 'insufficient' });
    const error = await client
      .submitMaterials({ VerifyToken: token.Data.VerifyToken.Token, Material: [{ MaterialType: 'FacePic', Value: toBase64Value(fakeImage('z')) }] })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'Error.MaterialsInsufficient', httpStatus: 403 });
    expect((error as Error).message).toContain('Name, IdentificationNumber, IDPic|IdCardFrontPic');
    expect((await client.getStatus({ Biz: 'RPMinBiz', TicketId: 'insufficient' })).Data.StatusCode).toBe(-1);
  });

  it('fails an invalid ID number without comparing faces', async () => {
    const before = t.face.compares;
    const result = await runRpmin(t.client(), { biz: 'RPMinBiz', ticketId: 'bad-id', name: '张三', idNumber: '110105194912310021', facePic: toBase64Value(fakeImage('z')), idPic: toBase64Value(fakeImage('z')) });
    expect(result.statusCode).toBe(2);
    expect(result.auditConclusions).toContain('身份证号码无效');
    expect(t.face.compares).toBe(before);
  });

  it('fails a photo without a face with status 2', async () => {
    const result = await runRpmin(t.client(), { biz: 'RPMinBiz', ticketId: 'no-face', name: '张三', idNumber: ID, facePic: toBase64Value(Buffer.from('noface')), idPic: toBase64Value(fakeImage('z')) });
    expect(result.statusCode).toBe(2);
    expect(result.auditConclusions).toContain('未检测到人脸');
  });

  it('compares FVBioOnly against the face retained in the Binding', async () => {
    const client = t.client();
    const token = await client.getVerifyToken({ Biz: 'FvBiz', TicketId: 'fv', Binding: { FaceRetainedPic: toBase64Value(fakeImage('zhao')) } });
    const answer = await client.submitMaterials({ VerifyToken: token.Data.VerifyToken.Token, Material: [{ MaterialType: 'FacePic', Value: toBase64Value(fakeImage('zhao')) }] });
    expect(answer.Data.VerifyStatus.StatusCode).toBe(1);
  });

  it('leaves an RPManual submission in review (0), and a second submission is a duplicate', async () => {
    const client = t.client();
    const submit = () =>
      client.submitVerification({
        Biz: 'ManualBiz',
        TicketId: 'manual',
        Material: [
          { MaterialType: 'Name', Value: '张三' },
          { MaterialType: 'IdentificationNumber', Value: ID },
          { MaterialType: 'FacePic', Value: toBase64Value(fakeImage('z')) },
          { MaterialType: 'IdCardFrontPic', Value: toBase64Value(fakeImage('z')) },
          { MaterialType: 'IdCardBackPic', Value: toBase64Value(fakeImage('back')) },
        ],
      });
    expect((await submit()).Data.VerifyStatus.StatusCode).toBe(0);
    await expect(submit()).rejects.toMatchObject({ code: 'Error.DuplicatedTicketId' });
  });

  it('refuses an unknown Biz with InvalidParam.InvalidBiz', async () => {
    await expect(t.client().getStatus({ Biz: 'NoSuchBiz', TicketId: 'x' })).rejects.toMatchObject({ code: 'InvalidParam.InvalidBiz', httpStatus: 400 });
  });

  it('refuses a VerifyToken past DurationSeconds with InvalidParam.VerifyTokenExpired', async () => {
    const client = t.client();
    const token = await client.getVerifyToken({ Biz: 'RPMinBiz', TicketId: 'expiring' });
    t.clockOffsetMs = 1801_000;
    try {
      await expect(t.client().submitMaterials({ VerifyToken: token.Data.VerifyToken.Token, Material: [{ MaterialType: 'Name', Value: 'x' }] })).rejects.toMatchObject({
        code: 'InvalidParam.VerifyTokenExpired',
        httpStatus: 400,
      });
    } finally {
      t.clockOffsetMs = 0;
    }
  });
});

describe('at rest', () => {
  it('keeps names, ID numbers and images only sealed in the database files', async () => {
    const marker = fakeImage('at-rest-marker');
    await t.client().submitVerification({
      Biz: 'RPMinBiz',
      TicketId: 'at-rest',
      Material: [
        { MaterialType: 'Name', Value: '欧阳秘密' },
        { MaterialType: 'IdentificationNumber', Value: ID },
        { MaterialType: 'FacePic', Value: toBase64Value(marker) },
        { MaterialType: 'IDPic', Value: toBase64Value(marker) },
      ],
    });
    const { readFileSync, existsSync } = await import('node:fs');
    const { join } = await import('node:path');
    const files = ['renzheng-server.db', 'renzheng-server.db-wal'].map((f) => join(t.dataDir, f)).filter((f) => existsSync(f));
    const stored = Buffer.concat(files.map((f) => readFileSync(f)));
    expect(stored.length).toBeGreaterThan(0);
    for (const secret of [Buffer.from('欧阳秘密'), Buffer.from(ID), marker.subarray(0, 30), Buffer.from(t.key.AccessKeySecret)]) expect(stored.includes(secret)).toBe(false);
    // And the service reads them back.
    expect((await t.client().getMaterials({ Biz: 'RPMinBiz', TicketId: 'at-rest' })).Data.Name).toBe('欧阳秘密');
  });
});
