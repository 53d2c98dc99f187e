import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const sources = resolve(import.meta.dirname, '../../support/c');

/** Compiles fake vendor libraries from test/support/c into a temp dir; nothing binary is committed. */
export function createCompiler(): { compile(source: string, out: string, defines?: Record<string, string>): string; dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'renzheng-fakelib-'));
  return {
    dir,
    compile(source, out, defines = {}) {
      const target = join(dir, out);
      const flags = Object.entries(defines).map(([k, v]) => (v === '' ? `-D${k}` : `-D${k}=${v}`));
      execFileSync('gcc', ['-shared', '-fPIC', '-O1', '-Wall', `-I${sources}`, ...flags, '-o', target, join(sources, source)], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      return target;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
