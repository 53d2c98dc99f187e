import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { encodeBmp24 } from '../../imaging/bmp';
import { createLocalProvider } from '../../main/services/verify/local-provider';
import type { RunningWebHost } from '../../main/web-host';
import { chromiumPath, launchChromium } from '../support/chromium';
import { FakeReader } from '../support/fake-reader';
import { screenshot } from '../support/screenshots';
import { repoRoot, startTestWebHost } from '../support/test-kiosk';
import { y4mFromImage } from '../support/y4m';

// The product flow with the real local face engine, through the web host, as a person walks it.
// The fake camera shows a photo, which the passive liveness models rightly score low, so these
// kiosks run passive-only with thresholds at 0 (docs/liveness.md); the face decision is real.
const passiveOnly = { activeChallenges: [], antispoofMin: 0, livenessMin: 0, captureTimeoutMs: 30_000 };

type Region = { left: number; top: number; width: number; height: number };
const VLADO1_HEAD: Region = { left: 380, top: 20, width: 180, height: 222 };
const VLADO_AT_KIOSK: Region = { left: 300, top: 0, width: 640, height: 360 };
const LINDA_AT_KIOSK: Region = { left: 220, top: 100, width: 680, height: 382 };

async function cameraFrom(image: string, region: Region): Promise<string> {
  const file = join(mkdtempSync(join(tmpdir(), 'rz-kiosk-verify-')), 'camera.y4m');
  const framed = await sharp(join(repoRoot, image)).extract(region).resize(640, 360).toBuffer();
  await y4mFromImage(file, framed, { width: 640, height: 360, frames: 10 });
  return file;
}

async function chipPhotoFrom(image: string, region: Region): Promise<Buffer> {
  const { data, info } = await sharp(join(repoRoot, image)).extract(region).resize(102, 126).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return encodeBmp24({ width: info.width, height: info.height, data });
}

const browsers: Browser[] = [];
const hosts: RunningWebHost[] = [];
afterAll(async () => {
  await Promise.all(browsers.map((b) => b.close()));
  await Promise.all(hosts.map((h) => h.close()));
});

async function page(camera: string, host: RunningWebHost): Promise<Page> {
  // The face models load in a worker at start (seconds, more on a busy machine): wait so the timing of a test is the flow's.
  await expect.poll(() => host.kiosk.provider.status().ready, { timeout: 90_000, interval: 250 }).toBe(true);
  const browser = await launchChromium({ fakeCameraY4m: camera });
  browsers.push(browser);
  const p = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await p.goto(host.openUrl());
  return p;
}

