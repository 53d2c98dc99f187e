import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../main/services/log';
import { createKiosk } from '../../../main/services/create-kiosk';
import { repoRoot } from '../../support/test-kiosk';

function kioskWithSettings(text: string, logs: string[]) {
  const dataDir = mkdtempSync(join(tmpdir(), 'rz-kiosk-'));
  writeFileSync(join(dataDir, 'settings.json'), text);
  const log = createLogger({ level: 'debug', write: (line) => logs.push(line) });
  return createKiosk({ appRoot: repoRoot, dataDir, shell: 'web', log, env: {} });
}

describe('createKiosk with a settings file it cannot use', () => {
  it('starts out of service, naming the file and the field, instead of throwing', async () => {
    const logs: string[] = [];
    const kiosk = await kioskWithSettings('{ "reader": { "mode": "telepathy" } }', logs);
    await kiosk.start();
    const settings = await kiosk.handlers['settings.public']({});
    expect(settings.outOfService).toMatch(/settings\.json is invalid/);
    expect(settings.outOfService).toContain('reader.mode');
    expect(kiosk.systemInfo().reader.state).toBe('error');
    expect(kiosk.systemInfo().verify.ready).toBe(false);
    expect(logs.some((line) => line.includes('kiosk out of service'))).toBe(true);
    await kiosk.stop();
  });

  it('says the file is not JSON when it is not', async () => {
    const kiosk = await kioskWithSettings('{ language: zh-CN', []);
    expect((await kiosk.handlers['settings.public']({})).outOfService).toMatch(/is not valid JSON/);
    await kiosk.stop();
  });

  it('serves nobody while out of service: a simulated card is refused', async () => {
    const kiosk = await kioskWithSettings('[]', []);
    await expect(kiosk.handlers['reader.simulate']({ action: 'present' })).rejects.toMatchObject({ code: 'unavailable' });
    await kiosk.stop();
  });
});
