import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE } from '../../cloudauth/error-catalogue';
import {
  CloudauthAbortedError,
  CloudauthApiError,
  CloudauthAuthError,
  CloudauthImageError,
  CloudauthInputError,
  CloudauthNetworkError,
  CloudauthProtocolError,
  CloudauthRejectedError,
  CloudauthServerError,
  CloudauthThrottledError,
  CloudauthTimeoutError,
} from '../../cloudauth/errors';
import { axiosTransport, type HttpTransport } from '../../cloudauth/transport';
import { clientFor, KEY_SECRET, recordingSleep, TINY_JPEG } from './support/client';
import { compareFacesResponse } from './support/spec-responses';
import { CloudauthTestServer } from './support/test-server';

let server: CloudauthTestServer;
beforeEach(async () => {
  server = await CloudauthTestServer.start();
});
afterEach(async () => {
  await server.close();
});

const COMPARE = { SourceImageType: 'FacePic', SourceImageValue: TINY_JPEG, TargetImageType: 'IDPic', TargetImageValue: 'oss://verify-img:a/b.jpg' } as const;
const MATERIALS = [
  { MaterialType: 'Name', Value: '李三' },
  { MaterialType: 'IdentificationNumber', Value: '63054619800909099X' },
  { MaterialType: 'FacePic', Value: TINY_JPEG },
  { MaterialType: 'IDPic', Value: 'http://example.com/id.jpg' },
] as const;

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe.each(['JSON', 'XML'] as const)('every action, signed and parsed (%s)', (format) => {
  it('GetVerifyToken: Biz/TicketId/UserData in the query, Binding as JSON in the body', async () => {
    const res = await clientFor(server, { format }).getVerifyToken({
      Biz: 'RPMin',
      TicketId: 't-1',
      UserData: { orderId: '1391012388' },
      Binding: { Name: '李三', IdentificationNumber: '584129192830192233', FacePic: TINY_JPEG },
    });
    expect(res.Success).toBe(true);
    expect(res.Code).toBe('1');
    expect(res.Data.VerifyToken.Token).toMatch(/^[0-9a-f]{32}$/);
    expect(res.Data.VerifyToken.DurationSeconds).toBe(1800);
    const [req] = server.accepted('GetVerifyToken');
    expect(req).toMatchObject({ method: 'POST', signatureOk: true, format });
    expect(req!.query).toMatchObject({ Biz: 'RPMin', TicketId: 't-1', RegionId: 'cn-hangzhou', UserData: '{"orderId":"1391012388"}' });
    expect(JSON.parse(req!.body.Binding!)).toEqual({ Name: '李三', IdentificationNumber: '584129192830192233', FacePic: TINY_JPEG });
  });

  it('SubmitMaterials: VerifyToken and Material.n.* in the body', async () => {
    const res = await clientFor(server, { format }).submitMaterials({ VerifyToken: 'tok', Material: [...MATERIALS] });
    expect(res.Data.VerifyStatus).toMatchObject({ StatusCode: 1, SimilarityScore: 95.22905 });
    const [req] = server.accepted('SubmitMaterials');
    expect(req!.method).toBe('POST');
    expect(req!.body).toMatchObject({ VerifyToken: 'tok', 'Material.1.MaterialType': 'Name', 'Material.1.Value': '李三', 'Material.4.MaterialType': 'IDPic' });
  });

  it('GetStatus: sent as GET with everything in the query', async () => {
    const res = await clientFor(server, { format }).getStatus({ Biz: 'RPMin', TicketId: 't-1' });
    expect(res.Data).toMatchObject({ StatusCode: 1, SimilarityScore: 93.12 });
    const [req] = server.accepted('GetStatus');
    expect(req).toMatchObject({ method: 'GET', signatureOk: true, body: {} });
  });

  it('GetMaterials: the reviewed materials, ID number kept as text', async () => {
    const res = await clientFor(server, { format }).getMaterials({ Biz: 'RPMin', TicketId: 't-1' });
    expect(res.Data).toMatchObject({ Name: '李明', IdentificationNumber: '545230199002108328', IdCardType: 'identityCard', Sex: 'm', EthnicGroup: '汉' });
    expect(server.accepted('GetMaterials')[0]!.method).toBe('GET');
  });

  it('CompareFaces: four image parameters in the body, score and thresholds back', async () => {
    const res = await clientFor(server, { format }).compareFaces(COMPARE);
    expect(res.Data).toEqual({ SimilarityScore: 98.7913, ConfidenceThresholds: '{"0.0001":"90.07","0.001":"80.01","0.01":"70.02"}' });
    expect(server.accepted('CompareFaces')[0]!.body).toEqual({ SourceImageType: 'FacePic', SourceImageValue: TINY_JPEG, TargetImageType: 'IDPic', TargetImageValue: 'oss://verify-img:a/b.jpg' });
  });

  it('CompareFaces with API version 2019-03-07 (same parameters, Code "200")', async () => {
    server.script('CompareFaces', { reply: compareFacesResponse(71.5, '{"0.0001":"90.07","0.001":"80.01","0.01":"70.02"}', '200') });
    const res = await clientFor(server, { format, apiVersion: '2019-03-07' }).compareFaces(COMPARE);
    expect(res.Data.SimilarityScore).toBe(71.5);
    expect(res.Code).toBe('200');
    expect(server.accepted('CompareFaces')[0]!.query.Version).toBe('2019-03-07');
  });

  it('DetectFaceAttributes: the guide defaults, attributes joined by commas', async () => {
    const res = await clientFor(server, { format }).detectFaceAttributes({ MaterialValue: TINY_JPEG, RetAttributes: ['Gender', 'Headpose', 'Blur'] });
    const face = res.Data.FaceInfos.FaceAttributesDetectInfo[0]!;
    expect(face.FaceRect).toEqual({ Left: 354, Top: 453, Height: 473, Width: 473 });
    expect(face.FaceAttributes.Gender).toEqual({ Score: 0.7767378687858582, Value: 'Female' });
    expect(server.accepted('DetectFaceAttributes')[0]!.body).toMatchObject({ RetAttributes: 'Gender,Headpose,Blur', MaxFaceNum: '1', DontSaveDB: 'true', ClientTag: '', MaxNumPhotosPerCategory: '1' });
  });

  it('SubmitVerification: Biz, TicketId and materials all in the body', async () => {
    const res = await clientFor(server, { format }).submitVerification({ Biz: 'RPBasic', TicketId: 't-2', Material: [...MATERIALS] });
    expect(res.Data.VerifyStatus.StatusCode).toBe(1);
    expect(server.accepted('SubmitVerification')[0]!.body).toMatchObject({ Biz: 'RPBasic', TicketId: 't-2' });
  });
});

