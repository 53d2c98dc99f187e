import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRpmin, toBase64Value } from '../../cloudauth';
import { readFile } from 'node:fs/promises';
import { run as serverCli } from '../../cli/server';
import { createCloudauthProvider } from '../../main/services/verify/cloudauth-provider';
import { randomBytes } from 'node:crypto';
import { CallbackDispatcher, callbackSignature, EVENT_HEADER, SIGNATURE_HEADER, subscribeCallback, ticketDecided, TIMESTAMP_HEADER } from '../../server/callbacks/notify';
import { addressPolicy } from '../../server/images/address-policy';
import { ReferenceStore } from '../../server/references/store';
import { startCallbackReceiver, type Arrival, type CallbackReceiver } from './support/callback-receiver';
import { setBizSettings } from '../../server/references/biz-settings';
import { serverKeys } from '../../server/start';
import { fakeImage } from './support/fake-face';
import { startTestServer, type TestServer } from './support/harness';

const ID = '11010519491231002X';
const OTHER_ID = '110105194912310038';
const consent = { RenzhengEnrollConsent: { consented: true, at: '2026-12-01T10:00:00Z', wording: 'enroll-v1', kiosk: 'counter-3' } };

let t: TestServer;
let store: ReferenceStore;
beforeAll(async () => {
  t = await startTestServer({ allowAddresses: ['127.0.0.1/32'], callbackBackoffMs: () => 200 });
  await t.createBiz('EnrollBiz', 'RPMin');
  await setBizSettings(t.server.repo, 'EnrollBiz', { enrollReferences: true }, new Date());
  const keys = serverKeys(t.dataDir, t.env);
  store = new ReferenceStore({ repo: t.server.repo, biometrics: keys.biometrics, indexKey: keys.tokenKey, now: () => new Date(), randomHex: (n) => 'a'.repeat(n * 2) });
});
afterAll(() => t.close());

const kioskVerify = (biz: string, ticketId: string, face: string, userData?: Record<string, unknown>, idNumber = ID) =>
  runRpmin(t.client(), { biz, ticketId, name: '张三', idNumber, facePic: toBase64Value(fakeImage(face)), idPic: toBase64Value(fakeImage('zhang')), userData });

function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  return serverCli([...args, '--data', t.dataDir], { stdout: (s) => void (out += s), stderr: (s) => void (err += s), env: t.env }).then((code) => ({ code, out, err }));
}

