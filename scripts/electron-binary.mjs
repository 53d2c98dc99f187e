// Finds an Electron binary by checking files only: requiring 'electron' would try to download one.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export function findElectronBinary(root, env = process.env) {
  const candidates = [
    env.ELECTRON_PATH,
    join(root, 'node_modules/electron/dist/electron'),
    join(root, 'node_modules/electron/dist/electron.exe'),
    join(root, 'node_modules/electron/dist/Electron.app/Contents/MacOS/Electron'),
  ].filter(Boolean);
  return candidates.find((file) => existsSync(file)) ?? null;
}

export function findChromium(env = process.env) {
  const candidates = [env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].filter(Boolean);
  return candidates.find((file) => existsSync(file)) ?? null;
}