describe('requests refused before sending', () => {
  it('actions that 2019-03-07 does not have (or has with other parameters)', async () => {
    const client = clientFor(server, { apiVersion: '2019-03-07' });
    const error = await caught(client.getStatus({ Biz: 'b', TicketId: 't' }));
    expect(error).toBeInstanceOf(CloudauthInputError);
    expect(error).toMatchObject({ code: 'UnsupportedApiVersion' });
    expect(await caught(client.detectFaceAttributes({ MaterialValue: TINY_JPEG, RetAttributes: ['Age'] }))).toMatchObject({ code: 'UnsupportedApiVersion' });
    expect(server.requests).toHaveLength(0);
  });

  it.each([
    ['two IDPic images', { ...COMPARE, SourceImageType: 'IDPic' }, 'InvalidParam.FacePicNotGiven'],
    ['a data: prefix', { ...COMPARE, SourceImageValue: 'data:image/jpeg;base64,/9j/' }, 'InvalidParam.ImageValuePatternError'],
    ['a local path', { ...COMPARE, TargetImageValue: '/tmp/face.jpg' }, 'InvalidParam.ImageValuePatternError'],
    ['an empty type', { ...COMPARE, TargetImageType: '' }, 'InvalidParam.ImageTypeEmpty'],
    ['an unknown type', { ...COMPARE, TargetImageType: 'Selfie' }, 'InvalidParam.ImageTypeInvalid'],
  ])('CompareFaces with %s', async (_what, request, code) => {
    const error = await caught(clientFor(server).compareFaces(request as never));
    expect(error).toBeInstanceOf(CloudauthInputError);
    expect(error).toMatchObject({ code });
    expect(server.requests).toHaveLength(0);
  });

  it('SubmitMaterials with 11 materials or none', async () => {
    const eleven = Array.from({ length: 11 }, () => ({ MaterialType: 'Name' as const, Value: 'x' }));
    expect(await caught(clientFor(server).submitMaterials({ VerifyToken: 't', Material: eleven }))).toMatchObject({ code: 'InvalidParam.MaterialsNotValid' });
    expect(await caught(clientFor(server).submitMaterials({ VerifyToken: 't', Material: [] }))).toMatchObject({ code: 'InvalidParam.MaterialsEmpty' });
    expect(server.requests).toHaveLength(0);
  });

  it('an image over 2 MB', async () => {
    const big = `base64://${Buffer.alloc(2 * 1024 * 1024 + 3, 7).toString('base64')}`;
    const error = await caught(clientFor(server).compareFaces({ ...COMPARE, SourceImageValue: big }));
    expect(error).toBeInstanceOf(CloudauthImageError);
    expect(error).toMatchObject({ code: 'ImageTooLarge' });
    expect(server.requests).toHaveLength(0);
  });

  it('a body over 8 MB although every image is under 2 MB', async () => {
    const image = `base64://${Buffer.alloc(1_900_000, 0xfb).toString('base64')}`;
    const pics = ['FacePic', 'IDPic', 'IdCardFrontPic', 'IdCardBackPic'] as const;
    const error = await caught(clientFor(server).submitMaterials({ VerifyToken: 't', Material: pics.map((MaterialType) => ({ MaterialType, Value: image })) }));
    expect(error).toMatchObject({ code: 'BodyTooLarge' });
    expect(server.requests).toHaveLength(0);
  });
});

