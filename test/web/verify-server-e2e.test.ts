import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaceWorker } from '../../face/client';
import { createCloudauthProvider } from '../../main/services/verify/cloudauth-provider';
import type { RunningWebHost } from '../../main/web-host';
import { openCaptureScreen } from '../renderer/capture-e2e';
import { startTestServer, type TestServer } from '../server/support/harness';
import { chromiumPath, launchChromium } from '../support/chromium';
import { FakeReader } from '../support/fake-reader';
import { startTestWebHost } from '../support/test-kiosk';
import { screenshot } from '../support/screenshots';
import { ENROLL_CONSENT_WORDING } from '../../main/services/kiosk';
import { ReferenceStore } from '../../server/references/store';
import { setBizSettings } from '../../server/references/biz-settings';
import { serverKeys } from '../../server/start';
import { cameraFrom, chipPhotoFrom, LINDA_AT_KIOSK, passiveOnly, VLADO1_HEAD, VLADO_AT_KIOSK } from '../support/verify-fixtures';

// The kiosk with verify.provider "cloudauth" pointed at our own service, which decides with the
// real face engine: card (simulated reader) → capture (fake camera) → CompareFaces or RPMin → verdict.
describe.skipIf(!chromiumPath)('the kiosk verifying through our cloudauth service', () => {
  let server: TestServer;
  const browsers: Browser[] = [];
  const hosts: RunningWebHost[] = [];
  beforeAll(async () => {
    server = await startTestServer({ face: await startFaceWorker({ workers: 1 }), faceWorkers: 1, far: 0.001 });
  }, 240_000);
  afterAll(async () => {
    await Promise.all(browsers.map((b) => b.close()));
    await Promise.all(hosts.map((h) => h.close()));
    await server?.close();
  });

  async function verdict(mode: 'compare' | 'rpmin', camera: string): Promise<string | null> {
    const chip = await chipPhotoFrom('test/fixtures/faces/person-vlado1.jpg', VLADO1_HEAD);
    const provider = createCloudauthProvider({
      endpoint: server.url,
      region: 'cn-hangzhou',
      apiVersion: '2018-09-16',
      mode,
      biz: 'RPMinBiz',
      accessKeyId: server.key.AccessKeyId,
      accessKeySecret: server.key.AccessKeySecret,
      far: 0.001,
      timeoutMs: 60_000,
    });
    expect(provider.status().ready).toBe(true);
    const host = await startTestWebHost({ provider, reader: (bus) => new FakeReader(bus, { mime: 'image/bmp', bytes: chip }), settings: { language: 'en', capture: passiveOnly } });
    hosts.push(host);
    const browser = await launchChromium({ fakeCameraY4m: camera });
    browsers.push(browser);
    const { page } = await openCaptureScreen(browser, host);
    await page.waitForSelector('[data-screen=result]', { timeout: 90_000 }).catch(async (error) => {
      await page.screenshot({ path: join(tmpdir(), `rz-verify-server-${mode}.png`) });
      throw error;
    });
    return page.getAttribute('[data-screen=result]', 'data-verdict');
  }

  it('passes the card holder in compare mode (CompareFaces)', async () => {
    expect(await verdict('compare', await cameraFrom('test/fixtures/faces/person-vlado.jpg', VLADO_AT_KIOSK))).toBe('pass');
    expect(server.logs.some((l) => l.action === 'CompareFaces' && l.code === '1')).toBe(true);
  }, 150_000);

  it('passes the card holder and refuses someone else in rpmin mode (GetVerifyToken → SubmitMaterials)', async () => {
    expect(await verdict('rpmin', await cameraFrom('test/fixtures/faces/person-vlado.jpg', VLADO_AT_KIOSK))).toBe('pass');
    expect(await verdict('rpmin', await cameraFrom('test/fixtures/faces/person-linda.jpg', LINDA_AT_KIOSK))).toBe('fail');
    expect(server.logs.filter((l) => l.action === 'SubmitMaterials' && l.code === '1').map((l) => l.verifyStatus)).toEqual([1, 2]);
  }, 240_000);

  it('enrolls the chip photo as a reference only when the person ticks the choice on the consent screen', async () => {
    await server.createBiz('EnrollBiz', 'RPMin');
    await setBizSettings(server.server.repo, 'EnrollBiz', { enrollReferences: true }, new Date());
    const keys = serverKeys(server.dataDir, server.env);
    const references = new ReferenceStore({ repo: server.server.repo, biometrics: keys.biometrics, indexKey: keys.tokenKey, now: () => new Date(), randomHex: (n) => 'b'.repeat(n * 2) });
    const chip = await chipPhotoFrom('test/fixtures/faces/person-vlado1.jpg', VLADO1_HEAD);
    const provider = createCloudauthProvider({
      endpoint: server.url, region: 'cn-hangzhou', apiVersion: '2018-09-16', mode: 'rpmin', biz: 'EnrollBiz',
      accessKeyId: server.key.AccessKeyId, accessKeySecret: server.key.AccessKeySecret, far: 0.001, timeoutMs: 60_000,
    });
    const host = await startTestWebHost({
      provider,
      reader: (bus) => new FakeReader(bus, { mime: 'image/bmp', bytes: chip }),
      settings: { language: 'en', capture: passiveOnly, verify: { provider: 'cloudauth', cloudauth: { mode: 'rpmin', offerEnrollment: true, kioskId: 'counter-9' } } },
    });
    hosts.push(host);
    const browser = await launchChromium({ fakeCameraY4m: await cameraFrom('test/fixtures/faces/person-vlado.jpg', VLADO_AT_KIOSK) });
    browsers.push(browser);
    const verifyWith = async (tick: boolean) => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      await page.goto(host.openUrl());
      await page.click('[data-testid=simulate-card]');
      await page.waitForSelector('[data-testid=consent-enroll]', { timeout: 15_000 });
      if (tick) {
        await page.check('[data-testid=consent-enroll]');
        await screenshot(page, 'consent-enroll-ticked');
      }
      await page.click('[data-testid=consent-accept]');
      await page.waitForSelector('[data-screen=result]', { timeout: 90_000 });
      const verdict = await page.getAttribute('[data-screen=result]', 'data-verdict');
      await page.close();
      return verdict;
    };
    // The FakeReader's card holder.
    const idNumber = '11010519491231002X';
    expect(await verifyWith(false)).toBe('pass');
    expect(await references.find(idNumber)).toBeUndefined();
    expect(await verifyWith(true)).toBe('pass');
    expect((await references.find(idNumber))?.reference).toMatchObject({ sourceKiosk: 'counter-9', consent: { source: 'kiosk', wording: ENROLL_CONSENT_WORDING } });
  }, 300_000);
});
