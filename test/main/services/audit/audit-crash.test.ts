import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../../support/test-kiosk';

describe('audit database under a crash', () => {
  it('keeps every committed record and stays intact when the process is killed with SIGKILL mid-write', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rz-crash-'));
    // node itself with tsx's loader: one process, so the SIGKILL hits the writer (tsx's CLI would spawn a child that survives it).
    const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'test/support/audit-writer.ts'), dir], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
    let committed = 0;
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        const counts = [...chunk.toString().matchAll(/committed (\d+)/g)].map((m) => Number(m[1]));
        if (counts.length) committed = Math.max(committed, ...counts);
        // Killed while it is writing: it never stops on its own.
        if (committed >= 40 && !child.killed) child.kill('SIGKILL');
      });
      child.on('exit', () => resolve());
      child.on('error', reject);
    });
    expect(child.signalCode).toBe('SIGKILL');
    // The writer is really gone: the database does not grow any more.
    const size = () => statSync(join(dir, 'audit.sqlite-wal'), { throwIfNoEntry: false })?.size ?? 0;
    const before = size();
    await new Promise((r) => setTimeout(r, 300));
    expect(size()).toBe(before);
    const db = new Database(join(dir, 'audit.sqlite'));
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const rows = (db.prepare('SELECT count(*) AS n FROM verifications').get() as { n: number }).n;
    // Every record the writer reported as committed is there (it may have committed one more before the kill landed).
    expect(rows).toBeGreaterThanOrEqual(committed);
    // The ledger's parts of a record (subject, sealed images, outbox entry) are one transaction, written
    // after audit-store's row: at most the last row can lack them, never some of them.
    const counts = ['verification_subjects', 'sealed_images', 'outbox'].map((table) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n);
    expect(new Set(counts).size).toBe(1);
    expect(counts[0]).toBeGreaterThanOrEqual(rows - 1);
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);
});