describe('large bodies', () => {
  it('sends two 1.9 MB images in one signed POST (axios limits do not cut in)', async () => {
    const image = `base64://${randomBytes(1_900_000).toString('base64')}`;
    const res = await clientFor(server).compareFaces({ ...COMPARE, SourceImageValue: image, TargetImageValue: image });
    expect(res.Success).toBe(true);
    const [req] = server.accepted('CompareFaces');
    expect(req!.signatureOk).toBe(true);
    expect(req!.bodyBytes).toBeGreaterThan(5_000_000);
    expect(req!.body.SourceImageValue).toBe(image);
  });
});

describe('gateway checks answered by the server', () => {
  it('a wrong secret: SignatureDoesNotMatch, and the hint says the secret is wrong', async () => {
    await server.close();
    server = await CloudauthTestServer.start({ echoStringToSign: true });
    const error = await caught(clientFor(server, { accessKeySecret: 'Zx9-mistyped-secret' }).submitMaterials({ VerifyToken: 't', Material: [...MATERIALS] }));
    expect(error).toBeInstanceOf(CloudauthAuthError);
    expect(error).toMatchObject({ code: 'SignatureDoesNotMatch', httpStatus: 400, retryable: false });
    expect((error as CloudauthAuthError).hint).toMatch(/secret is wrong/);
    // The echoed string to sign carries the name and ID number: it must not reach the message.
    const printed = JSON.stringify((error as CloudauthAuthError).toJSON());
    expect(printed).not.toContain('63054619800909099X');
    expect(printed).not.toContain('Zx9-mistyped-secret');
    expect(server.requests).toHaveLength(1);
  });

  it('a request changed after signing: the hint blames the path between kiosk and service', async () => {
    await server.close();
    server = await CloudauthTestServer.start({ echoStringToSign: true });
    const tampering: HttpTransport = (req) => axiosTransport()({ ...req, body: req.body?.replace('VerifyToken=tok', 'VerifyToken=tok2') });
    const error = await caught(clientFor(server, { transport: tampering }).submitMaterials({ VerifyToken: 'tok', Material: [...MATERIALS] }));
    expect(error).toMatchObject({ code: 'SignatureDoesNotMatch' });
    expect((error as CloudauthAuthError).hint).toMatch(/different string to sign/);
  });

  it('an unknown AccessKey ID', async () => {
    const error = await caught(clientFor(server, { accessKeyId: 'nobody' }).getStatus({ Biz: 'b', TicketId: 't' }));
    expect(error).toMatchObject({ code: 'InvalidAccessKeyId.NotFound', httpStatus: 404, retryable: false });
  });

  it('a kiosk clock 20 minutes off', async () => {
    const error = await caught(clientFor(server, { clock: () => new Date(Date.now() - 20 * 60_000) }).getStatus({ Biz: 'b', TicketId: 't' }));
    expect(error).toBeInstanceOf(CloudauthAuthError);
    expect(error).toMatchObject({ code: 'InvalidTimeStamp.Expired' });
    expect((error as CloudauthAuthError).hint).toMatch(/NTP/);
  });

  it('a reused nonce', async () => {
    const client = clientFor(server, { nonce: () => 'same-nonce' });
    await client.getStatus({ Biz: 'b', TicketId: 't' });
    expect(await caught(client.getStatus({ Biz: 'b', TicketId: 't' }))).toMatchObject({ code: 'SignatureNonceUsed', retryable: false });
  });
});

