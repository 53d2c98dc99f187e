import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatTimestamp, toBase64Value } from '../../cloudauth';
import { fakeImage } from './support/fake-face';
import { startTestServer, type TestServer } from './support/harness';
import { rawCall } from './support/raw';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ throttle: { ratePerSecond: 1, burst: 1000 } });
});
afterAll(() => t.close());

const status = (ticket = 'g1') => ({ Biz: 'RPMinBiz', TicketId: ticket });

describe('the gateway checks', () => {
  it('answers a signed GetStatus in XML when Format is absent, under <GetStatusResponse>', async () => {
    const answer = await rawCall(t.url, t.key, 'GetStatus', status(), { format: null, method: 'GET' });
    expect(answer.status).toBe(200);
    expect(answer.contentType).toContain('xml');
    expect(answer.root).toBe('GetStatusResponse');
    expect(answer.body).toMatchObject({ Success: 'true', Code: '1', Data: { StatusCode: '-1' } });
    expect(answer.body.RequestId).toMatch(/^[0-9A-F-]{36}$/);
  });

  it('answers errors with RequestId, HostId, Code and Message, in XML under <Error> when asked for XML', async () => {
    const answer = await rawCall(t.url, t.key, 'NoSuchAction', {}, { format: 'XML' });
    expect(answer.status).toBe(404);
    expect(answer.root).toBe('Error');
    expect(Object.keys(answer.body)).toEqual(['RequestId', 'HostId', 'Code', 'Message']);
    expect(answer.body).toMatchObject({ Code: 'InvalidApi.NotFound', HostId: new URL(t.url).host });
  });

  it('refuses a replayed SignatureNonce, also after a restart', async () => {
    const nonce = randomUUID();
    expect((await rawCall(t.url, t.key, 'GetStatus', status(), { nonce })).status).toBe(200);
    const replay = await rawCall(t.url, t.key, 'GetStatus', status(), { nonce });
    expect([replay.status, replay.body.Code]).toEqual([400, 'SignatureNonceUsed']);
    await t.restart();
    const afterRestart = await rawCall(t.url, t.key, 'GetStatus', status(), { nonce });
    expect([afterRestart.status, afterRestart.body.Code]).toEqual([400, 'SignatureNonceUsed']);
  });

  it('refuses a timestamp more than 15 minutes off either way, and accepts one just inside', async () => {
    for (const skew of [16 * 60_000, -16 * 60_000]) {
      const answer = await rawCall(t.url, t.key, 'GetStatus', status(), { timestamp: new Date(Date.now() + skew) });
      expect([answer.status, answer.body.Code]).toEqual([400, 'InvalidTimeStamp.Expired']);
    }
    expect((await rawCall(t.url, t.key, 'GetStatus', status(), { timestamp: new Date(Date.now() - 14 * 60_000) })).status).toBe(200);
  });

  it('refuses malformed timestamps: local time, milliseconds, impossible dates', async () => {
    for (const bad of ['2026-12-01 12:00:00', `${new Date().toISOString()}`, '2026-02-30T12:00:00Z', formatTimestamp(new Date()).replace('Z', '+08:00')]) {
      const answer = await rawCall(t.url, t.key, 'GetStatus', status(), { override: (p) => (p.Timestamp = bad) });
      expect([answer.status, answer.body.Code], bad).toEqual([400, 'InvalidTimeStamp.Format']);
    }
  });

  it('refuses a body changed after signing with SignatureDoesNotMatch, echoing its string to sign as the gateway does', async () => {
    const answer = await rawCall(t.url, t.key, 'GetStatus', status(), { tamper: (p) => (p.TicketId = 'someone-else') });
    expect([answer.status, answer.body.Code]).toEqual([400, 'SignatureDoesNotMatch']);
    expect(answer.body.Message).toContain('server string to sign is:POST&%2F&');
    expect(answer.body.Message).toContain('someone-else');
  });

  it('leaves the string to sign out of SignatureDoesNotMatch when it is huge (images)', async () => {
    const big = toBase64Value(Buffer.concat([fakeImage('s'), Buffer.alloc(200_000)]));
    const answer = await rawCall(t.url, t.key, 'CompareFaces', { SourceImageType: 'FacePic', SourceImageValue: big, TargetImageType: 'FacePic', TargetImageValue: big }, { tamper: (p) => (p.SourceImageType = 'IDPic') });
    expect(answer.body.Code).toBe('SignatureDoesNotMatch');
    expect(answer.text.length).toBeLessThan(2000);
  });

  it('refuses a wrong secret with SignatureDoesNotMatch and an unknown key with InvalidAccessKeyId.NotFound (404)', async () => {
    const wrong = await rawCall(t.url, { ...t.key, AccessKeySecret: 'not-the-secret' }, 'GetStatus', status());
    expect(wrong.body.Code).toBe('SignatureDoesNotMatch');
    const unknown = await rawCall(t.url, { AccessKeyId: 'LTAInobody', AccessKeySecret: 'x' }, 'GetStatus', status());
    expect([unknown.status, unknown.body.Code]).toEqual([404, 'InvalidAccessKeyId.NotFound']);
  });

  it('refuses a revoked key with InvalidAccessKeyId.Inactive', async () => {
    const key = await t.newKey();
    expect((await rawCall(t.url, key, 'GetStatus', status())).status).toBe(200);
    await t.server.repo.revokeAccessKey(key.AccessKeyId, new Date());
    const answer = await rawCall(t.url, key, 'GetStatus', status());
    expect([answer.status, answer.body.Code]).toEqual([400, 'InvalidAccessKeyId.Inactive']);
  });

  it('names a missing common parameter or action parameter with MissingParameter', async () => {
    const noNonce = await rawCall(t.url, t.key, 'GetStatus', status(), { override: (p) => delete p.SignatureNonce });
    expect([noNonce.status, noNonce.body.Code]).toEqual([400, 'MissingParameter']);
    expect(noNonce.body.Message).toContain('"SignatureNonce"');
    const noTicket = await rawCall(t.url, t.key, 'GetStatus', { Biz: 'RPMinBiz' });
    expect([noTicket.status, noTicket.body.Code]).toEqual([400, 'MissingParameter']);
    expect(noTicket.body.Message).toContain('"TicketId"');
  });

  it('refuses an action that does not exist in the given version with InvalidApi.NotFound', async () => {
    const answer = await rawCall(t.url, t.key, 'GetStatus', status(), { version: '2019-03-07' });
    expect([answer.status, answer.body.Code]).toEqual([404, 'InvalidApi.NotFound']);
    const older = await rawCall(t.url, t.key, 'SubmitVerification', {}, { version: '2018-08-07' });
    expect(older.body.Code).toBe('InvalidApi.NotFound');
    expect((await rawCall(t.url, t.key, 'GetStatus', status(), { version: '2017-11-17' })).status).toBe(200);
  });

  it('throttles one key with Throttling.User while another key still gets answers', async () => {
    const busy = await startTestServer({ throttle: { ratePerSecond: 0.001, burst: 3 } });
    try {
      const other = await busy.newKey();
      const codes: unknown[] = [];
      for (let i = 0; i < 4; i++) codes.push((await rawCall(busy.url, busy.key, 'GetStatus', status())).body.Code);
      expect(codes).toEqual(['1', '1', '1', 'Throttling.User']);
      expect((await rawCall(busy.url, other, 'GetStatus', status())).status).toBe(200);
    } finally {
      await busy.close();
    }
  });

  it('reads a guide-style lower-case parameter name (biz=) as Biz', async () => {
    const answer = await rawCall(t.url, t.key, 'GetStatus', { biz: 'RPMinBiz', ticketId: 'lower' });
    expect(answer.status).toBe(200);
  });
});

