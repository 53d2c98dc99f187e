// `npm start`: build if needed, then Electron when a binary exists, otherwise the web host (+ Chromium app window).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findChromium, findElectronBinary } from './electron-binary.mjs';

const root = join(import.meta.dirname, '..');
const sources = ['main', 'preload', 'renderer', 'contract', 'idcard', 'cloudauth', 'face', 'native'];

function newest(dir) {
  if (!existsSync(dir)) return 0;
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : statSync(full).mtimeMs);
  }
  return latest;
}

function buildIfNeeded() {
  const marker = join(root, 'out/main/web-host.js');
  const builtAt = existsSync(marker) ? statSync(marker).mtimeMs : 0;
  if (builtAt >= Math.max(...sources.map((s) => newest(join(root, s))))) return;
  console.log('Building the kiosk…');
  const result = spawnSync(process.execPath, [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error('The build failed; see the errors above.');
    process.exit(result.status ?? 1);
  }
}

buildIfNeeded();

const electron = findElectronBinary(root);
if (electron && process.env.RENZHENG_SHELL !== 'web') {
  console.log(`Starting the Electron shell (${electron}).`);
  const child = spawn(electron, [root], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  if (!electron) console.log('No Electron binary found (set ELECTRON_PATH to use one); starting the web shell instead.');
  const host = spawn(process.execPath, [join(root, 'out/main/web-host.js')], { stdio: ['ignore', 'pipe', 'inherit'] });
  host.stdout.setEncoding('utf8');
  let opened = false;
  host.stdout.on('data', (text) => {
    process.stdout.write(text);
    // A one-time code, not the session token: Chromium's command line is readable by every local user.
    const match = /(http:\/\/127\.0\.0\.1:\d+\/\?code=\S+)/.exec(text);
    if (match && !opened) {
      opened = true;
      openBrowser(match[1]);
    }
  });
  const stop = () => host.kill('SIGTERM');
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  host.on('exit', (code) => process.exit(code ?? 0));
}

function openBrowser(url) {
  const chromium = findChromium();
  const hasDisplay = Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
  if (process.env.RENZHENG_NO_BROWSER || !chromium || !hasDisplay) {
    const why = process.env.RENZHENG_NO_BROWSER ? 'RENZHENG_NO_BROWSER is set' : !chromium ? 'no Chromium installed' : 'no display';
    console.log(`Not opening a browser (${why}). Open the URL above in Chromium or Chrome.`);
    return;
  }
  const profile = mkdtempSync(join(tmpdir(), 'renzheng-chromium-'));
  const browser = spawn(chromium, [
    `--app=${url}`, `--user-data-dir=${profile}`, '--no-first-run', '--disable-sync',
    '--disable-background-networking', '--disable-component-update', '--autoplay-policy=no-user-gesture-required',
  ], { stdio: 'ignore', detached: false });
  browser.on('error', (error) => console.log(`Could not open Chromium (${error.message}). Open the URL above yourself.`));
}
