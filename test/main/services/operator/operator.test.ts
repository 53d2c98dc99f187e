import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditLedger } from '../../../../main/services/audit/audit-ledger';
import { OutboxSender } from '../../../../main/services/audit/outbox';
import { LiveProvider } from '../../../../main/services/operator/live-provider';
import { applyPatch, OperatorService } from '../../../../main/services/operator/operator-service';
import { LOCKOUT_MS, MAX_PIN_FAILURES, PinGate } from '../../../../main/services/operator/pin';
import { RecentErrors } from '../../../../main/services/operator/recent-errors';
import { keyFileCipher, SecretStore } from '../../../../main/services/operator/secrets';
import { Settings } from '../../../../main/services/settings';
import type { VerifyProvider } from '../../../../main/services/verify/provider';
import { quietLog } from '../../../support/test-kiosk';

const tmp = () => mkdtempSync(join(tmpdir(), 'rz-operator-'));

describe('staff PIN', () => {
  it('is stored only as a salted hash in a file the kiosk user alone can read', () => {
    const file = join(tmp(), 'pin.json');
    new PinGate(file).set('482916');
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('482916');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(new PinGate(file).check('482916')).toEqual({ ok: true });
  });

  it('locks after repeated wrong PINs, also across a restart, and opens again after the lockout', () => {
    const file = join(tmp(), 'pin.json');
    let now = 1_000_000;
    new PinGate(file, () => now).set('482916');
    for (let i = 1; i < MAX_PIN_FAILURES; i++) expect(new PinGate(file, () => now).check('000000')).toMatchObject({ ok: false, locked: false });
    expect(new PinGate(file, () => now).check('000000')).toMatchObject({ ok: false, locked: true, retryAfterMs: LOCKOUT_MS });
    // Even the right PIN is refused while locked.
    expect(new PinGate(file, () => now).check('482916')).toMatchObject({ ok: false, locked: true });
    now += LOCKOUT_MS + 1;
    expect(new PinGate(file, () => now).check('482916')).toEqual({ ok: true });
  });

  it('keeps the operator surface shut while no PIN was ever set', () => {
    expect(new PinGate(join(tmp(), 'none.json')).check('1234')).toMatchObject({ ok: false, locked: true });
  });
});

function provider(name: 'local' | 'cloudauth', detail: string): VerifyProvider {
  return { name, status: () => ({ ready: true, detail }), verify: async () => ({ kind: 'compared', score: 50, threshold: 40, far: 0.001, pass: true }) };
}

function service(dir = tmp()) {
  const settings = Settings.parse({});
  const settingsFile = join(dir, 'settings.json');
  writeFileSync(settingsFile, JSON.stringify({ reader: { mode: 'simulated' } }));
  const secrets = new SecretStore(join(dir, 'secrets.sealed'), keyFileCipher(Buffer.alloc(32, 3)));
  const made: Settings['verify'][] = [];
  const live = new LiveProvider(provider('local', 'far 0.001'), (verify) => {
    made.push(structuredClone(verify));
    return provider(verify.provider, `far ${verify.far}`);
  });
  const ledger = new AuditLedger(':memory:', Buffer.alloc(32, 1));
  const op = new OperatorService({
    settings, settingsFile, secrets, pin: null, ledger, provider: live, recentErrors: new RecentErrors(), log: quietLog, signOut: () => undefined,
    systemInfo: () => ({ appVersion: '0', shell: 'web', faceBackends: { renderer: null, local: [] }, reader: { state: 'simulated', transport: 'simulator', description: '', canSimulate: true }, verify: { provider: 'local', ready: true, detail: '' } }),
  });
  return { op, settings, settingsFile, secrets, live, made, ledger, dir };
}

