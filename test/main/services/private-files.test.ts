import { chmodSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createKiosk } from '../../../main/services/create-kiosk';
import { quietLog, repoRoot } from '../../support/test-kiosk';

// The kiosk's state (settings, audit trail) is owner-only, whatever umask the shell was started with.
describe('files the kiosk keeps', () => {
  let umask: number;
  beforeEach(() => {
    umask = process.umask(0o022);
  });
  afterEach(() => {
    process.umask(umask);
  });

  const cloudauth = { provider: 'cloudauth', cloudauth: { accessKeyId: 'LTAI-test', accessKeySecret: 'secret-value' } };

  it('creates the data directory 0700 and the audit database 0600 at start', async () => {
    const root = mkdtempSync(join(tmpdir(), 'rz-modes-'));
    const dataDir = join(root, 'renzheng');
    // Settings kept elsewhere, so nothing but the kiosk creates the data directory (cloudauth: no face worker to wait for).
    writeFileSync(join(root, 'settings.json'), JSON.stringify({ verify: { provider: 'cloudauth' } }));
    const kiosk = await createKiosk({ appRoot: repoRoot, dataDir, shell: 'web', log: quietLog, env: { RENZHENG_CONFIG: join(root, 'settings.json') } });
    await kiosk.stop();
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dataDir, 'audit.sqlite')).mode & 0o777).toBe(0o600);
  });

  it('tightens a data directory an older version left 0755', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'rz-modes-'));
    chmodSync(dataDir, 0o755);
    writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ verify: { provider: 'cloudauth' } }));
    const kiosk = await createKiosk({ appRoot: repoRoot, dataDir, shell: 'web', log: quietLog, env: {} });
    await kiosk.stop();
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
  });

  it('leaves a data directory the operator chose (RENZHENG_DATA_DIR) as it is, and warns', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'rz-modes-'));
    chmodSync(dataDir, 0o755);
    writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ verify: { provider: 'cloudauth' } }));
    const warnings: string[] = [];
    const log = { ...quietLog, warn: (message: string) => void warnings.push(message), child: () => log } as typeof quietLog;
    const kiosk = await createKiosk({ appRoot: repoRoot, dataDir, shell: 'web', log, env: { RENZHENG_DATA_DIR: dataDir } });
    await kiosk.stop();
    expect(statSync(dataDir).mode & 0o777).toBe(0o755);
    expect(warnings).toContain('data directory is readable by other users: run chmod 700 on it');
    expect(statSync(join(dataDir, 'audit.sqlite')).mode & 0o777).toBe(0o600);
  });

  it('refuses an AccessKey secret in a settings file other users can read, and says how to fix it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'rz-modes-'));
    const file = join(dataDir, 'settings.json');
    writeFileSync(file, JSON.stringify({ verify: cloudauth }), { mode: 0o644 });
    const kiosk = await createKiosk({ appRoot: repoRoot, dataDir, shell: 'web', log: quietLog, env: {} });
    expect(kiosk.systemInfo().verify).toMatchObject({ provider: 'cloudauth', ready: false, detail: expect.stringMatching(/readable by other users.*chmod 600/) });
    await kiosk.stop();

    chmodSync(file, 0o600);
    const fixed = await createKiosk({ appRoot: repoRoot, dataDir, shell: 'web', log: quietLog, env: {} });
    expect(fixed.systemInfo().verify).toMatchObject({ provider: 'cloudauth', ready: true });
    await fixed.stop();
  });

  it('does not mind a readable settings file that holds no secret', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'rz-modes-'));
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ verify: { provider: 'cloudauth', cloudauth: { accessKeyId: 'LTAI-test' } } }), { mode: 0o644 });
    const kiosk = await createKiosk({ appRoot: repoRoot, dataDir, shell: 'web', log: quietLog, env: { ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'from-env' } });
    expect(kiosk.systemInfo().verify.ready).toBe(true);
    await kiosk.stop();
  });
});
