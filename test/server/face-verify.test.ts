import RPCClient from '@alicloud/pop-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaceError } from '../../face/errors';
import type { FaceBackend } from '../../server/face-pool';
import { MAX_FAILURES } from '../../server/face-verify/failures';
import { ReferenceStore } from '../../server/references/store';
import { serverKeys } from '../../server/start';
import { FAKE_THRESHOLDS, fakeImage } from './support/fake-face';
import { startTestServer, type TestServer } from './support/harness';

// face_verify (guide 4.2) through the official pop-core client, against references enrolled here.
// The face engine is a stand-in: "person:NAME" bytes are NAME's face, and so are the JPEGs the
// test registers (the H5 endpoint needs a real JPEG to check the frame).
const ID = '11010519491231002X';
const UNKNOWN_ID = '110105194912310038';
const jpegOwners = new Map<string, string>();
const personOf = (bytes: Uint8Array): string => {
  const jpeg = jpegOwners.get(Buffer.from(bytes).toString('base64'));
  if (jpeg) return jpeg;
  const m = /^person:([^:]+)/.exec(Buffer.from(bytes.subarray(0, 64)).toString('latin1'));
  if (!m) throw new FaceError('Error.NoFaceDetected', 'No face was detected in the image.');
  return m[1]!;
};
const face: FaceBackend = {
  async compare(source, target) {
    return { SimilarityScore: personOf(source) === personOf(target) ? 95.1234 : 20.5, ConfidenceThresholds: { ...FAKE_THRESHOLDS } };
  },
  async detectAttributes() {
    throw new Error('unused');
  },
  async close() {},
};
async function jpegOf(name: string, shade: number): Promise<Buffer> {
  const bytes = await sharp({ create: { width: 400, height: 400, channels: 3, background: { r: shade, g: 255 - shade, b: 128 } } }).jpeg().toBuffer();
  jpegOwners.set(bytes.toString('base64'), name);
  return bytes;
}

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ face: face as never, h5: { capture: { activeChallenges: [], antispoofMin: 0, livenessMin: 0 } } });
  const keys = serverKeys(t.dataDir, t.env);
  await new ReferenceStore({ repo: t.server.repo, biometrics: keys.biometrics, indexKey: keys.tokenKey, now: () => new Date(), randomHex: (n) => 'c'.repeat(n * 2) }).enroll({
    idNumber: ID, name: '张三', photo: await jpegOf('zhang', 200), sourceKiosk: 'test', consent: { source: 'operator', at: '2026-12-01T00:00:00Z', wording: 'test' },
  });
});
afterAll(async () => {
  // Every request above carried the ID number; the log holds it masked only.
  expect(t.logText()).not.toContain(ID);
  expect(t.logText()).toContain('110105********002X');
  await t.close();
});

type FvAnswer = { Code: number; Message: string; RequestId: string; Data?: Record<string, any> };
const pop = () => new RPCClient({ endpoint: t.url, apiVersion: '2017-03-31', accessKeyId: t.key.AccessKeyId, accessKeySecret: t.key.AccessKeySecret });
const fv = (parameters: Record<string, unknown>) =>
  pop().request<FvAnswer>('ExecuteRequest', { Service: 'face_verify', ServiceParameters: JSON.stringify(parameters) }, { method: 'POST', timeout: 20_000 });
