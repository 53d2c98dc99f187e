import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const sourceDirs = ['main', 'preload', 'renderer', 'contract', 'imaging', 'idcard', 'cloudauth', 'face', 'capture', 'native', 'cli'];
const marker = join(root, 'out/renderer/index.html');

function newestMtime(dir: string): number {
  let newest = 0;
  if (!existsSync(dir)) return 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full));
    else newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

/** Web e2e and CLI tests run the built bundles; rebuild only when a source is newer than the build. */
export default function setup(): void {
  const builtAt = existsSync(marker) ? statSync(marker).mtimeMs : 0;
  const sourcesAt = Math.max(...sourceDirs.map((d) => newestMtime(join(root, d))));
  if (builtAt >= sourcesAt && existsSync(join(root, 'out/main/web-host.js'))) return;
  execFileSync(process.execPath, [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
