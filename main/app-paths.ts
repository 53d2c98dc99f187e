import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** The project (or packaged app) root: the nearest folder above `from` holding package.json. */
export function findAppRoot(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`No package.json above ${from}; cannot locate the app's files.`);
    dir = parent;
  }
  return dir;
}

/**
 * Where settings and the audit database live: RENZHENG_DATA_DIR, else the platform's per-user
 * config folder + "renzheng". Both shells call this one rule, so a kiosk keeps its settings and
 * audit when it moves between the Electron and the web shell (Electron's userData would be
 * ~/.config/Renzheng, a different folder on case-sensitive file systems).
 */
export function defaultDataDir(
  env: Record<string, string | undefined>,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  if (env.RENZHENG_DATA_DIR) return env.RENZHENG_DATA_DIR;
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'renzheng');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'renzheng');
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'renzheng');
}
