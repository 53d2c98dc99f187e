import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { RunningWebHost } from '../../main/web-host';
import { headFrame, videoDir, writeVideo } from '../renderer/capture-videos';
import { chromiumPath, launchChromium } from '../support/chromium';
import { screenshot } from '../support/screenshots';
import { RecordingProvider, startTestWebHost } from '../support/test-kiosk';
import type { VerifyOutcome, VerifyProvider } from '../../main/services/verify/provider';

// What a person at the counter sees for the outcomes that are not a plain pass, through the web
// host with the fake reader and a fake camera. Each test leaves screenshots in test-results/screenshots.
let dir: string;
let stillFace: string;
let empty: string;
const browsers: Browser[] = [];
const hosts: RunningWebHost[] = [];

beforeAll(async () => {
  dir = videoDir();
  stillFace = await writeVideo(`${dir}/linda.y4m`, [{ i420: await headFrame('linda'), repeat: 30 }]);
  const grey = Buffer.alloc((640 * 360 * 3) / 2, 128);
  empty = await writeVideo(`${dir}/empty.y4m`, [{ i420: grey, repeat: 10 }]);
});

afterAll(async () => {
  await Promise.all(browsers.map((b) => b.close()));
  await Promise.all(hosts.map((h) => h.close()));
  rmSync(dir, { recursive: true, force: true });
});

/** Every response of 400 or more the page got (the favicon 404 used to be one on every load). */
const failedLoads = new WeakMap<Page, string[]>();

async function open(host: RunningWebHost, camera: string): Promise<Page> {
  const browser = await launchChromium({ fakeCameraY4m: camera });
  browsers.push(browser);
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const failed: string[] = [];
  failedLoads.set(page, failed);
  page.on('response', (response) => {
    if (response.status() >= 400) failed.push(`${response.status()} ${new URL(response.url()).pathname}`);
  });
  await page.goto(host.openUrl());
  return page;
}

/** Main never answers: the verifying screen must still end. */
class SilentProvider implements VerifyProvider {
  readonly name = 'local' as const;
  status() {
    return { ready: true, detail: 'never answers' };
  }
  verify(): Promise<VerifyOutcome> {
    return new Promise(() => undefined);
  }
}

