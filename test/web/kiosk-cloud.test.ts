import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { RunningWebHost } from '../../main/web-host';
import { headFrame, videoDir, writeVideo } from '../renderer/capture-videos';
import { chromiumPath, launchChromium } from '../support/chromium';
import { screenshot } from '../support/screenshots';
import { startTestWebHost } from '../support/test-kiosk';

// The cloudauth provider pointed at a port where nothing listens, wired as npm start wires it.
const passiveOnly = { activeChallenges: [], antispoofMin: 0, livenessMin: 0 };

/** A port that was free a moment ago: connecting to it is refused. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const browsers: Browser[] = [];
const hosts: RunningWebHost[] = [];
afterAll(async () => {
  await Promise.all(browsers.map((b) => b.close()));
  await Promise.all(hosts.map((h) => h.close()));
});

async function run(fallbackToLocal: boolean, name: string) {
  const dataDir = mkdtempSync(join(tmpdir(), 'rz-cloud-'));
  const endpoint = `http://127.0.0.1:${await deadPort()}`;
  writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({
    language: 'en', reader: { mode: 'simulated' }, capture: passiveOnly,
    verify: { provider: 'cloudauth', fallbackToLocal, cloudauth: { endpoint, timeoutMs: 2000 } },
    // Records meant for a central service that is down too: they must wait in the queue.
    audit: { centralUrl: `${endpoint}/audit` },
  }));
  const host = await startTestWebHost({ real: true, env: { RENZHENG_DATA_DIR: dataDir, ALIBABA_CLOUD_ACCESS_KEY_ID: 'test-id', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'test-secret' } });
  hosts.push(host);
  const dir = videoDir();
  const browser = await launchChromium({ fakeCameraY4m: await writeVideo(`${dir}/linda.y4m`, [{ i420: await headFrame('linda'), repeat: 30 }]) });
  browsers.push(browser);
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(host.openUrl());
  await page.click('[data-testid=simulate-card]');
  await page.click('[data-testid=consent-accept]', { timeout: 15_000 });
  await page.waitForSelector('[data-screen=result]', { timeout: 90_000 });
  await screenshot(page, name);
  return { page, dataDir, host };
}

describe.skipIf(!chromiumPath)('cloud verification service unreachable', () => {
  it('says the service cannot be reached when the operator did not allow a local fallback, and queues the audit record', async () => {
    const { page, dataDir } = await run(false, 'cloud-unreachable');
    expect(await page.getAttribute('[data-screen=result]', 'data-verdict')).toBe('error');
    expect(await page.getAttribute('[data-screen=result]', 'data-reason')).toBe('provider-unavailable');
    expect(await page.locator('[data-testid=result-provider-code]').innerText()).toBe('NetworkError');
    expect(await page.locator('[data-testid=result-why]').innerText()).toBe('The verification service cannot be reached: please call staff');
    const audit = new Database(join(dataDir, 'audit.sqlite'), { readonly: true });
    expect(audit.prepare('SELECT provider, verdict, reason, provider_code FROM verifications').all()).toEqual([
      { provider: 'cloudauth', verdict: 'error', reason: 'provider-unavailable', provider_code: 'NetworkError' },
    ]);
    // The central service is down too: the record waits in the outbox with its failed try counted.
    await expect.poll(() => audit.prepare('SELECT tries FROM outbox').get(), { timeout: 10_000 }).toMatchObject({ tries: 1 });
    audit.close();
  }, 150_000);

  it('falls back to the local engine when allowed, and says so on screen', async () => {
    const { page, dataDir } = await run(true, 'cloud-fallback-local');
    expect(await page.getAttribute('[data-screen=result]', 'data-verdict')).toBe('fail');
    expect(await page.locator('[data-testid=result-fallback]').innerText()).toBe('The cloud verification service could not be reached; this kiosk compared the faces itself.');
    const audit = new Database(join(dataDir, 'audit.sqlite'), { readonly: true });
    expect(audit.prepare('SELECT provider, verdict, reason FROM verifications').all()).toEqual([{ provider: 'local', verdict: 'fail', reason: 'face-mismatch' }]);
    audit.close();
  }, 150_000);
});
