import { chromium, type Browser } from 'playwright-core';
// @ts-expect-error plain ESM helper shared with scripts/start.mjs
import { findChromium } from '../../scripts/electron-binary.mjs';

export const chromiumPath: string | null = (findChromium as (env?: NodeJS.ProcessEnv) => string | null)();

/**
 * Debian chromium, headless (Playwright gives it a fresh temporary profile), with a fake camera fed from a .y4m file. The background-networking
 * flags keep it from dialling out on a machine with no network.
 */
export async function launchChromium(opts: { fakeCameraY4m?: string } = {}): Promise<Browser> {
  if (!chromiumPath) throw new Error('Chromium is not installed: apt-get install chromium (the web e2e tests need it).');
  const args = [
    '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run', '--disable-quic',
  ];
  if (opts.fakeCameraY4m) {
    args.push('--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${opts.fakeCameraY4m}`);
  }
  return chromium.launch({ executablePath: chromiumPath, headless: true, args });
}