describe('error answers: every catalogued code, typed', () => {
  const codes = Object.entries(ERROR_CATALOGUE);
  it.each(codes)('%s', async (code, entry) => {
    const status = entry.statusByAction?.CompareFaces ?? entry.httpStatus;
    const attempts = entry.retryable ? 2 : 1;
    for (let i = 0; i < attempts; i++) server.script('CompareFaces', { error: { code, message: entry.message, status, requestId: `RID-${i}` } });
    const format = code.length % 2 ? 'XML' : 'JSON';
    const error = await caught(clientFor(server, { format, retry: { maxAttempts: attempts } }).compareFaces(COMPARE));
    expect(error).toBeInstanceOf(CloudauthApiError);
    expect(error).toMatchObject({ code, httpStatus: status, retryable: entry.retryable, requestId: `RID-${attempts - 1}`, hostId: 'cloudauth.aliyuncs.com', action: 'CompareFaces' });
    const expectedClass =
      entry.kind === 'throttled' ? CloudauthThrottledError
      : ['auth', 'clock', 'replay'].includes(entry.kind) ? CloudauthAuthError
      : entry.retryable ? CloudauthServerError
      : CloudauthRejectedError;
    expect(error).toBeInstanceOf(expectedClass);
    expect(server.accepted('CompareFaces')).toHaveLength(attempts);
  });

  it('an unknown 4xx code is typed, not retried, and keeps the service message', async () => {
    server.script('CompareFaces', { error: { code: 'Forbidden.RAM', message: 'User not authorized', status: 403 } });
    const error = await caught(clientFor(server).compareFaces(COMPARE));
    expect(error).toBeInstanceOf(CloudauthRejectedError);
    expect(error).toMatchObject({ code: 'Forbidden.RAM', retryable: false });
    expect((error as Error).message).toContain('User not authorized');
  });

  it('Success=false on HTTP 200 is an error too', async () => {
    server.script('CompareFaces', { raw: { status: 200, contentType: 'application/json', body: '{"RequestId":"R9","Success":false,"Code":"Error.NoFaceDetected","Message":"No face detected from given images."}' } });
    expect(await caught(clientFor(server).compareFaces(COMPARE))).toMatchObject({ code: 'Error.NoFaceDetected', httpStatus: 200, requestId: 'R9' });
  });
});

