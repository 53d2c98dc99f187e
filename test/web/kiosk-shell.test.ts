import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { RunningWebHost } from '../../main/web-host';
import { chromiumPath, launchChromium } from '../support/chromium';
import { repoRoot, startTestWebHost } from '../support/test-kiosk';
import { screenshot } from '../support/screenshots';
import { y4mFromImage } from '../support/y4m';

// Web e2e of the foundation: the built renderer in Debian chromium against the web host.
describe.skipIf(!chromiumPath)('kiosk in Chromium through the web host', () => {
  let browser: Browser;
  let host: RunningWebHost;
  let page: Page;

  beforeAll(async () => {
    const y4m = join(mkdtempSync(join(tmpdir(), 'rz-cam-')), 'face.y4m');
    await y4mFromImage(y4m, join(repoRoot, 'test/fixtures/camera/person-linda.jpg'), { width: 640, height: 360, frames: 10 });
    browser = await launchChromium({ fakeCameraY4m: y4m });
    host = await startTestWebHost({ settings: { language: 'en' } });
    page = await browser.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await host?.close();
  });

  it('shows the attract screen and reaches main through the WebSocket contract', async () => {
    await page.goto(host.url);
    await page.locator('[data-screen="attract"]').waitFor();
    expect(await page.locator('h1').textContent()).toBe('Place your ID card on the reader');
    // The opening code was exchanged for the cookie and is gone from the address bar.
    expect(new URL(page.url()).search).toBe('');
    // system.info round trip from inside the page, over the same socket protocol the app uses (the cookie authorises it).
    const info = await page.evaluate(async () => {
      const ws = new WebSocket(`ws://${location.host}/contract`);
      await new Promise((resolve) => ws.addEventListener('open', resolve, { once: true }));
      const reply = new Promise<string>((resolve) => ws.addEventListener('message', (m) => resolve(String(m.data)), { once: true }));
      ws.send(JSON.stringify({ id: 1, channel: 'system.info', payload: {} }));
      return JSON.parse(await reply);
    });
    expect(info).toMatchObject({ type: 'result', id: 1, result: { ok: true, value: { shell: 'web', appVersion: '0.0.0-test' } } });
  });

  it('switches language on the spot', async () => {
    await page.goto(host.url);
    await page.getByRole('button', { name: '中文' }).click();
    expect(await page.locator('h1').textContent()).toBe('请将身份证放在读卡区');
    await page.getByRole('button', { name: 'English' }).click();
  });

  it('goes from a card through consent to a live camera preview with real frames', async () => {
    await page.goto(host.url);
    await page.locator('[data-testid="simulate-card"]').click();
    await page.locator('[data-screen="cardRead"]').waitFor();
    expect(await page.locator('[data-screen="cardRead"]').textContent()).toContain('110105********002X');
    await page.locator('[data-testid="consent-accept"]').click({ timeout: 10_000 });
    await page.locator('[data-screen="capture"]').waitFor();
    const video = page.locator('[data-testid="camera-preview"]');
    await video.waitFor();
    const luma = await page.waitForFunction(() => {
      const v = document.querySelector<HTMLVideoElement>('[data-testid="camera-preview"]');
      if (!v || v.videoWidth === 0) return 0;
      const c = document.createElement('canvas');
      c.width = 64;
      c.height = 36;
      const ctx = c.getContext('2d')!;
      ctx.drawImage(v, 0, 0, c.width, c.height);
      const d = ctx.getImageData(0, 0, c.width, c.height).data;
      let sum = 0;
      for (let i = 0; i < d.length; i += 4) sum += (d[i]! + d[i + 1]! + d[i + 2]!) / 3;
      const mean = sum / (d.length / 4);
      return mean > 20 ? mean : 0;
    }, undefined, { timeout: 20_000 });
    expect(await luma.jsonValue()).toBeGreaterThan(20);
  });
});

describe.skipIf(!chromiumPath)('npm start path: the built web host on a fresh data dir', () => {
  let child: ChildProcess;
  let browser: Browser;
  afterAll(async () => {
    await browser?.close();
    child?.kill('SIGTERM');
  });

  it('prints a URL whose page shows the attract screen', async () => {
    child = spawn(process.execPath, [join(repoRoot, 'out/main/web-host.js')], {
      env: { ...process.env, RENZHENG_DATA_DIR: mkdtempSync(join(tmpdir(), 'rz-start-')), RENZHENG_LOG_LEVEL: 'error' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (chunk) => {
        out += chunk;
        const match = /(http:\/\/127\.0\.0\.1:\d+\/\?code=\S+)/.exec(out);
        if (match) resolve(match[1]!);
      });
      child.on('exit', (code) => reject(new Error(`web host exited with ${code}: ${out}`)));
    });
    browser = await launchChromium();
    const page = await browser.newPage();
    await page.goto(url);
    await page.locator('[data-screen="attract"]').waitFor();
    // The printed URL opens the kiosk once: another browser profile cannot reuse it.
    const stranger = await browser.newContext();
    const second = await (await stranger.newPage()).goto(url);
    expect(second?.status()).toBe(403);
    await stranger.close();
  });
});

describe.skipIf(!chromiumPath)('a settings file the kiosk cannot use', () => {
  let browser: Browser;
  let host: RunningWebHost;
  afterAll(async () => {
    await browser?.close();
    await host?.close();
  });

  it('brings the kiosk up on an out-of-service screen that says what is wrong with the file', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'rz-bad-settings-'));
    writeFileSync(join(dataDir, 'settings.json'), '{ "verify": { "far": "one in a thousand" } }');
    host = await startTestWebHost({ real: true, env: { RENZHENG_DATA_DIR: dataDir } });
    browser = await launchChromium();
    const page = await browser.newPage();
    await page.goto(host.url);
    const screen = page.locator('[data-screen="out-of-service"]');
    await screen.waitFor();
    const text = await screen.textContent();
    expect(text).toContain('暂停服务');
    expect(text).toContain('settings.json');
    expect(text).toContain('verify.far');
    await screenshot(page, 'out-of-service-bad-settings');
  });
});