describe('operator settings', () => {
  it('applies a new FAR to the next verification and saves it, keeping what the file already had', () => {
    const { op, settings, settingsFile, live, made } = service();
    const { settings: view } = op.updateSettings({ far: 0.01, maxAttempts: 2 });
    expect(view).toMatchObject({ far: 0.01, maxAttempts: 2 });
    expect(settings.verify.far).toBe(0.01);
    expect(settings.flow.maxAttempts).toBe(2);
    expect(made.at(-1)?.far).toBe(0.01);
    expect(live.status().detail).toBe('far 0.01');
    expect(JSON.parse(readFileSync(settingsFile, 'utf8'))).toMatchObject({ reader: { mode: 'simulated' }, verify: { far: 0.01 }, flow: { maxAttempts: 2 } });
    expect(statSync(settingsFile).mode & 0o777).toBe(0o600);
  });

  it('seals the AccessKey and never returns it, in the view, the settings file or the audit trail', () => {
    const { op, settingsFile, secrets, ledger, settings } = service();
    const { settings: view } = op.updateSettings({ provider: 'cloudauth', accessKeyId: 'LTAI-test-id', accessKeySecret: 'super-secret-value' });
    expect(view.accessKeySet).toBe(true);
    expect(JSON.stringify(view)).not.toContain('super-secret');
    expect(readFileSync(settingsFile, 'utf8')).not.toContain('super-secret');
    expect(readFileSync(join(settingsFile, '..', 'secrets.sealed'), 'utf8')).not.toContain('super-secret');
    expect(secrets.read()).toEqual({ accessKeyId: 'LTAI-test-id', accessKeySecret: 'super-secret-value' });
    expect(settings.verify.cloudauth.accessKeySecret).toBe('super-secret-value');
    expect(JSON.stringify(ledger.operatorActions())).not.toContain('super-secret');
    expect(ledger.operatorActions()[0]).toMatchObject({ action: 'settings.update', detail: 'accessKeyId,accessKeySecret,provider' });
  });

  it('says when a change needs a restart (the reader is opened once)', () => {
    const { op } = service();
    expect(op.updateSettings({ language: 'en' }).restartNeeded).toBe(false);
    expect(op.updateSettings({ readerMode: 'serial', serialPath: '/dev/ttyUSB0' }).restartNeeded).toBe(true);
  });

  it('maps every patch field into the settings file shape', () => {
    const raw = applyPatch({ capture: { width: 640 } }, { cameraDeviceId: 'cam-2', retentionDays: 30, storeImages: true, voice: false, endpoint: 'http://127.0.0.1:9/' });
    expect(raw).toEqual({
      capture: { width: 640, cameraDeviceId: 'cam-2' }, audit: { retentionDays: 30, storeImages: true }, flow: { voice: false },
      verify: { cloudauth: { endpoint: 'http://127.0.0.1:9/' } }, reader: {},
    });
    expect(Settings.safeParse(raw).success).toBe(true);
  });
});

describe('operator diagnostics', () => {
  it('reports recent errors from the log and an unreachable cloud endpoint', async () => {
    const { op, settings, live } = service();
    const errors = new RecentErrors();
    errors.wrap(quietLog).child('verify').error('provider failed', { error: 'connect ECONNREFUSED' });
    expect(errors.list()[0]).toMatchObject({ level: 'error', message: 'provider failed: connect ECONNREFUSED' });
    settings.verify.provider = 'cloudauth';
    settings.verify.cloudauth.endpoint = 'http://127.0.0.1:9/';
    live.reconfigure(settings.verify);
    const test = await op.handlers()['operator.provider.test']({});
    expect(test).toMatchObject({ ok: false });
    expect(test.detail).toContain('cannot be reached');
  });
});

describe('central audit outbox', () => {
  it('delivers queued records in order and keeps them while the service is down', async () => {
    const ledger = new AuditLedger(':memory:', Buffer.alloc(32, 1), { outbox: true });
    ledger.enqueue('v1', '{"n":1}', 0);
    ledger.enqueue('v2', '{"n":2}', 0);
    let up = false;
    const got: string[] = [];
    let now = 1000;
    const sender = new OutboxSender(ledger, async (payload) => {
      if (!up) throw new Error('ECONNREFUSED');
      got.push(payload);
    }, quietLog, () => now);
    expect(await sender.flush()).toBe(0);
    expect(ledger.pending()).toBe(2);
    up = true;
    now += 60_000;
    expect(await sender.flush()).toBe(2);
    expect(got).toEqual(['{"n":1}', '{"n":2}']);
    expect(ledger.pending()).toBe(0);
  });
});
