import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../cli/index';
import { captureIo } from '../cloudauth/support/cli-io';
import { ConsoleClient, ID, submitTicket } from '../server/support/console';
import { masterKeyEnv, startTestServer } from '../server/support/harness';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function cli(args: string[], env: Record<string, string | undefined>) {
  const cap = captureIo(env);
  const code = await runCli(args, cap.io);
  return { code, out: cap.stdout(), err: cap.stderr() };
}

describe('renzheng server users / delete / purge', () => {
  it('creates a console user with a one-time password, and deletes one ID number from the command line', async () => {
    const data = mkdtempSync(join(tmpdir(), 'renzheng-cli-console-'));
    dirs.push(data);
    const env = masterKeyEnv();
    const t = await startTestServer({ dataDir: data, env });
    try {
      const created = await cli(['server', 'users', 'create', '--data', data, '--user', 'ops', '--role', 'admin'], env);
      expect(created.code).toBe(0);
      const last = JSON.parse(created.out.trim().split('\n').at(-1)!) as { user: string; password: string };
      expect(last).toEqual({ user: 'ops', password: expect.stringMatching(/^[A-Za-z0-9]{16}$/) });
      expect((await cli(['server', 'users', 'create', '--data', data, '--user', 'ops', '--role', 'admin'], env)).out).toContain('UserExists');
      expect((await cli(['server', 'users', 'create', '--data', data, '--user', 'x1', '--role', 'root'], env)).code).toBe(2);

      const login = await new ConsoleClient(t.url).login('ops', last.password);
      expect(login.json).toMatchObject({ user: 'ops', role: 'admin', mustChange: true });

      await t.createBiz('BasicBiz', 'RPBasic');
      await submitTicket(t, 'BasicBiz', 'cli-1');
      const deleted = await cli(['server', 'delete', '--data', data, '--id-number', ID], env);
      expect(JSON.parse(deleted.out)).toEqual({ tickets: 1, objects: 3 });
      expect((await t.client().getStatus({ Biz: 'BasicBiz', TicketId: 'cli-1' })).Data.StatusCode).toBe(-1);
      expect((await cli(['server', 'delete', '--data', data, '--ticket', 'BasicBiz/cli-1'], env)).code).toBe(1);
      const purge = await cli(['server', 'purge', '--data', data], env);
      expect(JSON.parse(purge.out)).toMatchObject({ perBiz: { tickets: 0, objects: 0 } });
    } finally {
      await t.close();
    }
  });
});
