import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/chromium';
import { startTestWebHost } from '../support/test-kiosk';
import type { RunningWebHost } from '../../main/web-host';
import { headFrame, VIDEO, videoDir, writeVideo } from '../renderer/capture-videos';
import { openCaptureScreen, waitForSubmit } from '../renderer/capture-e2e';

// One CGI head (cgi-multiangle-4) looking at the camera, turning to its own left, back, then
// to its own right; Chromium loops the video.
let browser: Browser;
let dir: string;
const hosts: RunningWebHost[] = [];

beforeAll(async () => {
  // 15 fps, 2 s frontal and 1 s turned: enough frames for the gate and the judge even when a
  // loaded machine detects at only a few frames per second.
  dir = videoDir();
  const frontal = await headFrame('cgiFrontal');
  const video = await writeVideo(`${dir}/turn.y4m`, [
    { i420: frontal, repeat: 30 },
    { i420: await headFrame('cgiOwnLeft'), repeat: 15 },
    { i420: frontal, repeat: 30 },
    { i420: await headFrame('cgiOwnRight'), repeat: 15 },
  ], { ...VIDEO, fps: 15 });
  browser = await launchChromium({ fakeCameraY4m: video });
});

afterAll(async () => {
  await browser?.close();
  await Promise.all(hosts.map((h) => h.close()));
  rmSync(dir, { recursive: true, force: true });
});

describe('capture with a head that turns', () => {
  it.each(['turn-left', 'turn-right'] as const)('passes the %s challenge', async (challenge) => {
    const host = await startTestWebHost({ settings: { capture: { activeChallenges: [challenge], challengeTimeoutMs: 10_000 } } });
    hosts.push(host);
    const capture = await openCaptureScreen(browser, host);
    const submit = await waitForSubmit(capture, 40_000);
    expect(capture.errors).toEqual([]);
    expect(submit.liveness.challenge).toBe(challenge);
    const active = submit.liveness.checks.find((c) => c.name === `active-${challenge}`)!;
    expect(active).toMatchObject({ ran: true, passed: true });
    expect(active.score!).toBeGreaterThanOrEqual(active.threshold!);
    // Main holds the record to the challenge it issued and to its own thresholds: an honest record
    // is accepted as it stands (the provider double passes every comparison).
    await capture.page.waitForSelector('[data-screen=result]', { timeout: 20_000 });
    expect(await capture.page.getAttribute('[data-screen=result]', 'data-verdict')).toBe(submit.liveness.passed ? 'pass' : 'fail');
    await capture.page.close();
  }, 60_000);
});
