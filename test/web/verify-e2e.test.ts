import { mkdtempSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { createLocalProvider } from '../../main/services/verify/local-provider';
import type { RunningWebHost } from '../../main/web-host';
import { openCaptureScreen } from '../renderer/capture-e2e';
import { chipPhotoFrom, VLADO1_HEAD, VLADO_AT_KIOSK, type Region } from '../support/chip-photo';
import { chromiumPath, launchChromium } from '../support/chromium';
import { FakeReader } from '../support/fake-reader';
import { repoRoot, startTestWebHost } from '../support/test-kiosk';
import { y4mFromImage } from '../support/y4m';

// The whole verification with the real local face engine: card → consent → capture → main → verdict
// on screen. The fake camera shows a photo, which the passive liveness models rightly score low,
// so these kiosks run passive-only with thresholds at 0 (docs/liveness.md); the face decision is real.
const passiveOnly = { activeChallenges: [], antispoofMin: 0, livenessMin: 0, captureTimeoutMs: 30_000 };

/** A fake camera showing `image` framed like a person at the kiosk (the region around the head, scaled to 640×360). */
async function cameraFrom(image: string, region: Region): Promise<string> {
  const file = join(mkdtempSync(join(tmpdir(), 'rz-verify-')), 'camera.y4m');
  const framed = await sharp(join(repoRoot, image)).extract(region).resize(640, 360).toBuffer();
  await y4mFromImage(file, framed, { width: 640, height: 360, frames: 10 });
  return file;
}

// Measured by eye like the regions in test/support/chip-photo.ts.
const LINDA_AT_KIOSK: Region = { left: 220, top: 100, width: 680, height: 382 };

describe.skipIf(!chromiumPath)('verification end to end with the local face engine', () => {
  const browsers: Browser[] = [];
  const hosts: RunningWebHost[] = [];
  afterAll(async () => {
    await Promise.all(browsers.map((b) => b.close()));
    await Promise.all(hosts.map((h) => h.close()));
  });

  it('passes the card holder: another photo of the same person than the chip photo', async () => {
    const chip = await chipPhotoFrom('test/fixtures/faces/person-vlado1.jpg', VLADO1_HEAD);
    const host = await startTestWebHost({
      provider: createLocalProvider({ far: 0.001 }),
      reader: (bus) => new FakeReader(bus, { mime: 'image/bmp', bytes: chip }),
      settings: { language: 'en', capture: passiveOnly },
    });
    hosts.push(host);
    const browser = await launchChromium({ fakeCameraY4m: await cameraFrom('test/fixtures/faces/person-vlado.jpg', VLADO_AT_KIOSK) });
    browsers.push(browser);
    const { page } = await openCaptureScreen(browser, host);
    await page.waitForSelector('[data-screen=result]', { timeout: 60_000 }).catch(async (error) => {
      await page.screenshot({ path: join(tmpdir(), 'rz-verify-pass.png') });
      throw error;
    });
    expect(await page.getAttribute('[data-screen=result]', 'data-verdict')).toBe('pass');
    expect(await page.locator('[data-screen=result] h1').innerText()).toBe('Verified');
  }, 90_000);

  it('refuses someone else, through the kiosk exactly as npm start wires it (demo reader, local engine)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'rz-verify-data-'));
    writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ language: 'en', reader: { mode: 'simulated' }, capture: passiveOnly }));
    const host = await startTestWebHost({ real: true, env: { RENZHENG_DATA_DIR: dataDir } });
    hosts.push(host);
    const browser = await launchChromium({ fakeCameraY4m: await cameraFrom('test/fixtures/faces/person-linda.jpg', LINDA_AT_KIOSK) });
    browsers.push(browser);
    const { page } = await openCaptureScreen(browser, host);
    await page.waitForSelector('[data-screen=result]', { timeout: 60_000 });
    expect(await page.getAttribute('[data-screen=result]', 'data-verdict')).toBe('fail');
    expect(await page.locator('[data-screen=result] .status').innerText()).toBe('The face does not match the card photo');
    // The audit trail has the verdict with a masked ID number, and no images (storeImages is off).
    const audit = new Database(join(dataDir, 'audit.sqlite'), { readonly: true });
    const rows = audit.prepare('SELECT verdict, reason, id_number_masked, score, threshold FROM verifications').all() as Record<string, unknown>[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ verdict: 'fail', reason: 'face-mismatch', id_number_masked: expect.stringMatching(/^\d{6}\*{8}[\dX]{4}$/) });
    expect(rows[0]!.score as number).toBeLessThan(rows[0]!.threshold as number);
    expect(audit.prepare('SELECT count(*) AS n FROM verification_images').get()).toEqual({ n: 0 });
    audit.close();
  }, 90_000);
});
