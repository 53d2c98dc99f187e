import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBase64Value } from '../../cloudauth';
import { addressPolicy } from '../../server/images/address-policy';
import { checkedAddress, ImageFetchError } from '../../server/images/fetch-image';
import { fakeImage } from './support/fake-face';
import { startTestServer, type TestServer } from './support/harness';
import { rawCall, send } from './support/raw';

describe('the image address policy', () => {
  const policy = addressPolicy();
  it.each(['127.0.0.1', '127.9.9.9', '10.0.0.1', '172.16.5.4', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', '::', 'fe80::1', 'fc00::1', 'fd12::3', '::ffff:127.0.0.1', '::ffff:8.8.8.8', '64:ff9b::a00:1', '224.0.0.1'])(
    'refuses %s',
    (address) => expect(policy.refuse(address)).toBeDefined(),
  );
  it.each(['8.8.8.8', '1.1.1.1', '2001:4860:4860::8888'])('allows the public address %s', (address) => expect(policy.refuse(address)).toBeUndefined());
  it('opens only the ranges the allow-list names', () => {
    const open = addressPolicy(['127.0.0.2/32', '10.20.0.0/16']);
    expect(open.refuse('127.0.0.2')).toBeUndefined();
    expect(open.refuse('10.20.3.4')).toBeUndefined();
    expect(open.refuse('127.0.0.3')).toBeDefined();
    expect(open.refuse('10.21.0.1')).toBeDefined();
  });
  it('rejects an allow-list entry that is not an address', () => {
    expect(() => addressPolicy(['localhost'])).toThrow(/not an IP address/);
  });
});

describe('resolving an image host', () => {
  // Names are resolved by a stand-in resolver; nothing connects anywhere.
  const resolver = async (host: string) =>
    host === 'mixed.example' ? [{ address: '93.184.216.34', family: 4 }, { address: '10.0.0.7', family: 4 }] : host === 'public.example' ? [{ address: '93.184.216.34', family: 4 }] : [];

  it('refuses a name when any of its addresses is private', async () => {
    await expect(checkedAddress('mixed.example', addressPolicy(), resolver)).rejects.toThrow(ImageFetchError);
  });
  it('returns the checked public address to connect to', async () => {
    await expect(checkedAddress('public.example', addressPolicy(), resolver)).resolves.toEqual({ address: '93.184.216.34', family: 4 });
  });
  it('checks bracketed IPv6 literals without resolving them', async () => {
    await expect(checkedAddress('[::ffff:7f00:1]', addressPolicy(), resolver)).rejects.toThrow(/not a public address/);
  });
});

/** A local HTTP server on one loopback address that counts its requests. */
async function localServer(host: string, handler: (path: string, res: import('node:http').ServerResponse) => void): Promise<{ server: Server; url: string; hits: () => number }> {
  let hits = 0;
  const server = createServer((req, res) => {
    hits++;
    handler(req.url ?? '/', res);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return { server, url: `http://${host}:${(server.address() as AddressInfo).port}`, hits: () => hits };
}

describe('http(s) images in requests', () => {
  let t: TestServer;
  let first: Awaited<ReturnType<typeof localServer>>;
  let second: Awaited<ReturnType<typeof localServer>>;
  beforeAll(async () => {
    second = await localServer('127.0.0.3', (_path, res) => res.end(fakeImage('hop')));
    first = await localServer('127.0.0.2', (path, res) => {
      if (path === '/redirect') {
        res.writeHead(302, { location: `${second.url}/face.jpg` }).end();
      } else if (path === '/huge') {
        res.end(Buffer.alloc(2 * 1024 * 1024 + 1));
      } else if (path === '/slow') {
        res.write('person:');
      } else {
        res.end(fakeImage('remote'));
      }
    });
    // The allow-list lets the first hop (127.0.0.2) through, never the second (127.0.0.3).
    t = await startTestServer({
      allowAddresses: ['127.0.0.2/32'],
      imageFetchTimeoutMs: 700,
      resolve: async (host) => (host === 'intranet.example' ? [{ address: '10.1.2.3', family: 4 }] : []),
    });
  });
  afterAll(async () => {
    await t.close();
    first.server.closeAllConnections();
    await new Promise((r) => first.server.close(r));
    await new Promise((r) => second.server.close(r));
  });

  const compare = (url: string) =>
    rawCall(t.url, t.key, 'CompareFaces', { SourceImageType: 'FacePic', SourceImageValue: url, TargetImageType: 'FacePic', TargetImageValue: toBase64Value(fakeImage('remote')) });

  it('fetches an image from an allow-listed address', async () => {
    const answer = await compare(`${first.url}/face.jpg`);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ Data: { SimilarityScore: 95.1234 } });
  });

  it('refuses a redirect to a private address and never contacts it', async () => {
    const before = second.hits();
    const answer = await compare(`${first.url}/redirect`);
    expect([answer.status, answer.body.Code]).toEqual([400, 'InvalidParam.ImageNotAcceptable']);
    expect(answer.body.Message).toContain('127.0.0.3 is not a public address');
    expect(second.hits()).toBe(before);
  });

  it('refuses a loopback address outside the allow-list before connecting', async () => {
    const before = second.hits();
    const answer = await compare(`${second.url}/face.jpg`);
    expect(answer.body.Code).toBe('InvalidParam.ImageNotAcceptable');
    expect(second.hits()).toBe(before);
  });

  it('refuses a name that resolves to a private address, in SubmitVerification as an upload error', async () => {
    const answer = await rawCall(t.url, t.key, 'SubmitVerification', {
      Biz: 'RPMinBiz',
      TicketId: 'intranet',
      'Material.1.MaterialType': 'Name',
      'Material.1.Value': '张三',
      'Material.2.MaterialType': 'IdentificationNumber',
      'Material.2.Value': '11010519491231002X',
      'Material.3.MaterialType': 'FacePic',
      'Material.3.Value': 'http://intranet.example/face.jpg',
      'Material.4.MaterialType': 'IDPic',
      'Material.4.Value': toBase64Value(fakeImage('x')),
    });
    expect([answer.status, answer.body.Code]).toEqual([500, 'Error.MaterialsUploadError']);
    expect(answer.body.Message).toContain('10.1.2.3 is not a public address');
  });

  it('stops reading an image past 2 MB', async () => {
    const answer = await compare(`${first.url}/huge`);
    expect(answer.body.Code).toBe('InvalidParam.ImageNotAcceptable');
    expect(answer.body.Message).toMatch(/2097152/);
  });

  it('gives up on an image that does not arrive within the timeout', async () => {
    const started = Date.now();
    const answer = await compare(`${first.url}/slow`);
    expect(answer.body.Code).toBe('InvalidParam.ImageNotAcceptable');
    expect(answer.body.Message).toContain('did not arrive within 700 ms');
    expect(Date.now() - started).toBeLessThan(3000);
  });
});

describe('the service store (STS uploads and oss:// references)', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.close());

  it('accepts an upload with the StsToken and reads it back as oss://BUCKET:PATH in SubmitMaterials', async () => {
    const client = t.client();
    const token = await client.getVerifyToken({ Biz: 'RPMinBiz', TicketId: 'sts' });
    const sts = token.Data.StsToken!;
    const put = (path: string, stsToken: string) => send(`${sts.EndPoint}/${sts.BucketName}/${path}`, 'PUT', fakeImage('uploaded').toString('latin1'), { 'content-type': 'image/jpeg', 'x-oss-security-token': stsToken });
    expect((await put(`${sts.Path}face.jpg`, 'wrong')).status).toBe(403);
    expect((await put(`other/face.jpg`, sts.Token)).status).toBe(403);
    expect((await put(`${sts.Path}face.jpg`, sts.Token)).status).toBe(200);
    const answer = await client.submitMaterials({
      VerifyToken: token.Data.VerifyToken.Token,
      Material: [
        { MaterialType: 'Name', Value: '张三' },
        { MaterialType: 'IdentificationNumber', Value: '11010519491231002X' },
        { MaterialType: 'FacePic', Value: `oss://${sts.BucketName}:${sts.Path}face.jpg` },
        { MaterialType: 'IDPic', Value: toBase64Value(fakeImage('uploaded')) },
      ],
    });
    expect(answer.Data.VerifyStatus.StatusCode).toBe(1);
  });

  it('opens the CloudauthPageUrl with its token, and refuses it without', async () => {
    const token = await t.client().getVerifyToken({ Biz: 'RPMinBiz', TicketId: 'page' });
    expect((await send(token.Data.CloudauthPageUrl!, 'GET')).status).toBe(200);
    expect((await send(`${t.url}/h5/verify?token=0000`, 'GET')).status).toBe(404);
  });

  it('serves GetMaterials links only while they are valid and unaltered', async () => {
    const client = t.client();
    await client.submitVerification({
      Biz: 'RPMinBiz',
      TicketId: 'links',
      Material: [
        { MaterialType: 'Name', Value: '张三' },
        { MaterialType: 'IdentificationNumber', Value: '11010519491231002X' },
        { MaterialType: 'FacePic', Value: toBase64Value(fakeImage('l')) },
        { MaterialType: 'IdCardFrontPic', Value: toBase64Value(fakeImage('l')) },
      ],
    });
    const { Data } = await client.getMaterials({ Biz: 'RPMinBiz', TicketId: 'links' });
    expect((await send(Data.IdCardFrontPic!, 'GET')).status).toBe(200);
    expect((await send(Data.IdCardFrontPic!.replace('IdCardFrontPic', 'FacePic'), 'GET')).status).toBe(403);
    t.clockOffsetMs = 3601_000;
    try {
      expect((await send(Data.IdCardFrontPic!, 'GET')).status).toBe(403);
    } finally {
      t.clockOffsetMs = 0;
    }
  });

  it('purges on start what is older than --retention-days', async () => {
    const short = await startTestServer({ retentionDays: 1 });
    try {
      await short.client().submitVerification({
        Biz: 'RPMinBiz',
        TicketId: 'retained',
        Material: [
          { MaterialType: 'Name', Value: '张三' },
          { MaterialType: 'IdentificationNumber', Value: '11010519491231002X' },
          { MaterialType: 'FacePic', Value: toBase64Value(fakeImage('r')) },
          { MaterialType: 'IDPic', Value: toBase64Value(fakeImage('r')) },
        ],
      });
      short.clockOffsetMs = 2 * 86_400_000;
      await short.restart();
      await expect(short.client().getMaterials({ Biz: 'RPMinBiz', TicketId: 'retained' })).rejects.toMatchObject({ code: 'InvalidParam.RecordNotFound' });
      expect(short.logs.some((l) => l.msg === 'purged materials past retention')).toBe(true);
    } finally {
      await short.close();
    }
  });

  it('purges images and materials past the retention period', async () => {
    const client = t.client();
    await client.submitVerification({
      Biz: 'RPMinBiz',
      TicketId: 'purged',
      Material: [
        { MaterialType: 'Name', Value: '张三' },
        { MaterialType: 'IdentificationNumber', Value: '11010519491231002X' },
        { MaterialType: 'FacePic', Value: toBase64Value(fakeImage('p')) },
        { MaterialType: 'IDPic', Value: toBase64Value(fakeImage('p')) },
      ],
    });
    const { Data } = await client.getMaterials({ Biz: 'RPMinBiz', TicketId: 'purged' });
    const now = new Date();
    const purged = await t.server.repo.purge({ biometricsBefore: new Date(now.getTime() + 1000), now });
    expect(purged.objects).toBeGreaterThanOrEqual(2);
    expect((await send(Data.FacePic!, 'GET')).status).toBe(404);
    await expect(client.getMaterials({ Biz: 'RPMinBiz', TicketId: 'purged' })).rejects.toMatchObject({ code: 'InvalidParam.RecordNotFound' });
    // The verdict itself stays.
    expect((await client.getStatus({ Biz: 'RPMinBiz', TicketId: 'purged' })).Data.StatusCode).toBe(1);
  });
});