describe.skipIf(!chromiumPath)('verification flow with the local face engine', () => {
  it('passes the card holder and shows both photos with the score against the pass mark', async () => {
    const chip = await chipPhotoFrom('test/fixtures/faces/person-vlado1.jpg', VLADO1_HEAD);
    const host = await startTestWebHost({
      provider: createLocalProvider({ far: 0.001 }),
      reader: (bus) => new FakeReader(bus, { mime: 'image/bmp', bytes: chip }),
      settings: { language: 'zh-CN', capture: passiveOnly },
    });
    hosts.push(host);
    const p = await page(await cameraFrom('test/fixtures/faces/person-vlado.jpg', VLADO_AT_KIOSK), host);
    await p.click('[data-testid=simulate-card]');
    await p.waitForSelector('[data-screen=cardRead]');
    await screenshot(p, 'pass-card-read-zh');
    await p.click('[data-testid=consent-accept]', { timeout: 15_000 });
    await p.waitForSelector('[data-screen=result]', { timeout: 60_000 });
    await screenshot(p, 'pass-result-zh');
    expect(await p.getAttribute('[data-screen=result]', 'data-verdict')).toBe('pass');
    expect(await p.locator('[data-screen=result] h1').innerText()).toBe('核验通过');
    expect(await p.locator('[data-testid=result-score]').innerText()).toMatch(/^相似度 [\d.]+，高于通过线 [\d.]+（误识率 0.1%），判定为同一人。$/);
    expect(await p.locator('[data-testid=result-live-photo]').isVisible()).toBe(true);
    // The bundled font drew the Chinese (this machine has no CJK system font), served by the app itself.
    expect(await p.evaluate(() => document.fonts.check('16px "Noto Sans SC"', '核验通过'))).toBe(true);
  }, 120_000);

  it('refuses someone else, offers retries up to the configured attempts, and audits each attempt', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'rz-kiosk-verify-data-'));
    writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ language: 'en', reader: { mode: 'simulated' }, capture: passiveOnly, flow: { maxAttempts: 2 } }));
    const host = await startTestWebHost({ real: true, env: { RENZHENG_DATA_DIR: dataDir, RENZHENG_OPERATOR_PIN: '482916' } });
    hosts.push(host);
    const p = await page(await cameraFrom('test/fixtures/faces/person-linda.jpg', LINDA_AT_KIOSK), host);
    await p.click('[data-testid=simulate-card]');
    await p.click('[data-testid=consent-accept]', { timeout: 15_000 });
    await p.waitForSelector('[data-screen=result]', { timeout: 60_000 });
    await screenshot(p, 'mismatch-attempt-1');
    expect(await p.getAttribute('[data-screen=result]', 'data-verdict')).toBe('fail');
    expect(await p.locator('[data-testid=result-why]').innerText()).toBe('The face does not match the card photo');
    expect(await p.locator('[data-testid=result-score]').innerText()).toContain('below the pass mark');
    // Keyboard only: the retry button has the focus; Enter presses it.
    await p.keyboard.press('Enter');
    await p.waitForSelector('[data-testid=capture-screen]');
    await p.waitForSelector('[data-screen=result]', { timeout: 60_000 });
    await screenshot(p, 'mismatch-attempt-2-no-more');
    expect(await p.locator('.attempt').innerText()).toBe('Attempt 2 of 2');
    expect(await p.locator('[data-testid=result-retry]').count()).toBe(0);
    expect(await p.locator('[data-testid=result-no-more]').isVisible()).toBe(true);

    const audit = new Database(join(dataDir, 'audit.sqlite'), { readonly: true });
    const rows = audit.prepare('SELECT v.verdict, v.reason, v.id_number_masked, s.attempt FROM verifications v JOIN verification_subjects s USING (verification_id) ORDER BY s.attempt').all();
    expect(rows).toEqual([
      { verdict: 'fail', reason: 'face-mismatch', id_number_masked: expect.stringMatching(/^\d{6}\*{8}[\dX]{4}$/), attempt: 1 },
      { verdict: 'fail', reason: 'face-mismatch', id_number_masked: expect.stringMatching(/^\d{6}\*{8}[\dX]{4}$/), attempt: 2 },
    ]);
    expect(audit.prepare('SELECT count(*) AS n FROM sealed_images').get()).toEqual({ n: 0 });
    audit.close();

    // Staff see both attempts in the audit browser and export them as CSV (masked numbers only).
    await p.keyboard.press('Control+Alt+o');
    await p.fill('[data-testid=pin-input]', '482916');
    const [operator] = await Promise.all([p.waitForEvent('popup'), p.keyboard.press('Enter')]);
    await operator.click('[data-testid=tab-audit]');
    await operator.waitForSelector('[data-testid=audit-table] tbody tr');
    await operator.selectOption('[data-testid=audit-verdict]', 'fail');
    await expect.poll(() => operator.locator('[data-testid=audit-table] tbody tr').count()).toBe(2);
    await screenshot(operator, 'operator-audit');
    const [download] = await Promise.all([operator.waitForEvent('download'), operator.click('[data-testid=audit-csv]')]);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.trim().split('\r\n')).toHaveLength(3);
    expect(csv).toMatch(/\d{6}\*{8}[\dX]{4}/);
    expect(csv).not.toMatch(/\d{17}[\dX]/);
  }, 180_000);

  it('"use my face as the card": the same face then passes, and someone else fails', async () => {
    // Two pages share one kiosk here; long screen timeouts keep one page's return to attract (which
    // forgets the card for the whole kiosk) from ending the other's turn.
    const host = await startTestWebHost({
      provider: createLocalProvider({ far: 0.001 }),
      settings: { language: 'en', capture: passiveOnly, consentTimeoutMs: 150_000, resultDisplayMs: 150_000 },
    });
    hosts.push(host);
    const me = await page(await cameraFrom('test/fixtures/faces/person-vlado.jpg', VLADO_AT_KIOSK), host);
    const other = await page(await cameraFrom('test/fixtures/faces/person-linda.jpg', LINDA_AT_KIOSK), host);
    await other.waitForSelector('[data-screen=attract]');
    await me.click('[data-testid=use-my-face]');
    // The demo card reaches every page of this kiosk; the second one plays "someone else at the counter".
    await me.waitForSelector('[data-screen=cardRead][data-demo=true]', { timeout: 60_000 });
    await other.waitForSelector('[data-screen=cardRead][data-demo=true]', { timeout: 10_000 });
    await screenshot(me, 'demo-card-from-my-face');
    expect(await me.locator('[data-testid=demo-card-mark]').innerText()).toBe('DEMO CARD (not a real ID)');

    await me.click('[data-testid=card-continue]');
    await me.click('[data-testid=consent-accept]');
    await me.waitForSelector('[data-screen=result]', { timeout: 60_000 });
    await screenshot(me, 'demo-same-face-result');
    expect(await me.getAttribute('[data-screen=result]', 'data-verdict')).toBe('pass');

    await other.click('[data-testid=card-continue]').catch(() => undefined);
    await other.click('[data-testid=consent-accept]', { timeout: 15_000 });
    await other.waitForSelector('[data-screen=result]', { timeout: 60_000 });
    await screenshot(other, 'demo-other-face-result');
    expect(await other.getAttribute('[data-screen=result]', 'data-verdict')).toBe('fail');
  }, 180_000);
});
