import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { repoRoot } from './test-kiosk';

/** Where web e2e tests leave what a person would have seen (gitignored; kept as CI artifacts). */
export const SCREENSHOT_DIR = join(repoRoot, 'test-results', 'screenshots');

/**
 * `name`.png in SCREENSHOT_DIR, once the page's fonts have loaded: the bundled CJK font comes in
 * unicode-range subsets fetched as glyphs appear, and a shot taken before them shows empty boxes.
 */
export async function screenshot(page: Page, name: string, opts: { fullPage?: boolean } = {}): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  // Ask for the subsets this page's text needs, regular and bold, then wait for every pending load.
  await page
    .evaluate(`Promise.all(['1em', 'bold 1em'].map((f) => document.fonts.load(f + ' "Noto Sans SC"', document.body.innerText))).then(() => document.fonts.ready)`)
    .catch(() => undefined);
  await page.screenshot({ path, fullPage: opts.fullPage });
  return path;
}