describe('retries', () => {
  it('retries a 5xx with a fresh nonce, timestamp and signature, then succeeds', async () => {
    let t = Date.parse('2026-01-01T00:00:00Z');
    await server.close();
    server = await CloudauthTestServer.start({ now: () => t });
    server.script('CompareFaces', { error: { code: 'Error.InternalError', message: 'boom', status: 500 } });
    const { delays, sleep } = recordingSleep();
    const res = await clientFor(server, {
      sleep,
      clock: () => {
        t += 1000;
        return new Date(t);
      },
    }).compareFaces(COMPARE);
    expect(res.Data.SimilarityScore).toBe(98.7913);
    const [first, second] = server.accepted('CompareFaces');
    expect(first!.nonce).not.toBe(second!.nonce);
    expect(first!.timestamp).not.toBe(second!.timestamp);
    expect(first!.query.Signature).not.toBe(second!.query.Signature);
    expect(second!.signatureOk).toBe(true);
    expect(delays).toEqual([375]);
  });

  it('backs off exponentially with jitter and gives up after maxAttempts', async () => {
    for (let i = 0; i < 4; i++) server.script('GetStatus', { error: { code: 'Throttling.User', message: 'Request was denied due to user flow control.', status: 400 } });
    const { delays, sleep } = recordingSleep();
    const retries: number[] = [];
    const error = await caught(clientFor(server, { sleep, onRetry: (r) => retries.push(r.attempt) }).getStatus({ Biz: 'b', TicketId: 't' }));
    expect(error).toBeInstanceOf(CloudauthThrottledError);
    expect(delays).toEqual([375, 750, 1500]);
    expect(retries).toEqual([1, 2, 3]);
    expect(new Set(server.accepted('GetStatus').map((r) => r.nonce)).size).toBe(4);
  });

  it('retries a dropped connection', async () => {
    server.script('GetStatus', { reset: true });
    const res = await clientFor(server).getStatus({ Biz: 'b', TicketId: 't' });
    expect(res.Data.StatusCode).toBe(1);
    expect(server.accepted('GetStatus')).toHaveLength(2);
  });

  it('a service that is down: a network error after every attempt', async () => {
    const url = server.url;
    await server.close();
    const error = await caught(clientFor(server, { endpoint: url, retry: { maxAttempts: 2 } }).getStatus({ Biz: 'b', TicketId: 't' }));
    expect(error).toBeInstanceOf(CloudauthNetworkError);
    expect((error as Error).message).toContain('ECONNREFUSED');
    server = await CloudauthTestServer.start();
  });

  it('a proxy 502 page without a cloudauth body is retried', async () => {
    server.script('GetStatus', { raw: { status: 502, body: '<html><body>Bad Gateway</body></html>', contentType: 'text/html' } });
    await clientFor(server).getStatus({ Biz: 'b', TicketId: 't' });
    expect(server.accepted('GetStatus')).toHaveLength(2);
  });

  it('does not retry a 400', async () => {
    server.script('GetStatus', { error: { code: 'InvalidParam.InvalidBiz', message: 'The biz is not valid.', status: 400 } });
    await caught(clientFor(server).getStatus({ Biz: 'b', TicketId: 't' }));
    expect(server.requests).toHaveLength(1);
  });
});

