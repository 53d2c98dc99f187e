import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../cli/index';
import { captureIo } from '../cloudauth/support/cli-io';
import { masterKeyEnv, startTestServer } from '../server/support/harness';
import { rawCall } from '../server/support/raw';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'renzheng-cli-server-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function cli(args: string[], env: Record<string, string | undefined> = {}) {
  const cap = captureIo(env);
  const code = await runCli(args, cap.io);
  return { code, out: cap.stdout(), err: cap.stderr() };
}

describe('renzheng server keys / biz', () => {
  it('creates a key whose secret is printed once as the last line and stored only sealed', async () => {
    const data = tempDir();
    const created = await cli(['server', 'keys', 'create', '--data', data]);
    expect(created.code).toBe(0);
    const last = JSON.parse(created.out.trim().split('\n').at(-1)!) as { AccessKeyId: string; AccessKeySecret: string };
    expect(last.AccessKeyId).toMatch(/^LTAI[A-Za-z0-9]{20}$/);
    expect(last.AccessKeySecret).toMatch(/^[A-Za-z0-9]{30}$/);
    // No master key was given, so one was created beside the database, readable by its owner only.
    expect(statSync(join(data, 'master.key')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(data, 'renzheng-server.db')).includes(Buffer.from(last.AccessKeySecret))).toBe(false);

    const listed = await cli(['server', 'keys', 'list', '--data', data]);
    expect(JSON.parse(listed.out)).toEqual([expect.objectContaining({ AccessKeyId: last.AccessKeyId, Status: 'Active' })]);
    expect(listed.out).not.toContain(last.AccessKeySecret);

    expect((await cli(['server', 'keys', 'revoke', last.AccessKeyId, '--data', data])).code).toBe(0);
    expect(JSON.parse((await cli(['server', 'keys', 'list', '--data', data])).out)[0]).toMatchObject({ Status: 'Inactive' });
    const unknown = await cli(['server', 'keys', 'revoke', 'LTAInobody', '--data', data]);
    expect(unknown.code).toBe(1);
    expect(unknown.out).toContain('InvalidAccessKeyId.NotFound');
  });

  it('refuses a master key file others can read', async () => {
    const data = tempDir();
    writeFileSync(join(data, 'master.key'), Buffer.alloc(32, 7).toString('base64'));
    chmodSync(join(data, 'master.key'), 0o644);
    const result = await cli(['server', 'keys', 'create', '--data', data]);
    expect(result.code).toBe(1);
    expect(result.out).toContain('chmod 600');
  });

  it('creates a biz once, with one of the guide\'s schemes', async () => {
    const data = tempDir();
    expect((await cli(['server', 'biz', 'create', '--biz', 'Counter', '--scheme', 'RPMin', '--data', data])).code).toBe(0);
    expect((await cli(['server', 'biz', 'create', '--biz', 'Counter', '--scheme', 'RPMin', '--data', data])).code).toBe(1);
    expect((await cli(['server', 'biz', 'create', '--biz', 'Other', '--scheme', 'RPNothing', '--data', data])).code).toBe(2);
    expect(JSON.parse((await cli(['server', 'biz', 'list', '--data', data])).out)).toEqual([expect.objectContaining({ Biz: 'Counter', Scheme: 'RPMin' })]);
  });

  it('rejects a --db that is not a postgres URL', async () => {
    const result = await cli(['server', 'keys', 'list', '--data', tempDir(), '--db', 'mysql://x']);
    expect(result.code).toBe(2);
    expect(result.err).toContain('postgres');
  });
});

describe('renzheng cloudauth against the service', () => {
  it('accepts the guide\'s RegionId=cn-hangzhou (and Format=) written as parameters', async () => {
    const t = await startTestServer();
    try {
      const result = await cli(
        ['cloudauth', 'GetStatus', '--endpoint', t.url, '--key-id', t.key.AccessKeyId, '--key-secret', t.key.AccessKeySecret, 'RegionId=cn-hangzhou', 'Format=XML', 'Biz=RPMinBiz', 'TicketId=cli-1'],
      );
      expect(result.err).toBe('');
      expect(result.code).toBe(0);
      expect(JSON.parse(result.out)).toMatchObject({ Code: '1', Data: { StatusCode: -1 } });
      const refused = await cli(['cloudauth', 'GetStatus', '--endpoint', t.url, '--key-id', 'x', '--key-secret', 'y', 'SignatureNonce=1', 'Biz=b', 'TicketId=t']);
      expect(refused.code).toBe(2);
      expect(refused.err).toContain('SignatureNonce is set by the client');
    } finally {
      await t.close();
    }
  });
});

describe('renzheng server (the process)', () => {
  it('serves with the real face engine, answers /health, and finishes a request in flight on SIGTERM', async () => {
    const data = tempDir();
    const env = { ...process.env, ...masterKeyEnv() };
    const keyOut = await cli(['server', 'keys', 'create', '--data', data], env);
    const key = JSON.parse(keyOut.out.trim().split('\n').at(-1)!) as { AccessKeyId: string; AccessKeySecret: string };
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '../../cli/index.ts'), 'server', '--port', '0', '--data', data, '--face-workers', '1'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    let out = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no listening line: ${err.slice(-500)}`)), 150_000);
        child.stderr.on('data', () => {
          const m = /listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(err);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        });
      });
      const health = await fetch(`${url}/health`);
      expect(await health.json()).toMatchObject({ status: 'ok', storage: 'sqlite' });
      const photo = `base64://${(await readFile(join(import.meta.dirname, '../fixtures/faces/person-vlado.jpg'))).toString('base64')}`;
      const inFlight = rawCall(url, key, 'CompareFaces', { SourceImageType: 'FacePic', SourceImageValue: photo, TargetImageType: 'FacePic', TargetImageValue: photo });
      await new Promise((r) => setTimeout(r, 100));
      child.kill('SIGTERM');
      const answer = await inFlight;
      expect(answer.status).toBe(200);
      expect(await exited).toBe(0);
      // Structured log lines on stdout, the request among them, with no parameter values.
      const lines = out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.find((l) => l.action === 'CompareFaces')).toMatchObject({ status: 200, code: '1' });
      expect(out).not.toContain(photo.slice(9, 60));
    } finally {
      child.kill('SIGKILL');
    }
  }, 200_000);
});

describe('renzheng server with --db', () => {
  it('creates keys and a biz in PostgreSQL when given a postgres:// URL', async () => {
    const { startPostgres } = await import('../server/support/postgres');
    const pg = await startPostgres();
    if (!pg.ok) {
      console.warn(`skipped: ${pg.reason}`);
      return;
    }
    try {
      const db = await pg.newDatabase();
      const data = tempDir();
      const env = masterKeyEnv();
      expect((await cli(['server', 'keys', 'create', '--data', data, '--db', db], env)).code).toBe(0);
      expect((await cli(['server', 'biz', 'create', '--biz', 'PgBiz', '--scheme', 'RPBasic', '--data', data], { ...env, RENZHENG_SERVER_DB_URL: db })).code).toBe(0);
      expect(JSON.parse((await cli(['server', 'keys', 'list', '--data', data, '--db', db], env)).out)).toHaveLength(1);
      expect(JSON.parse((await cli(['server', 'biz', 'list', '--data', data, '--db', db], env)).out)).toEqual([expect.objectContaining({ Biz: 'PgBiz' })]);
      // Nothing was written to a SQLite file beside the master key.
      expect(existsSync(join(data, 'renzheng-server.db'))).toBe(false);
    } finally {
      await pg.stop();
    }
  }, 60_000);
});
