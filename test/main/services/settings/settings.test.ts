import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSettings, offersEnrollment, publicSettings, Settings, SettingsError } from '../../../../main/services/settings';

const dir = () => mkdtempSync(join(tmpdir(), 'rz-settings-'));

describe('settings', () => {
  it('defaults to the embedded kiosk: local engine, auto reader, FAR 0.001, no stored images', () => {
    const s = loadSettings({ dataDir: dir(), env: {} });
    expect(s.verify).toMatchObject({ provider: 'local', far: 0.001, requireLiveness: true });
    expect(s.reader.mode).toBe('auto');
    expect(s.audit.storeImages).toBe(false);
  });

  it('uses the shipped face calibration unless a site calibration file is named', () => {
    expect(loadSettings({ dataDir: dir(), env: {} }).verify.local).toEqual({});
    const data = dir();
    writeFileSync(join(data, 'settings.json'), JSON.stringify({ verify: { local: { calibrationFile: '/etc/renzheng/site.json', modelsDir: '/opt/models' } } }));
    expect(loadSettings({ dataDir: data, env: {} }).verify.local).toEqual({ calibrationFile: '/etc/renzheng/site.json', modelsDir: '/opt/models' });
  });

  it('reads AccessKeys from the variables Alibaba tools use, and never exposes them to the renderer', () => {
    const data = dir();
    writeFileSync(join(data, 'settings.json'), JSON.stringify({ verify: { provider: 'cloudauth' } }));
    const s = loadSettings({ dataDir: data, env: { ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAIid', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'sekrit' } });
    expect(s.verify.cloudauth).toMatchObject({ accessKeyId: 'LTAIid', accessKeySecret: 'sekrit' });
    const pub = JSON.stringify(publicSettings(s));
    expect(pub).not.toContain('sekrit');
    expect(pub).not.toContain('LTAIid');
    expect(pub).not.toContain(data);
  });

  it('explains a broken or invalid settings file instead of starting half-configured', () => {
    const data = dir();
    writeFileSync(join(data, 'settings.json'), '{ nope');
    expect(() => loadSettings({ dataDir: data, env: {} })).toThrow(SettingsError);
    writeFileSync(join(data, 'settings.json'), JSON.stringify({ verify: { far: 0.5 } }));
    expect(() => loadSettings({ dataDir: data, env: {} })).toThrow(/verify\.far/);
    expect(() => loadSettings({ dataDir: data, file: join(data, 'missing.json'), env: {} })).toThrow(/does not exist/);
  });

  it('lets the consent screen offer enrollment only for the ticket flow of our service, when asked to', () => {
    const offer = (verify: object) => offersEnrollment(Settings.parse({ verify }));
    expect(offer({ provider: 'cloudauth', cloudauth: { mode: 'rpmin', offerEnrollment: true } })).toBe(true);
    expect(offer({ provider: 'cloudauth', cloudauth: { mode: 'compare', offerEnrollment: true } })).toBe(false);
    expect(offer({ provider: 'local', cloudauth: { mode: 'rpmin', offerEnrollment: true } })).toBe(false);
    expect(offer({ provider: 'cloudauth', cloudauth: { mode: 'rpmin' } })).toBe(false);
  });
});
