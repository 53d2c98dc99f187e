import RPCClient from '@alicloud/pop-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaceWorker } from '../../face/client';
import { callbackSignature, EVENT_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../server/callbacks/notify';
import { ReferenceStore } from '../../server/references/store';
import { serverKeys } from '../../server/start';
import { startTestServer, type TestServer } from '../server/support/harness';
import { screenshot } from '../support/screenshots';
import { startCallbackReceiver, type Arrival, type CallbackReceiver } from '../server/support/callback-receiver';
import { chromiumPath, launchChromium } from '../support/chromium';
import { cameraFrom, chipPhotoFrom, LINDA_AT_KIOSK, passiveOnly, VLADO1_HEAD, VLADO_AT_KIOSK } from '../support/verify-fixtures';

// The H5 flow end to end: the official pop-core client asks our service for a VerifyToken, a
// phone-sized Chromium with a fake camera opens the CloudauthPageUrl, consents, captures with
// Human, and the service decides with the real face engine against the enrolled chip photo.
const ID = '11010519491231002X';
const PHONE = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' } as const;

describe.skipIf(!chromiumPath)('the H5 verification page on a phone', () => {
  let t: TestServer;
  let receiver: CallbackReceiver;
  let hookUrl: string;
  let arrivals: Arrival[];
  const browsers: Browser[] = [];

  beforeAll(async () => {
    t = await startTestServer({ face: await startFaceWorker({ workers: 1 }), faceWorkers: 1, far: 0.001, h5: { capture: passiveOnly }, allowAddresses: ['127.0.0.1/32'], callbackBackoffMs: () => 300 });
    await t.createBiz('H5Biz', 'RPH5BioOnly');
    const keys = serverKeys(t.dataDir, t.env);
    const store = new ReferenceStore({ repo: t.server.repo, biometrics: keys.biometrics, indexKey: keys.tokenKey, now: () => new Date(), randomHex: (n) => 'e'.repeat(n * 2) });
    await store.enroll({ idNumber: ID, name: '张三', photo: await chipPhotoFrom('test/fixtures/faces/person-vlado1.jpg', VLADO1_HEAD), sourceKiosk: 'counter-1', consent: { source: 'kiosk', at: '2026-12-01T09:00:00Z', wording: 'enroll-v1' } });
    // The caller's endpoint answers the first delivery with 500, then 200.
    receiver = await startCallbackReceiver([500]);
    ({ url: hookUrl, arrivals } = receiver);
  }, 240_000);
  afterAll(async () => {
    await Promise.all(browsers.map((b) => b.close()));
    await receiver?.close();
    await t?.close();
  });

  const pop = (apiVersion = '2018-09-16') =>
    new RPCClient({ endpoint: t.url, apiVersion, accessKeyId: t.key.AccessKeyId, accessKeySecret: t.key.AccessKeySecret, codes: ['1'] });
  const post = { method: 'POST', timeout: 60_000 } as const;

  async function tokenFor(ticketId: string, callback = false): Promise<string> {
    const answer = await pop().request<{ Data: { CloudauthPageUrl: string } }>(
      'GetVerifyToken',
      { RegionId: 'cn-hangzhou', Biz: 'H5Biz', TicketId: ticketId, Binding: JSON.stringify({ Name: '张三', IdentificationNumber: ID }), ...(callback ? { CallbackUrl: hookUrl, CallbackSeed: 'seed-of-the-caller' } : {}) },
      post,
    );
    return answer.Data.CloudauthPageUrl;
  }

  async function phone(camera: string): Promise<{ page: Page; foreign: string[] }> {
    const browser = await launchChromium({ fakeCameraY4m: camera });
    browsers.push(browser);
    const context = await browser.newContext(PHONE);
    await context.grantPermissions(['camera']);
    const page = await context.newPage();
    const foreign: string[] = [];
    // No third-party requests: everything the page loads comes from the service.
    page.on('request', (request) => {
      if (!request.url().startsWith(t.url) && !request.url().startsWith('blob:') && !request.url().startsWith('data:')) foreign.push(request.url());
    });
    return { page, foreign };
  }

  async function verifyOnPhone(url: string, camera: string, name: string): Promise<{ verdict: string | null; foreign: string[] }> {
    const { page, foreign } = await phone(camera);
    await page.goto(url);
    await page.waitForSelector('[data-h5-screen=intro]');
    await screenshot(page, `h5-${name}-1-consent`, { fullPage: true });
    if (name === 'fail') {
      // The English page too (the phone's language picks the first; the switch is always there).
      await page.click('[data-testid=h5-language]');
      expect(await page.textContent('[data-testid=h5-consent]')).toContain('I agree');
      await screenshot(page, `h5-${name}-1-consent-en`, { fullPage: true });
    }
    await page.click('[data-testid=h5-consent]');
    await page.waitForSelector('[data-testid=h5-capture]', { timeout: 30_000 });
    await page.waitForSelector('[data-face-seen]', { timeout: 90_000 }).catch(() => undefined);
    await screenshot(page, `h5-${name}-2-capture`);
    await page.waitForSelector('[data-h5-screen=result], [data-h5-screen=problem]', { timeout: 120_000 });
    await screenshot(page, `h5-${name}-3-result`, { fullPage: true });
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(360);
    const verdict = await page.getAttribute('main', 'data-verdict');
    if (!verdict) throw new Error(`the page ended on a problem: ${await page.textContent('main')}`);
    return { verdict, foreign };
  }

  const status = async (ticketId: string) => (await pop().request<{ Data: { StatusCode: number } }>('GetStatus', { RegionId: 'cn-hangzhou', Biz: 'H5Biz', TicketId: ticketId }, post)).Data.StatusCode;

  it('passes the enrolled person; GetStatus answers 1; the callback arrives signed, retried after a 500, once acknowledged', async () => {
    const url = await tokenFor('h5-pass', true);
    expect(await status('h5-pass')).toBe(-1);
    const { verdict, foreign } = await verifyOnPhone(url, await cameraFrom('test/fixtures/faces/person-vlado.jpg', VLADO_AT_KIOSK), 'pass');
    expect(verdict).toBe('pass');
    expect(foreign).toEqual([]);
    expect(await status('h5-pass')).toBe(1);
    const end = Date.now() + 10_000;
    while (arrivals.length < 2 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 1000));
    expect(arrivals.map((a) => a.answered)).toEqual([500, 200]);
    expect(arrivals[0]!.headers[EVENT_HEADER]).toBe(arrivals[1]!.headers[EVENT_HEADER]);
    for (const a of arrivals) expect(a.headers[SIGNATURE_HEADER]).toBe(callbackSignature('seed-of-the-caller', String(a.headers[TIMESTAMP_HEADER]), a.body));
    expect(JSON.parse(arrivals[1]!.body)).toMatchObject({ Biz: 'H5Biz', TicketId: 'h5-pass', StatusCode: 1 });

    // The same link again: a clear page, not a second verification.
    const { page } = await phone(await cameraFrom('test/fixtures/faces/person-vlado.jpg', VLADO_AT_KIOSK));
    const reused = await page.goto(url);
    expect(reused?.status()).toBe(410);
    expect(await page.getAttribute('body', 'data-h5-problem')).toBe('spent');
    await screenshot(page, 'h5-reused-link', { fullPage: true });
  }, 300_000);

  it('fails another face; GetStatus answers 2', async () => {
    const url = await tokenFor('h5-fail');
    const { verdict } = await verifyOnPhone(url, await cameraFrom('test/fixtures/faces/person-linda.jpg', LINDA_AT_KIOSK), 'fail');
    expect(verdict).toBe('fail');
    expect(await status('h5-fail')).toBe(2);
  }, 300_000);

  it('refuses an expired link with a clear page', async () => {
    const url = await tokenFor('h5-expired');
    const { page } = await phone(await cameraFrom('test/fixtures/faces/person-vlado.jpg', VLADO_AT_KIOSK));
    t.clockOffsetMs = 1801_000;
    try {
      const answer = await page.goto(url);
      expect(answer?.status()).toBe(410);
      expect(await page.getAttribute('body', 'data-h5-problem')).toBe('expired');
      await screenshot(page, 'h5-expired-link', { fullPage: true });
    } finally {
      t.clockOffsetMs = 0;
    }
  }, 60_000);

  it('runs face_verify init → query Z5137 → the page → query Z8300', async () => {
    const fv = (parameters: Record<string, unknown>) =>
      pop('2017-03-31').request<{ Code: number; Data: Record<string, any> }>('ExecuteRequest', { Service: 'face_verify', ServiceParameters: JSON.stringify(parameters) }, post);
    const init = await fv({ method: 'init', name: '张三', certNumber: ID, bizId: 'ZSTP20181206', metainfo: '{}' });
    expect(init.Data.resultCodeSub).toBe('Z8100');
    expect((await fv({ method: 'query', bizId: 'ZSTP20181206', queryId: init.Data.queryId })).Data.resultCodeSub).toBe('Z5137');
    const { verdict } = await verifyOnPhone(init.Data.pageUrl as string, await cameraFrom('test/fixtures/faces/person-vlado.jpg', VLADO_AT_KIOSK), 'face-verify');
    expect(verdict).toBe('pass');
    const done = await fv({ method: 'query', bizId: 'ZSTP20181206', queryId: init.Data.queryId, returnImage: '1' });
    expect(done.Data).toMatchObject({ resultCode: 'OK', resultCodeSub: 'Z8300' });
    expect((done.Data.image as string).startsWith('_9j_')).toBe(true);
  }, 300_000);
});
