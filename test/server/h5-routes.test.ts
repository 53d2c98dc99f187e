import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findH5Root, problemPage } from '../../server/h5/routes';

describe('where the service finds the built H5 page', () => {
  const root = mkdtempSync(join(tmpdir(), 'renzheng-h5-root-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'out', 'renderer', 'h5'), { recursive: true });
  mkdirSync(join(root, 'out', 'main', 'chunks'), { recursive: true });
  mkdirSync(join(root, 'renderer', 'h5'), { recursive: true });
  mkdirSync(join(root, 'server', 'h5'), { recursive: true });
  writeFileSync(join(root, 'out', 'renderer', 'h5', 'index.html'), '<html><head></head></html>');
  writeFileSync(join(root, 'renderer', 'h5', 'index.html'), 'source, not built');

  it('finds out/renderer from the CLI bundle (out/main/chunks) and from the source tree (server/h5)', () => {
    expect(findH5Root(join(root, 'out', 'main', 'chunks'))).toBe(join(root, 'out', 'renderer'));
    expect(findH5Root(join(root, 'server', 'h5'))).toBe(join(root, 'out', 'renderer'));
  });
  it('never takes the unbuilt source page', () => {
    rmSync(join(root, 'out', 'renderer', 'h5', 'index.html'));
    expect(findH5Root(join(root, 'server', 'h5'))).toBeUndefined();
  });
});

describe('the page for a link that cannot be used', () => {
  it.each(['invalid', 'expired', 'spent', 'missing'] as const)('says in Chinese and English what happened to a %s link, without script', (problem) => {
    const page = problemPage(problem);
    expect(page.html).not.toContain('<script');
    expect(page.html).toMatch(/[\u4e00-\u9fff]/);
    expect(page.html).toContain('lang="en"');
    expect(page.status).toBeGreaterThanOrEqual(400);
  });
});