describe.skipIf(!chromiumPath)('kiosk outcomes on screen', () => {
  it('shows a liveness failure within seconds when a still face cannot do the active challenge', async () => {
    const provider = new RecordingProvider();
    // The default challenges, with a short per-challenge limit: a photo never blinks or turns.
    const host = await startTestWebHost({ provider, settings: { language: 'en', capture: { challengeTimeoutMs: 2500 } } });
    hosts.push(host);
    const page = await open(host, stillFace);
    await page.click('[data-testid=simulate-card]');
    await page.waitForSelector('[data-screen=consent]');
    await page.click('[data-testid=consent-accept]');
    await page.waitForSelector('[data-testid=capture-screen][data-capture-phase=challenge]', { timeout: 30_000 });
    await screenshot(page, 'still-face-challenge');
    const challengeShownAt = Date.now();
    // Before: the verdict was dropped and the screen said 排队中 forever.
    await page.waitForSelector('[data-screen=result]', { timeout: 15_000 });
    const seconds = (Date.now() - challengeShownAt) / 1000;
    await screenshot(page, 'still-face-liveness-failed');
    expect(await page.getAttribute('[data-screen=result]', 'data-reason')).toBe('liveness-failed');
    expect(await page.locator('[data-testid=result-why]').innerText()).toBe('Liveness check failed');
    expect(seconds).toBeLessThan(10);
    // A liveness failure is the person's to fix: another try is offered, and the frame was never compared.
    expect(await page.locator('[data-testid=result-retry]').isVisible()).toBe(true);
    expect(provider.inputs).toHaveLength(0);
  }, 90_000);

  it('times out with the no-face prompt when nobody stands at the camera, and offers another try', async () => {
    const host = await startTestWebHost({ settings: { language: 'en', capture: { captureTimeoutMs: 6000 } } });
    hosts.push(host);
    const page = await open(host, empty);
    await page.click('[data-testid=simulate-card]');
    await page.click('[data-testid=consent-accept]', { timeout: 15_000 });
    await page.waitForSelector('[data-screen=error][data-code=capture-timeout]', { timeout: 30_000 });
    await screenshot(page, 'no-face-timeout');
    expect(await page.locator('[data-testid=error-text]').innerText()).toBe('The photo could not be taken in time: please try again');
    expect(await page.locator('[data-screen=error] .detail').innerText()).toContain('Please stand in front of the camera');
    expect(await page.locator('[data-testid=error-retry]').isVisible()).toBe(true);
  }, 60_000);

  it('goes back to the start when the card is removed in the middle of the flow', async () => {
    const host = await startTestWebHost({ settings: { language: 'en' } });
    hosts.push(host);
    const page = await open(host, stillFace);
    await page.click('[data-testid=simulate-card]');
    await page.waitForSelector('[data-screen=consent]');
    await page.click('[data-testid=consent-accept]');
    await page.waitForSelector('[data-testid=capture-screen]');
    await host.kiosk.reader.simulate('remove');
    await page.waitForSelector('[data-screen=attract]', { timeout: 5000 });
    await screenshot(page, 'card-removed-reset');
    // Nothing the page asked for was missing (fonts, models, favicon).
    expect(failedLoads.get(page)).toEqual([]);
  }, 60_000);

  it('ends a verification that gets no verdict with a clear error after the verify timeout', async () => {
    const host = await startTestWebHost({
      provider: new SilentProvider(),
      settings: { language: 'en', capture: { activeChallenges: [], antispoofMin: 0, livenessMin: 0 }, flow: { verifyTimeoutMs: 5000 } },
    });
    hosts.push(host);
    const page = await open(host, stillFace);
    await page.click('[data-testid=simulate-card]');
    await page.click('[data-testid=consent-accept]', { timeout: 15_000 });
    await page.waitForSelector('[data-screen=verifying]', { timeout: 30_000 });
    await screenshot(page, 'verifying-progress');
    const started = Date.now();
    await page.waitForSelector('[data-screen=error][data-code=verify-timeout]', { timeout: 10_000 });
    expect(Date.now() - started).toBeLessThan(7000);
    await screenshot(page, 'verify-timeout');
    expect(await page.locator('[data-testid=error-text]').innerText()).toBe('No verdict came in time: try again or call staff');
  }, 60_000);

  it('sends a card without a decodable photo to staff: face comparison is unavailable', async () => {
    const host = await startTestWebHost({ photo: null, settings: { language: 'zh-CN' } });
    hosts.push(host);
    const page = await open(host, stillFace);
    await page.click('[data-testid=simulate-card]');
    await page.waitForSelector('[data-screen=cardRead]');
    expect(await page.locator('[data-screen=cardRead] .status.warn').innerText()).toBe('无法解码证件照片，无法进行人脸比对');
    await page.waitForSelector('[data-screen=manualCheck]', { timeout: 5000 });
    await screenshot(page, 'no-photo-manual-check');
    expect(await page.locator('[data-screen=manualCheck] h1').innerText()).toBe('需要人工核验');
    // The name is drawn with the bundled CJK font even inside the monospaced line (no system CJK font here).
    const family = await page.locator('[data-screen=manualCheck] .mono').evaluate((el) => getComputedStyle(el).fontFamily);
    expect(family).toContain('Noto Sans SC');
  }, 60_000);

  it('returns to the start on a declined consent and records nothing personal', async () => {
    // Wired as npm start wires it (demo reader, audit on), with a provider that needs no face models.
    const dataDir = mkdtempSync(join(tmpdir(), 'rz-decline-'));
    writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ reader: { mode: 'simulated' }, verify: { provider: 'cloudauth' } }));
    const host = await startTestWebHost({ real: true, env: { RENZHENG_DATA_DIR: dataDir } });
    hosts.push(host);
    const page = await open(host, stillFace);
    await page.click('[data-testid=simulate-card]');
    await page.waitForSelector('[data-screen=consent]');
    await screenshot(page, 'consent-zh');
    // The notice says how long things are kept, following the audit settings (records, no images by default).
    expect(await page.locator('[data-testid=consent-how-long]').innerText()).toContain('不会保存');
    await page.click('[data-testid=consent-decline]');
    await page.waitForSelector('[data-screen=attract]');
    await screenshot(page, 'consent-declined-attract');
    // Nothing about the person reached the audit trail.
    const audit = new Database(join(dataDir, 'audit.sqlite'), { readonly: true });
    for (const table of ['verifications', 'verification_subjects', 'sealed_images', 'outbox']) {
      expect(audit.prepare(`SELECT count(*) AS n FROM ${table}`).get(), table).toEqual({ n: 0 });
    }
    audit.close();
  }, 60_000);
});
