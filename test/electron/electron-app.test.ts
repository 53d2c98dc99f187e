import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { _electron, type ElectronApplication } from 'playwright-core';
// @ts-expect-error plain ESM helper shared with scripts/start.mjs
import { findElectronBinary } from '../../scripts/electron-binary.mjs';
import { repoRoot } from '../support/test-kiosk';

// Runs the real Electron shell where a binary exists (ELECTRON_PATH or node_modules/electron/dist).
// It is found by checking files: requiring 'electron' would try to download one.
const electronBinary = (findElectronBinary as (root: string) => string | null)(repoRoot);
if (!electronBinary) {
  console.warn('[electron suite] skipped: no Electron binary (set ELECTRON_PATH or install electron with its binary); the shell is covered by mocked-electron unit tests and the web e2e.');
}

describe.skipIf(!electronBinary)('Electron shell (real binary)', () => {
  let app: ElectronApplication;
  afterAll(async () => app?.close());

  it('opens one sandboxed kiosk window on app:// showing the attract screen', async () => {
    app = await _electron.launch({
      executablePath: electronBinary!,
      args: [repoRoot, '--no-sandbox'],
      env: { ...process.env, RENZHENG_DATA_DIR: mkdtempSync(join(tmpdir(), 'rz-electron-')) },
    });
    const page = await app.firstWindow();
    await page.locator('[data-screen="attract"]').waitFor();
    expect(page.url()).toBe('app://kiosk/index.html');
    expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
    type Bridge = { renzheng: { invoke(c: string, p: unknown): Promise<unknown> } };
    const info = await page.evaluate(async () => (globalThis as unknown as Bridge).renzheng.invoke('system.info', {}));
    expect(info).toMatchObject({ ok: true, value: { shell: 'electron' } });
    const refused = await page.evaluate(async () => (globalThis as unknown as Bridge).renzheng.invoke('shell.openExternal', {}).catch((e: Error) => e.message));
    expect(String(refused)).toContain('Unknown channel');
  });
});
