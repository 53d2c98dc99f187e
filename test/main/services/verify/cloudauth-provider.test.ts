import sharp from 'sharp';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { encodeBmp24 } from '../../../../imaging/bmp';
import { createCloudauthProvider, type CloudauthProviderOptions } from '../../../../main/services/verify/cloudauth-provider';
import type { VerifyInput } from '../../../../main/services/verify/provider';
import { compareFacesResponse, verifyStatusResponse, getStatusResponse } from '../../../cloudauth/support/spec-responses';
import { CloudauthTestServer } from '../../../cloudauth/support/test-server';

const SECRET = 'provider-secret-Q7';
let server: CloudauthTestServer;
let live: Buffer;
let chipBmp: Buffer;

beforeAll(async () => {
  live = await sharp({ create: { width: 320, height: 400, channels: 3, background: '#d09070' } }).jpeg().toBuffer();
  chipBmp = encodeBmp24({ width: 102, height: 126, data: Buffer.alloc(102 * 126 * 3, 0x80) });
});
beforeEach(async () => {
  server = await CloudauthTestServer.start({ keys: { kiosk: SECRET } });
});
afterEach(async () => {
  await server.close();
});

function provider(overrides: Partial<CloudauthProviderOptions> = {}) {
  return createCloudauthProvider({
    endpoint: server.url,
    region: 'cn-hangzhou',
    apiVersion: '2018-09-16',
    mode: 'compare',
    accessKeyId: 'kiosk',
    accessKeySecret: SECRET,
    far: 0.001,
    sleep: async () => {},
    ticketId: () => 'ticket-42',
    ...overrides,
  });
}

function input(stages: string[] = []): VerifyInput {
  return {
    reference: { mime: 'image/bmp', bytes: chipBmp },
    live,
    identity: { type: 'resident', name: '李三', idNumber: '11010519491231002X' },
    onStage: (s) => stages.push(s),
  };
}

describe('cloudauth provider: status', () => {
  it('is not ready without an AccessKey, and says so without secrets', () => {
    expect(provider({ accessKeySecret: undefined }).status()).toEqual({ ready: false, detail: 'cloudauth AccessKey ID or secret is not configured' });
  });
  it('is not ready with an endpoint that is not an http(s) URL', () => {
    expect(provider({ endpoint: 'cloudauth.aliyuncs.com' }).status()).toEqual({ ready: false, detail: 'cloudauth endpoint "cloudauth.aliyuncs.com" is not an http(s) URL' });
  });
  it('RPMin needs a Biz and API version 2018-09-16', () => {
    expect(provider({ mode: 'rpmin' }).status().ready).toBe(false);
    expect(provider({ mode: 'rpmin', biz: 'RPMin', apiVersion: '2019-03-07' }).status().detail).toMatch(/2018-09-16/);
    expect(provider({ mode: 'rpmin', biz: 'RPMin' }).status().ready).toBe(true);
  });
  it('when ready, names mode, version and host but not the secret', () => {
    const status = provider().status();
    expect(status.ready).toBe(true);
    expect(status.detail).toBe(`cloudauth CompareFaces 2018-09-16 at ${new URL(server.url).host}`);
    expect(JSON.stringify(status)).not.toContain(SECRET);
  });
  it('verify without configuration is an error outcome and sends nothing', async () => {
    expect(await provider({ accessKeyId: '' }).verify(input())).toMatchObject({ kind: 'error', reason: 'provider-unavailable' });
    expect(server.requests).toHaveLength(0);
  });
});

describe('cloudauth provider: CompareFaces', () => {
  it('compares the live face (FacePic) with the chip photo (IDPic) and passes at the FAR threshold', async () => {
    const stages: string[] = [];
    const outcome = await provider().verify(input(stages));
    expect(outcome).toEqual({ kind: 'compared', score: 98.7913, threshold: 80.01, far: 0.001 });
    expect(stages).toEqual(['preparing', 'comparing']);
    const [req] = server.accepted('CompareFaces');
    expect(req!.body.SourceImageType).toBe('FacePic');
    expect(req!.body.SourceImageValue).toBe(`base64://${live.toString('base64')}`);
    expect(req!.body.TargetImageType).toBe('IDPic');
    const chip = Buffer.from(req!.body.TargetImageValue!.slice('base64://'.length), 'base64');
    expect((await sharp(chip).metadata()).format).toBe('jpeg'); // the BMP was converted
  });

  it('takes the threshold the service published for the configured FAR', async () => {
    server.script('CompareFaces', { reply: compareFacesResponse(75) }, { reply: compareFacesResponse(75) });
    expect(await provider({ far: 0.001 }).verify(input())).toMatchObject({ kind: 'compared', threshold: 80.01, score: 75 });
    expect(await provider({ far: 0.01 }).verify(input())).toMatchObject({ kind: 'compared', threshold: 70.02, score: 75 });
  });

  it('a FAR the service gave no threshold for is an error, not a guess', async () => {
    const outcome = await provider({ far: 0.05 }).verify(input());
    expect(outcome).toMatchObject({ kind: 'error', reason: 'threshold-unavailable' });
    expect(outcome.kind === 'error' && outcome.message).toMatch(/0\.0001, 0\.001, 0\.01/);
  });

  it('a spec error becomes an error outcome with the spec code', async () => {
    server.script('CompareFaces', { error: { code: 'Error.NoFaceDetected', message: 'No face detected from given images.', status: 400 } });
    const outcome = await provider().verify(input());
    expect(outcome).toMatchObject({ kind: 'error', reason: 'no-face', providerCode: 'Error.NoFaceDetected' });
    expect(outcome.kind === 'error' && outcome.message).toMatch(/Retake the photo/);
  });

  it('uses API version 2019-03-07 when configured', async () => {
    await provider({ apiVersion: '2019-03-07' }).verify(input());
    expect(server.accepted('CompareFaces')[0]!.query.Version).toBe('2019-03-07');
  });
});

describe('cloudauth provider: RPMin', () => {
  it('submits name, ID number, live face and chip photo; the service verdict decides', async () => {
    const stages: string[] = [];
    const outcome = await provider({ mode: 'rpmin', biz: 'RPMin' }).verify(input(stages));
    expect(outcome).toMatchObject({ kind: 'decided', score: 95.22905, pass: true });
    expect(stages).toEqual(['preparing', 'submitting']);
    expect(server.accepted('GetVerifyToken')[0]!.query).toMatchObject({ Biz: 'RPMin', TicketId: 'ticket-42' });
    expect(server.accepted('SubmitMaterials')[0]!.body).toMatchObject({ 'Material.1.Value': '李三', 'Material.2.Value': '11010519491231002X', 'Material.3.MaterialType': 'FacePic', 'Material.4.MaterialType': 'IDPic' });
  });

  it('polls while in review and reports a failed review as not passing', async () => {
    server.script('SubmitMaterials', { reply: verifyStatusResponse('SubmitMaterials', 0) });
    server.script('GetStatus', { reply: getStatusResponse(2, 30.5) });
    const stages: string[] = [];
    const outcome = await provider({ mode: 'rpmin', biz: 'RPMin' }).verify(input(stages));
    expect(outcome).toMatchObject({ kind: 'decided', score: 30.5, pass: false });
    expect(stages).toEqual(['preparing', 'submitting', 'polling']);
  });
});
