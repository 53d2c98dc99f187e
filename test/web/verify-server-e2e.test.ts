import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaceWorker } from '../../face/client';
import { encodeBmp24 } from '../../idcard/bmp';
import { createCloudauthProvider } from '../../main/services/verify/cloudauth-provider';
import type { RunningWebHost } from '../../main/web-host';
import { openCaptureScreen } from '../renderer/capture-e2e';
import { startTestServer, type TestServer } from '../server/support/harness';
import { chromiumPath, launchChromium } from '../support/chromium';
import { FakeReader } from '../support/fake-reader';
import { repoRoot, startTestWebHost } from '../support/test-kiosk';
import { y4mFromImage } from '../support/y4m';

// The kiosk with verify.provider "cloudauth" pointed at our own service, which decides with the
// real face engine: card (simulated reader) → capture (fake camera) → CompareFaces or RPMin → verdict.
const passiveOnly = { activeChallenges: [], antispoofMin: 0, livenessMin: 0, captureTimeoutMs: 30_000 };
type Region = { left: number; top: number; width: number; height: number };
const VLADO1_HEAD: Region = { left: 380, top: 20, width: 180, height: 222 };
const VLADO_AT_KIOSK: Region = { left: 300, top: 0, width: 640, height: 360 };
const LINDA_AT_KIOSK: Region = { left: 220, top: 100, width: 680, height: 382 };

async function cameraFrom(image: string, region: Region): Promise<string> {
  const file = join(mkdtempSync(join(tmpdir(), 'rz-verify-srv-')), 'camera.y4m');
  const framed = await sharp(join(repoRoot, image)).extract(region).resize(640, 360).toBuffer();
  await y4mFromImage(file, framed, { width: 640, height: 360, frames: 10 });
  return file;
}

async function chipPhotoFrom(image: string, region: Region): Promise<Buffer> {
  const { data, info } = await sharp(join(repoRoot, image)).extract(region).resize(102, 126).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return encodeBmp24({ width: info.width, height: info.height, data });
}

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