describe('size limits', () => {
  const big = toBase64Value(Buffer.concat([fakeImage('big'), Buffer.alloc(2 * 1024 * 1024)]));

  it('refuses an image over 2 MB: an upload error in SubmitVerification, ImageNotAcceptable in CompareFaces', async () => {
    const submit = await rawCall(t.url, t.key, 'SubmitVerification', {
      Biz: 'RPMinBiz',
      TicketId: 'big',
      'Material.1.MaterialType': 'FacePic',
      'Material.1.Value': big,
    });
    expect([submit.status, submit.body.Code]).toEqual([500, 'Error.MaterialsUploadError']);
    const compare = await rawCall(t.url, t.key, 'CompareFaces', { SourceImageType: 'FacePic', SourceImageValue: big, TargetImageType: 'FacePic', TargetImageValue: big });
    expect([compare.status, compare.body.Code]).toEqual([400, 'InvalidParam.ImageNotAcceptable']);
  });

  it('refuses a body over 8 MB with RequestBodyTooLarge (413) without reading it all', async () => {
    const huge = 'A'.repeat(8 * 1024 * 1024 + 10);
    const answer = await rawCall(t.url, t.key, 'CompareFaces', { SourceImageType: 'FacePic', SourceImageValue: huge, TargetImageType: 'FacePic', TargetImageValue: 'x' });
    expect([answer.status, answer.body.Code]).toEqual([413, 'RequestBodyTooLarge']);
  });

  it('refuses base64 images sent with GET (and CompareFaces by GET at all)', async () => {
    const token = await rawCall(t.url, t.key, 'GetVerifyToken', { Biz: 'RPMinBiz', TicketId: 'get', Binding: JSON.stringify({ FacePic: toBase64Value(fakeImage('g')), IDPic: toBase64Value(fakeImage('g')), Name: '张三', IdentificationNumber: '11010519491231002X' }) }, { method: 'GET' });
    expect(token.status).toBe(200);
    const compare = await rawCall(t.url, t.key, 'CompareFaces', { SourceImageType: 'FacePic', SourceImageValue: toBase64Value(fakeImage('g')), TargetImageType: 'FacePic', TargetImageValue: toBase64Value(fakeImage('g')) }, { method: 'GET' });
    expect([compare.status, compare.body.Code]).toEqual([404, 'InvalidApi.NotFound']);
  });
});