describe('references enrolled from kiosks', () => {
  it('keeps the chip photo of a passed kiosk verification whose person consented, when the biz allows it', async () => {
    const result = await kioskVerify('EnrollBiz', 'enroll-1', 'zhang', consent);
    expect(result.statusCode).toBe(1);
    const found = await store.find(ID);
    expect(found?.photo).toEqual(fakeImage('zhang'));
    expect(found?.reference).toMatchObject({ name: '张三', cardType: 'resident', sourceKiosk: 'counter-3', consent: { source: 'kiosk', wording: 'enroll-v1' } });
    expect(t.logText()).not.toContain(ID);
    // The ticket's own copy of the chip photo is known to the reference, so deleting it reaches that copy too.
    expect(found?.reference.copies).toHaveLength(1);
    expect(await t.server.repo.getObject(found!.reference.copies[0]!)).toBeDefined();
  });

  it('keeps nothing without consent, for a failed face, or when the biz does not enroll', async () => {
    await kioskVerify('EnrollBiz', 'enroll-2', 'zhang', undefined, OTHER_ID);
    expect(await store.find(OTHER_ID)).toBeUndefined();
    await kioskVerify('EnrollBiz', 'enroll-3', 'li', consent, OTHER_ID);
    expect(await store.find(OTHER_ID)).toBeUndefined();
    await kioskVerify('RPMinBiz', 'enroll-4', 'zhang', consent, OTHER_ID);
    expect(await store.find(OTHER_ID)).toBeUndefined();
  });

  it('adds, lists and deletes references from the command line; delete removes the record and the photo', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'renzheng-ref-'));
    try {
      writeFileSync(join(dir, 'chip.bmp'), fakeImage('wang'));
      const added = await cli(['references', 'add', '--id-number', OTHER_ID, '--name', '王五', '--photo', join(dir, 'chip.bmp')]);
      expect(added.code).toBe(0);
      expect(added.out).not.toContain(OTHER_ID);
      const listed = JSON.parse((await cli(['references', 'list'])).out) as { idNumber: string; name: string; consent: { source: string } }[];
      expect(listed.map((r) => r.idNumber)).toContain('110105********0038');
      expect(listed.find((r) => r.name === '王五')?.consent.source).toBe('operator');
      const photoKey = (await store.find(OTHER_ID))!.reference.photoKey;
      expect(await t.server.repo.getObject(photoKey)).toBeDefined();

      expect((await cli(['references', 'delete', '--id-number', OTHER_ID])).code).toBe(0);
      expect(await store.find(OTHER_ID)).toBeUndefined();
      expect(await t.server.repo.getObject(photoKey)).toBeUndefined();
      const again = await cli(['references', 'delete', '--id-number', OTHER_ID]);
      expect(again.code).toBe(1);
      expect(again.out).toContain('ReferenceNotFound');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('replaces the photo on re-enrolment and leaves no old copy behind', async () => {
    const { photoKey: before, copies } = (await store.find(ID))!.reference;
    const fresh = new ReferenceStore({ repo: t.server.repo, ...serverKeysFor(), now: () => new Date(), randomHex: (n) => 'b'.repeat(n * 2) });
    await fresh.enroll({ idNumber: ID, name: '张三', photo: fakeImage('zhang2'), sourceKiosk: 'k', consent: { source: 'operator', at: 'now', wording: 'w' } });
    expect(await t.server.repo.getObject(before)).toBeUndefined();
    expect(await t.server.repo.getObject(copies[0]!)).toBeUndefined();
    expect((await fresh.find(ID))!.photo).toEqual(fakeImage('zhang2'));
  });

  it('purges a reference past its retention, photo included', async () => {
    const keys = serverKeysFor();
    let now = new Date();
    const short = new ReferenceStore({ repo: t.server.repo, ...keys, now: () => now, randomHex: (n) => 'f'.repeat(n * 2), retentionDays: 1 });
    const id = '110105194912310020';
    await short.enroll({ idNumber: id, name: '赵六', photo: fakeImage('zhao'), sourceKiosk: 'k', consent: { source: 'operator', at: 'x', wording: 'x' } });
    const { photoKey } = (await short.find(id))!.reference;
    expect(await short.purge()).toBe(0);
    now = new Date(now.getTime() + 2 * 86_400_000);
    expect(await short.find(id)).toBeUndefined();
    expect(await short.purge()).toBe(1);
    expect(await t.server.repo.getObject(photoKey)).toBeUndefined();
  });

  it('deletes a kiosk-enrolled reference everywhere: the record, its photo and the ticket copy', async () => {
    const id = '110105194912310011';
    await kioskVerify('EnrollBiz', 'enroll-del', 'zhang', consent, id);
    const { photoKey, copies } = (await store.find(id))!.reference;
    expect(copies).toHaveLength(1);
    expect((await cli(['references', 'delete', '--id-number', id])).code).toBe(0);
    for (const key of [photoKey, ...copies]) expect(await t.server.repo.getObject(key)).toBeUndefined();
    expect(await store.find(id)).toBeUndefined();
  });
});

describe('the kiosk provider verifying through the service', () => {
  it('sends the consent with GetVerifyToken only when the person gave it, and the service enrolls the chip photo', async () => {
    // Real JPEGs (the provider prepares them with sharp); a face stand-in that finds every pair alike.
    const always = { async compare() { return { SimilarityScore: 97, ConfidenceThresholds: { '0.0001': 90, '0.001': 80, '0.01': 70 } }; }, async detectAttributes() { throw new Error('unused'); }, async close() {} };
    const s = await startTestServer({ face: always as never });
    try {
      await s.createBiz('KioskBiz', 'RPMin');
      await setBizSettings(s.server.repo, 'KioskBiz', { enrollReferences: true }, new Date());
      const photo = await readFile(join(import.meta.dirname, '../fixtures/faces/person-vlado1.jpg'));
      const provider = createCloudauthProvider({ endpoint: s.url, region: 'cn-hangzhou', apiVersion: '2018-09-16', mode: 'rpmin', biz: 'KioskBiz', accessKeyId: s.key.AccessKeyId, accessKeySecret: s.key.AccessKeySecret, far: 0.001, timeoutMs: 30_000 });
      const input = (idNumber: string) => ({ reference: { mime: 'image/jpeg' as const, bytes: photo }, live: photo, identity: { type: 'resident' as const, name: '张三', idNumber } });
      const keys = serverKeys(s.dataDir, s.env);
      const references = new ReferenceStore({ repo: s.server.repo, biometrics: keys.biometrics, indexKey: keys.tokenKey, now: () => new Date(), randomHex: (n) => 'a'.repeat(n * 2) });

      expect(await provider.verify(input(OTHER_ID))).toMatchObject({ kind: 'decided', pass: true });
      expect(await references.find(OTHER_ID)).toBeUndefined();

      expect(await provider.verify({ ...input(ID), enrollConsent: { at: '2026-12-01T10:00:00Z', wording: 'enroll-v1', kiosk: 'counter-7' } })).toMatchObject({ kind: 'decided', pass: true });
      expect((await references.find(ID))?.reference).toMatchObject({ sourceKiosk: 'counter-7', consent: { source: 'kiosk', wording: 'enroll-v1' } });
    } finally {
      await s.close();
    }
  }, 60_000);
});

