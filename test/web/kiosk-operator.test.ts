import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { RunningWebHost } from '../../main/web-host';
import type { VerifyInput, VerifyOutcome, VerifyProvider } from '../../main/services/verify/provider';
import { headFrame, videoDir, writeVideo } from '../renderer/capture-videos';
import { chromiumPath, launchChromium } from '../support/chromium';
import { screenshot } from '../support/screenshots';
import { startTestWebHost } from '../support/test-kiosk';

/** A provider whose pass mark follows the FAR like the real ones do; the face always scores 30. */
class FarProvider implements VerifyProvider {
  readonly name = 'local' as const;
  static readonly THRESHOLDS: Record<number, number> = { 0.0001: 60, 0.001: 40, 0.01: 20 };
  constructor(private readonly far: number) {}
  status() {
    return { ready: true, detail: `test provider at FAR ${this.far}` };
  }
  async verify(_input: VerifyInput): Promise<VerifyOutcome> {
    const threshold = FarProvider.THRESHOLDS[this.far]!;
    return { kind: 'compared', score: 30, threshold, far: this.far };
  }
}

const PIN = '482916';
// A still photo passes only passive checks with zero thresholds (docs/liveness.md): this file is about the operator.
const passiveOnly = { activeChallenges: [], antispoofMin: 0, livenessMin: 0 };
let dir: string;
let browser: Browser;
let host: RunningWebHost;

beforeAll(async () => {
  if (!chromiumPath) return;
  dir = videoDir();
  browser = await launchChromium({ fakeCameraY4m: await writeVideo(`${dir}/linda.y4m`, [{ i420: await headFrame('linda'), repeat: 30 }]) });
  host = await startTestWebHost({
    makeProvider: (verify) => new FarProvider(verify.far),
    operatorPin: PIN,
    settings: { language: 'en', verify: { far: 0.001 }, capture: passiveOnly },
  });
});

afterAll(async () => {
  await browser?.close();
  await host?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function verifyOnce(page: Page): Promise<{ verdict: string | null; score: string }> {
  await page.click('[data-testid=simulate-card]');
  await page.click('[data-testid=consent-accept]', { timeout: 15_000 });
  await page.waitForSelector('[data-screen=result]', { timeout: 45_000 });
  return { verdict: await page.getAttribute('[data-screen=result]', 'data-verdict'), score: await page.locator('[data-testid=result-score]').innerText() };
}

/** Sends one raw contract call from the page over its own connection, as a script in the page could. */
function rawCall(page: Page, url: string, channel: string): Promise<unknown> {
  return page.evaluate(({ url, channel }) => new Promise((resolve) => {
    const ws = new WebSocket(url);
    ws.onopen = () => ws.send(JSON.stringify({ id: 1, channel, payload: {} }));
    ws.onmessage = (m) => { resolve(JSON.parse(String(m.data))); ws.close(); };
    ws.onerror = () => resolve('connection refused');
    ws.onclose = () => resolve('connection refused');
  }), { url, channel });
}

describe.skipIf(!chromiumPath)('operator surface', () => {
  it('is out of the kiosk page’s reach: its channels are unknown on the kiosk connection', async () => {
    const page = await browser.newPage();
    await page.goto(host.openUrl());
    await page.waitForSelector('[data-screen=attract]');
    // The page's own connection: same origin, its HttpOnly cookie sent by the browser.
    const kioskWs = `ws://127.0.0.1:${host.port}/contract`;
    for (const channel of ['operator.settings.get', 'operator.settings.update', 'operator.audit.csv']) {
      expect(await rawCall(page, kioskWs, channel)).toMatchObject({ result: { ok: false, error: { code: 'unknown-channel' } } });
    }
    await page.close();
  }, 30_000);

  it('opens with the hidden gesture and PIN, refuses a wrong PIN, and the FAR the operator sets decides the next verification', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(host.openUrl());
    // At FAR 0.1% the pass mark is 40: a score of 30 fails.
    expect(await verifyOnce(page)).toMatchObject({ verdict: 'fail' });
    await page.click('[data-testid=result-done]').catch(() => undefined);
    await page.waitForSelector('[data-screen=attract]');

    for (let i = 0; i < 5; i++) await page.click('[data-testid=brand]');
    await page.waitForSelector('[data-testid=pin-pad]');
    await page.fill('[data-testid=pin-input]', '000000');
    await page.click('[data-testid=pin-submit]');
    expect(await page.locator('[data-testid=pin-message]').innerText()).toBe('Wrong PIN');
    await screenshot(page, 'operator-pin-wrong');
    await page.fill('[data-testid=pin-input]', PIN);
    const [operator] = await Promise.all([page.waitForEvent('popup'), page.click('[data-testid=pin-submit]')]);
    await operator.waitForSelector('[data-testid=settings-form]');
    const operatorUrl = new URL(operator.url());
    // Its own port (origin) and cookie, never the kiosk's; the one-time code left the address bar.
    expect(operatorUrl.port).not.toBe(String(host.port));
    expect(operatorUrl.pathname).toBe('/operator/index.html');
    expect(operatorUrl.search).toBe('');
    await screenshot(operator, 'operator-settings');

    // Opening the operator page left the kiosk page's own token cookie intact: its assets still load.
    expect(await page.evaluate(() => fetch('./index.html').then((r) => r.status))).toBe(200);
    // The kiosk page cannot open the operator connection with what it holds.
    const operatorWsWithKioskToken = `ws://127.0.0.1:${operatorUrl.port}/contract`;
    expect(await rawCall(page, operatorWsWithKioskToken, 'operator.settings.get')).toBe('connection refused');

    await operator.selectOption('[data-testid=setting-far]', '0.01');
    await operator.click('[data-testid=settings-save]');
    await operator.waitForSelector('[data-testid=settings-message]');
    await operator.click('[data-testid=tab-diagnostics]');
    await operator.waitForSelector('[data-testid=diagnostics]');
    expect(await operator.locator('[data-testid=diagnostics]').innerText()).toContain('test provider at FAR 0.01');
    await screenshot(operator, 'operator-diagnostics');

    // At FAR 1% the pass mark is 20: the same face now passes.
    const next = await verifyOnce(page);
    await screenshot(page, 'operator-threshold-applied');
    expect(next.verdict).toBe('pass');
    expect(next.score).toContain('20.0');
    await operator.close();
    await page.close();
  }, 120_000);
});