describe('logs', () => {
  it('carry request ids and masked ID numbers, never names, full ID numbers, secrets or image data', async () => {
    await rawCall(t.url, t.key, 'SubmitVerification', {
      Biz: 'RPMinBiz',
      TicketId: 'logged',
      'Material.1.MaterialType': 'Name',
      'Material.1.Value': '张三丰',
      'Material.2.MaterialType': 'IdentificationNumber',
      'Material.2.Value': '11010519491231002X',
      'Material.3.MaterialType': 'FacePic',
      'Material.3.Value': toBase64Value(fakeImage('logme')),
      'Material.4.MaterialType': 'IDPic',
      'Material.4.Value': toBase64Value(fakeImage('logme')),
    });
    const text = t.logText();
    expect(text).toContain('110105********002X');
    for (const secret of ['张三丰', '11010519491231002X', t.key.AccessKeySecret, fakeImage('logme').toString('base64').slice(0, 20)]) expect(text).not.toContain(secret);
    const line = t.logs.findLast((l) => l.action === 'SubmitVerification' && l.msg === 'request');
    expect(line).toMatchObject({ code: '1', status: 200, accessKeyId: t.key.AccessKeyId });
    expect(line?.reqId).toMatch(/^[0-9A-F-]{36}$/);
  });
});

describe('malformed requests', () => {
  it('answers a query or form body that is not valid percent-encoding with a 400, in the asked format', async () => {
    const { send } = await import('./support/raw');
    const query = await send(`${t.url}/?Format=JSON&Biz=%E0%A4%A`, 'GET');
    expect(query.status).toBe(400);
    const body = await send(`${t.url}/?Format=JSON`, 'POST', 'Biz=%ZZ');
    expect([body.status, JSON.parse(body.text).Code]).toEqual([400, 'MissingParameter']);
  });
});

describe('internal failures', () => {
  it('answer Error.InternalError (500) with a RequestId, in the format the form body asked for', async () => {
    const broken = await startTestServer();
    try {
      await broken.server.repo.close(); // the database goes away under the running service
      const answer = await rawCall(broken.url, broken.key, 'GetStatus', status());
      expect(answer.contentType).toContain('json');
      expect([answer.status, answer.body.Code]).toEqual([500, 'Error.InternalError']);
      expect(answer.body.RequestId).toMatch(/^[0-9A-F-]{36}$/);
    } finally {
      await broken.close().catch(() => undefined);
    }
  });
});