const b64 = (bytes: Buffer) => bytes.toString('base64').replace(/\+/g, '-').replace(/\//g, '_');

describe('face_verify match', () => {
  it('answers Z8300 with the score for the enrolled person', async () => {
    const answer = await fv({ method: 'match', name: '张三', certNumber: ID, imgbase64: b64(fakeImage('zhang')) });
    expect(answer).toMatchObject({ Code: 200, Message: 'OK', Data: { resultCode: 'OK', resultCodeSub: 'Z8300', score: 95.1234 } });
    expect(answer.RequestId).toMatch(/^[0-9A-F-]{36}$/);
  });
  it('answers Z1146 for another face', async () => {
    expect((await fv({ method: 'match', name: '张三', certNumber: ID, imgbase64: b64(fakeImage('li')) })).Data).toMatchObject({ resultCode: 'NOT_SAME_PERSON', resultCodeSub: 'Z1146', score: 20.5 });
  });
  it('answers Z1102 for an ID number with no reference', async () => {
    expect((await fv({ method: 'match', name: '李四', certNumber: UNKNOWN_ID, imgbase64: b64(fakeImage('li')) })).Data).toMatchObject({ resultCodeSub: 'Z1102' });
  });
  it('refuses bad parameters with 400 and Z8101 / Z8105 / Z8301', async () => {
    const refused = async (parameters: Record<string, unknown>) => {
      const error = await fv(parameters).then(() => undefined, (e: Error & { code?: unknown; data?: FvAnswer }) => e);
      expect(error?.code).toBe(400);
      return error!.data!.Data!.resultCodeSub as string;
    };
    expect(await refused({ method: 'match', certNumber: ID, imgbase64: b64(fakeImage('zhang')) })).toBe('Z8101');
    expect(await refused({ method: 'match', name: '张三', certNumber: '110105194912310000', imgbase64: b64(fakeImage('zhang')) })).toBe('Z8105');
    expect(await refused({ method: 'init', name: '张三', certNumber: ID, metainfo: '{}' })).toBe('Z8101');
    expect(await refused({ method: 'query', bizId: 'b1', queryId: 'nope' })).toBe('Z8301');
    expect(await refused({ method: 'init', name: '张三', certNumber: ID, bizId: 'b2', callbackUrl: 'file:///etc/passwd', callbackSeed: 'seed-of-the-caller' })).toBe('Z8101');
    expect(await refused({ method: 'frobnicate' })).toBe('Z8101');
  });
  it('answers 404 for another Service', async () => {
    const error = await pop().request('ExecuteRequest', { Service: 'account_abuse', ServiceParameters: '{}' }, { method: 'POST' }).catch((e: Error & { code?: unknown }) => e);
    expect((error as { code?: unknown }).code).toBe(404);
  });
  it(`answers Z1114 after ${MAX_FAILURES} failures for one ID number`, async () => {
    const other = '110105194912310011';
    const keys = serverKeys(t.dataDir, t.env);
    await new ReferenceStore({ repo: t.server.repo, biometrics: keys.biometrics, indexKey: keys.tokenKey, now: () => new Date(), randomHex: (n) => 'd'.repeat(n * 2) }).enroll({
      idNumber: other, name: '王五', photo: fakeImage('wang'), sourceKiosk: 'test', consent: { source: 'operator', at: 'x', wording: 'x' },
    });
    for (let i = 0; i < MAX_FAILURES; i++) expect((await fv({ method: 'match', name: '王五', certNumber: other, imgbase64: b64(fakeImage('li')) })).Data!.resultCodeSub).toBe('Z1146');
    expect((await fv({ method: 'match', name: '王五', certNumber: other, imgbase64: b64(fakeImage('wang')) })).Data!.resultCodeSub).toBe('Z1114');
  });
});

describe('face_verify init and query with the H5 page', () => {
  const api = async (path: string, body: unknown) => {
    const response = await fetch(`${t.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: response.status, json: (await response.json()) as Record<string, any> };
  };
  const honest = { passed: true, challenge: null, durationMs: 1200, checks: [
    { name: 'passive-antispoof', ran: true, passed: true, score: 0.9, threshold: 0 },
    { name: 'passive-liveness', ran: true, passed: true, score: 0.9, threshold: 0 },
  ] };

  it('answers Z5137 until the page completes, then Z8300 with the captured image', async () => {
    const init = await fv({ method: 'init', name: '张三', certNumber: ID, bizId: 'ZSTP2018', metainfo: '{"appName":"x"}' });
    expect(init.Data).toMatchObject({ resultCodeSub: 'Z8100', bizId: 'ZSTP2018' });
    const { queryId, pageUrl } = init.Data as { queryId: string; pageUrl: string };
    expect(queryId).toMatch(/^[0-9a-f]{32}$/);
    expect((await fv({ method: 'query', bizId: 'ZSTP2018', queryId })).Data).toMatchObject({ resultCode: 'PROCESSING', resultCodeSub: 'Z5137' });
    // Another bizId does not open someone's queryId.
    await expect(fv({ method: 'query', bizId: 'OTHER', queryId })).rejects.toMatchObject({ code: 400 });

    const token = new URL(pageUrl).searchParams.get('token')!;
    const started = await api('/h5/api/start', { token });
    expect(started.status).toBe(200);
    expect(started.json.person).toEqual({ name: '张*', idNumber: '110105********002X' });
    const frame = await jpegOf('zhang', 10);
    const submitted = await api('/h5/api/submit', { token, challengeId: started.json.challenge.challengeId, image: frame.toString('base64'), liveness: honest });
    expect(submitted.json).toEqual({ verdict: 'pass', reason: null, score: 95.1234 });

    const done = await fv({ method: 'query', bizId: 'ZSTP2018', queryId, returnImage: '1' });
    expect(done.Data).toMatchObject({ resultCode: 'OK', resultCodeSub: 'Z8300' });
    expect(Buffer.from((done.Data!.image as string).replace(/-/g, '+').replace(/_/g, '/'), 'base64')).toEqual(frame);
    // The link is spent.
    expect((await api('/h5/api/start', { token })).status).toBe(410);
  });

  it('refuses a forged liveness record: the ticket fails without a comparison', async () => {
    const init = await fv({ method: 'init', name: '张三', certNumber: ID, bizId: 'FORGED', metainfo: '{}' });
    const token = new URL(init.Data!.pageUrl as string).searchParams.get('token')!;
    const started = await api('/h5/api/start', { token });
    const forged = { passed: true, challenge: null, durationMs: 10, checks: [] };
    const submitted = await api('/h5/api/submit', { token, challengeId: started.json.challenge.challengeId, image: (await jpegOf('zhang', 60)).toString('base64'), liveness: forged });
    expect(submitted.json).toMatchObject({ verdict: 'fail', reason: 'liveness-failed' });
    expect((await fv({ method: 'query', bizId: 'FORGED', queryId: init.Data!.queryId })).Data).toMatchObject({ resultCodeSub: 'Z1146' });
  });

  it('accepts each challenge once and refuses one issued for another link', async () => {
    const a = await fv({ method: 'init', name: '张三', certNumber: ID, bizId: 'A', metainfo: '{}' });
    const b = await fv({ method: 'init', name: '张三', certNumber: ID, bizId: 'B', metainfo: '{}' });
    const tokenA = new URL(a.Data!.pageUrl as string).searchParams.get('token')!;
    const tokenB = new URL(b.Data!.pageUrl as string).searchParams.get('token')!;
    const startedA = await api('/h5/api/start', { token: tokenA });
    const image = (await jpegOf('zhang', 90)).toString('base64');
    const crossed = await api('/h5/api/submit', { token: tokenB, challengeId: startedA.json.challenge.challengeId, image, liveness: honest });
    expect(crossed.status).toBe(409);
    // The crossed attempt used the challenge up.
    expect((await api('/h5/api/submit', { token: tokenA, challengeId: startedA.json.challenge.challengeId, image, liveness: honest })).status).toBe(409);
  });

  it('gives at most five challenges per link', async () => {
    const init = await fv({ method: 'init', name: '张三', certNumber: ID, bizId: 'DRAWS', metainfo: '{}' });
    const token = new URL(init.Data!.pageUrl as string).searchParams.get('token')!;
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await api('/h5/api/start', { token })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
  });

  it('serves a clear page for an unknown, spent or expired link', async () => {
    const unknown = await fetch(`${t.url}/h5/verify?token=nope`);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('认证链接无效');
    const init = await fv({ method: 'init', name: '张三', certNumber: ID, bizId: 'EXP', metainfo: '{}' });
    t.clockOffsetMs = 1801_000;
    try {
      const expired = await fetch(init.Data!.pageUrl as string);
      expect(expired.status).toBe(410);
      expect(await expired.text()).toContain('has expired');
    } finally {
      t.clockOffsetMs = 0;
    }
  });
});
