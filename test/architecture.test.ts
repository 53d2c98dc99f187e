import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findViolations, folderOf, importSpecifiers, isCodeFile, parseHouseRules, type SourceFile } from './support/import-rules';
import { repoRoot } from './support/test-kiosk';

const rules = parseHouseRules(readFileSync(join(repoRoot, 'docs/ARCHITECTURE.md'), 'utf8'));

function repositoryFiles(): SourceFile[] {
  // Tracked files and new ones not yet committed, never what .gitignore keeps out (node_modules, out/).
  const listed = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: repoRoot, encoding: 'utf8' });
  return listed
    .split('\n')
    .filter((path) => path && isCodeFile(path) && existsSync(join(repoRoot, path)))
    .map((path) => ({ path, text: readFileSync(join(repoRoot, path), 'utf8') }));
}

describe('the house: docs/ARCHITECTURE.md is what the tree does', () => {
  it('reads a rule for every folder of the table, most specific first', () => {
    expect(rules.folders.length).toBeGreaterThan(15);
    expect(folderOf('main/services/verify/verify-service.ts', rules)?.folder).toBe('main/services/');
    expect(folderOf('main/web-host.ts', rules)?.folder).toBe('main/');
    expect(folderOf('imaging/bmp.ts', rules)?.mayImport).toEqual([]);
    expect(rules.packages.get('electron')).toContain('preload/');
  });

  it('finds no import the table does not allow, and no source file outside a listed folder', () => {
    const files = repositoryFiles();
    expect(files.length).toBeGreaterThan(200);
    const violations = findViolations(files, rules).map((v) => v.message);
    expect(violations).toEqual([]);
  });

  it('lists only folders that exist', () => {
    const missing = rules.folders.map((r) => r.folder).filter((folder) => !existsSync(join(repoRoot, folder)));
    expect(missing).toEqual([]);
  });
});

describe('the import check itself', () => {
  it('fails when a domain folder imports from main/, naming the file and the import', () => {
    const intruder = { path: 'idcard/card.ts', text: "import { createLogger } from '../main/services/log';\n" };
    const [violation, ...others] = findViolations([intruder], rules);
    expect(others).toEqual([]);
    expect(violation).toMatchObject({ file: 'idcard/card.ts', specifier: '../main/services/log' });
    expect(violation!.message).toBe("idcard/card.ts imports '../main/services/log' (main/services/), but idcard/ may import only imaging/");
  });

  it('fails when the kiosk services reach into a shell, or one shell into the other', () => {
    const files = [
      { path: 'main/services/kiosk.ts', text: "import { startWebServer } from '../web/web-server';" },
      { path: 'main/electron/app-protocol.ts', text: "export { contentType } from '../web/web-server';" },
      { path: 'imaging/bmp.ts', text: "const sim = await import('../idcard/sim-device');" },
    ];
    expect(findViolations(files, rules).map((v) => `${v.file} → ${v.specifier}`)).toEqual([
      'main/services/kiosk.ts → ../web/web-server',
      'main/electron/app-protocol.ts → ../web/web-server',
      'imaging/bmp.ts → ../idcard/sim-device',
    ]);
  });

  it('fails on electron or React where they may not run, and on a file in an unlisted folder', () => {
    const files = [
      { path: 'main/services/verify/x.ts', text: "import { app } from 'electron';" },
      { path: 'capture/session.ts', text: "import { useState } from 'react';" },
      { path: 'gadgets/thing.ts', text: 'export const x = 1;' },
    ];
    expect(findViolations(files, rules).map((v) => v.message)).toEqual([
      "main/services/verify/x.ts imports the package 'electron', which only main/, main/electron/, preload/, test/, scripts/ may use",
      "capture/session.ts imports the package 'react', which only renderer/, test/ may use",
      'gadgets/thing.ts is in no folder of docs/ARCHITECTURE.md; add its folder to the table',
    ]);
  });

  it('allows imports inside a folder and into the folders its row names', () => {
    const files = [
      { path: 'face/engine.ts', text: "import { decodeBmp } from '../imaging/bmp';\nimport { x } from './align';" },
      { path: 'renderer/src/App.tsx', text: "import type { CardPublic } from '../../contract';\nimport { useState } from 'react';" },
      { path: 'test/x.test.ts', text: "import { Kiosk } from '../main/services/kiosk';" },
    ];
    expect(findViolations(files, rules)).toEqual([]);
  });

  it('sees every kind of module reference', () => {
    const text = [
      "import a from './a';",
      "import type { B } from '../b';",
      "export * from './c';",
      "import './d.css';",
      "const e = await import('./e');",
      "const f = require('./f');",
      "vi.mock('./g', () => ({}));",
      "import {\n  h,\n  i,\n} from './h';",
    ].join('\n');
    expect(importSpecifiers(text).sort()).toEqual(['../b', './a', './c', './d.css', './e', './f', './g', './h']);
  });
});
