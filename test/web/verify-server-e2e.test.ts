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
});
