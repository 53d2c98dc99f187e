import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/chromium';
import { startTestWebHost } from '../support/test-kiosk';
import { frameFromImage } from '../support/y4m';
import type { RunningWebHost } from '../../main/web-host';
import { fixtures, twoPeopleFrame, VIDEO, videoDir, writeVideo } from '../renderer/capture-videos';
import { openCaptureScreen, waitForPrompt } from '../renderer/capture-e2e';
import { promptText } from '../../renderer/src/capture/prompts';
import { errorText } from '../../renderer/src/i18n/errors';

const browsers = new Map<string, Browser>();
let host: RunningWebHost;
let shortHost: RunningWebHost;
let dir: string;
let noFaceVideo: string;
let twoPeopleVideo: string;

beforeAll(async () => {
  dir = videoDir();
  noFaceVideo = await writeVideo(`${dir}/background.y4m`, [{ i420: await frameFromImage(fixtures.background, VIDEO), repeat: 30 }]);
  twoPeopleVideo = await writeVideo(`${dir}/two.y4m`, [{ i420: await twoPeopleFrame(), repeat: 30 }]);
  // No challenge: the only thing between these frames and main is the quality gate under test.
  host = await startTestWebHost({ settings: { capture: { activeChallenges: [], captureTimeoutMs: 60_000 } } });
  shortHost = await startTestWebHost({ settings: { capture: { activeChallenges: [], captureTimeoutMs: 3000 } } });
});

/** One browser per fake-camera video, shared by the tests that use it. */
async function browserFor(video: string): Promise<Browser> {
  if (!browsers.has(video)) browsers.set(video, await launchChromium({ fakeCameraY4m: video }));
  return browsers.get(video)!;
}

afterAll(async () => {
  await Promise.all([...browsers.values()].map((b) => b.close()));
  await host?.close();
  await shortHost?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Watches the capture long enough for many detections and checks nothing was submitted. */
async function expectRefusal(video: string, prompt: 'no-face' | 'multiple-faces', unplugCamera = false) {
  const capture = await openCaptureScreen(await browserFor(video), host);
  const text = await waitForPrompt(capture.page, prompt);
  expect(text).toBe(promptText('zh-CN', prompt));
  await capture.page.waitForTimeout(3000);
  // Still refusing after seconds of detections, and nothing reached main.
  expect(await capture.page.getAttribute('[data-testid=capture-screen]', 'data-prompt')).toBe(prompt);
  expect(await capture.page.getAttribute('[data-testid=capture-screen]', 'data-capture-phase')).toBe('gate');
  expect(Number(await capture.page.getAttribute('[data-testid=capture-screen]', 'data-loop-fps'))).toBeGreaterThan(0);
  expect(capture.submits).toEqual([]);
  expect(host.kiosk.verify.status().ready).toBe(true);
  if (unplugCamera) {
    // The camera's track ends as when its cable is pulled; the kiosk reopens it and goes on detecting.
    await capture.page.evaluate(() => {
      const video = document.querySelector('[data-testid=camera-preview]') as HTMLVideoElement;
      (video.srcObject as MediaStream).getVideoTracks()[0]!.dispatchEvent(new Event('ended'));
    });
    await capture.page.waitForSelector('.capture-view[data-camera=recovering]', { timeout: 5000 });
    await capture.page.waitForSelector('.capture-view[data-camera=live]', { timeout: 10_000 });
    await waitForPrompt(capture.page, prompt, 10_000);
  }
  expect(capture.errors).toEqual([]);
  await capture.page.close();
}

describe('the quality gate refuses', () => {
  it('a video with no face, says to step in front of the camera, and survives an unplugged camera', () => expectRefusal(noFaceVideo, 'no-face', true), 60_000);
  it('two faces, and asks for one person only', () => expectRefusal(twoPeopleVideo, 'multiple-faces'), 60_000);
});

describe('a capture that never passes the gate', () => {
  it('gives up at captureTimeoutMs with an error the flow shows', async () => {
    const capture = await openCaptureScreen(await browserFor(noFaceVideo), shortHost);
    await capture.page.waitForSelector('[data-screen=error][data-code=capture-timeout]', { timeout: 10_000 });
    expect(await capture.page.locator('[data-screen=error] .status').innerText()).toBe(errorText('zh-CN', 'capture-timeout'));
    // The error repeats the last thing the person was told, which says what went wrong: nobody was in front of the camera.
    expect(await capture.page.locator('[data-screen=error] .detail').innerText()).toBe(promptText('zh-CN', 'no-face'));
    expect(capture.submits).toEqual([]);
    await capture.page.close();
  }, 60_000);
});

