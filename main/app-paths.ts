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

/** Where settings and the audit database live unless RENZHENG_DATA_DIR says otherwise. */
export function defaultDataDir(env: Record<string, string | undefined>): string {
  return env.RENZHENG_DATA_DIR ?? join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'renzheng');
}