describe('timeouts and cancellation', () => {
  it('times out a silent server and retries, each attempt with its own timeout', async () => {
    server.script('GetStatus', { hang: true }, { hang: true });
    const started = Date.now();
    const error = await caught(clientFor(server, { timeoutMs: 150, retry: { maxAttempts: 2 } }).getStatus({ Biz: 'b', TicketId: 't' }));
    expect(error).toBeInstanceOf(CloudauthTimeoutError);
    expect(error).toMatchObject({ code: 'Timeout', retryable: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(server.accepted('GetStatus')).toHaveLength(2);
  });

  it('a slow answer within the timeout is fine; a per-call timeout overrides the client one', async () => {
    server.script('GetStatus', { delayMs: 120, then: { reply: { json: '{"Data":{"StatusCode":2},"Success":true}', xml: '' } } });
    const client = clientFor(server, { timeoutMs: 50 });
    expect((await client.getStatus({ Biz: 'b', TicketId: 't' }, { timeoutMs: 2000 })).Data.StatusCode).toBe(2);
  });

  it('the default timeout is far above the official SDK 3 s', async () => {
    const { DEFAULT_TIMEOUT_MS } = await import('../../cloudauth/client');
    expect(DEFAULT_TIMEOUT_MS).toBeGreaterThanOrEqual(15_000);
  });

  it('an AbortSignal stops the request at once and is not retried', async () => {
    server.script('GetStatus', { hang: true });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await caught(clientFor(server).getStatus({ Biz: 'b', TicketId: 't' }, { signal: controller.signal }));
    expect(error).toBeInstanceOf(CloudauthAbortedError);
    expect(server.requests).toHaveLength(1);
  });

  it('an abort during the backoff wait ends the call', async () => {
    server.script('GetStatus', { error: { code: 'Error.InternalError', message: 'x', status: 500 } });
    const controller = new AbortController();
    const client = clientFor(server, {
      sleep: async () => {
        controller.abort();
        throw new Error('aborted');
      },
    });
    expect(await caught(client.getStatus({ Biz: 'b', TicketId: 't' }, { signal: controller.signal }))).toBeInstanceOf(CloudauthAbortedError);
    expect(server.requests).toHaveLength(1);
  });
});

describe('answers the client cannot use', () => {
  it('HTTP 200 with text that is neither JSON nor XML', async () => {
    server.script('GetStatus', { raw: { status: 200, body: 'OK' } });
    const error = await caught(clientFor(server).getStatus({ Biz: 'b', TicketId: 't' }));
    expect(error).toBeInstanceOf(CloudauthProtocolError);
    expect(error).toMatchObject({ code: 'MalformedResponse', retryable: false });
    expect(server.requests).toHaveLength(1);
  });

  it('a success envelope whose Data lacks a documented field', async () => {
    server.script('CompareFaces', { raw: { status: 200, contentType: 'application/json', body: '{"Code":"1","Success":true,"Data":{"ConfidenceThresholds":"{}"}}' } });
    const error = await caught(clientFor(server).compareFaces(COMPARE));
    expect(error).toMatchObject({ code: 'UnexpectedResponse' });
    expect((error as Error).message).toContain('Data.SimilarityScore');
  });

  it('an XML error body although JSON was asked for (gateway default format)', async () => {
    server.script('GetStatus', { raw: { status: 400, contentType: 'text/xml', body: '<?xml version="1.0"?><Error><RequestId>R-X</RequestId><HostId>h</HostId><Code>MissingParameter</Code><Message>TicketId is mandatory</Message></Error>' } });
    const error = await caught(clientFor(server, { format: 'JSON' }).getStatus({ Biz: 'b', TicketId: 't' }));
    expect(error).toMatchObject({ code: 'MissingParameter', requestId: 'R-X', httpStatus: 400 });
  });

  it('a broken JSON answer is not quoted in the error (it may hold personal data)', async () => {
    server.script('GetMaterials', { raw: { status: 200, contentType: 'application/json', body: '{"Code":"1","Data":{"Name":"李明","IdentificationNumber":"545230199002108328"' } });
    const error = await caught(clientFor(server).getMaterials({ Biz: 'b', TicketId: 't' }));
    expect(error).toMatchObject({ code: 'MalformedResponse' });
    expect(JSON.stringify(error)).not.toContain('545230199002108328');
    expect((error as Error).message).not.toContain('李明');
    expect((error as Error).cause).toBeUndefined();
  });

  it('network errors keep only the transport code as cause, not the request body', async () => {
    server.script('SubmitMaterials', { reset: true });
    const error = await caught(clientFor(server, { retry: { maxAttempts: 1 } }).submitMaterials({ VerifyToken: 't', Material: [...MATERIALS] }));
    expect(error).toBeInstanceOf(CloudauthNetworkError);
    expect(String((error as Error).cause)).not.toContain('63054619800909099X');
    expect(JSON.stringify((error as Error).cause)).not.toContain('63054619800909099X');
  });

  it('errors never carry the AccessKey secret', async () => {
    server.script('GetStatus', { error: { code: 'Error.NoPermissionAccess', message: 'No permission to access our service.', status: 403 } });
    const error = await caught(clientFor(server).getStatus({ Biz: 'b', TicketId: 't' }));
    expect(JSON.stringify((error as CloudauthApiError).toJSON())).not.toContain(KEY_SECRET);
  });
});