function serverKeysFor() {
  const keys = serverKeys(t.dataDir, t.env);
  return { biometrics: keys.biometrics, indexKey: keys.tokenKey };
}

describe('ticket callbacks', () => {
  let receiver: CallbackReceiver;
  let url: string;
  let arrivals: Arrival[];
  beforeAll(async () => {
    receiver = await startCallbackReceiver();
    ({ url, arrivals } = receiver);
  });
  afterAll(() => receiver.close());

  const waitFor = async (check: () => boolean, ms = 5000) => {
    const end = Date.now() + ms;
    while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 25));
  };

  it('POSTs the verdict signed with the seed, retries after a 500, and stops once acknowledged', async () => {
    receiver.answers.push(500);
    const client = t.client();
    await client.getVerifyToken({ Biz: 'RPMinBiz', TicketId: 'cb-1', CallbackUrl: url, CallbackSeed: 'seed-of-the-caller' } as never);
    const token = await client.getVerifyToken({ Biz: 'RPMinBiz', TicketId: 'cb-1' });
    await client.submitMaterials({
      VerifyToken: token.Data.VerifyToken.Token,
      Material: [
        { MaterialType: 'Name', Value: '张三' },
        { MaterialType: 'IdentificationNumber', Value: ID },
        { MaterialType: 'FacePic', Value: toBase64Value(fakeImage('zhang')) },
        { MaterialType: 'IDPic', Value: toBase64Value(fakeImage('zhang')) },
      ],
    });
    await waitFor(() => arrivals.length >= 2);
    await new Promise((r) => setTimeout(r, 600));
    expect(arrivals.map((a) => a.answered)).toEqual([500, 200]);
    const [first, second] = arrivals;
    expect(first!.headers[EVENT_HEADER]).toBe(second!.headers[EVENT_HEADER]);
    expect(first!.body).toBe(second!.body);
    for (const a of arrivals) {
      expect(a.headers[SIGNATURE_HEADER]).toBe(callbackSignature('seed-of-the-caller', String(a.headers[TIMESTAMP_HEADER]), a.body));
    }
    expect(JSON.parse(second!.body)).toMatchObject({ Biz: 'RPMinBiz', TicketId: 'cb-1', StatusCode: 1, SimilarityScore: 95.1234 });
  });

  it('never posts to a private address the allow-list does not open, and gives up', async () => {
    const before = arrivals.length;
    const keys = serverKeys(t.dataDir, t.env);
    const warnings: Record<string, unknown>[] = [];
    const logger = { info() {}, warn: (fields: Record<string, unknown>) => void warnings.push(fields) } as never;
    const dispatcher = new CallbackDispatcher({ repo: t.server.repo, biometrics: keys.biometrics, addresses: addressPolicy(), now: () => new Date(), logger, backoffMs: () => 10, maxAttempts: 2 });
    const ctx = { repo: t.server.repo, biometrics: keys.biometrics, now: () => new Date(), randomHex: (n: number) => randomBytes(n).toString('hex'), callbacks: dispatcher } as never;
    await subscribeCallback(ctx, { biz: 'RPMinBiz', ticketId: 'cb-private', url, seed: 'seed-of-the-caller', expiresAt: new Date(Date.now() + 60_000) });
    await ticketDecided(ctx, { biz: 'RPMinBiz', ticketId: 'cb-private', status: 2, similarityScore: 20 });
    await waitFor(() => warnings.length > 0);
    await dispatcher.close();
    expect(arrivals.length).toBe(before);
    expect(String(warnings[0]!.why)).toContain('not a public address');
  });

  it('refuses a callback URL that is not http(s) before issuing a token', async () => {
    await expect(t.client().getVerifyToken({ Biz: 'RPMinBiz', TicketId: 'cb-2', CallbackUrl: 'file:///etc/passwd', CallbackSeed: 'seed-of-the-caller' } as never)).rejects.toThrow(/CallbackUrl/);
  });
});
