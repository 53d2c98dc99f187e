import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeApp, FakeBrowserWindow, FakeIpcMain, FakeSession } from './fake-electron';
import { repoRoot } from '../../support/test-kiosk';

const electron = vi.hoisted(() => ({ current: {} as Record<string, any> }));
// Each test installs a fresh fake; the getters read whichever is current.
vi.mock('electron', () => {
  const keys = ['app', 'BrowserWindow', 'ipcMain', 'session', 'protocol', 'powerSaveBlocker'];
  const mod: Record<string, unknown> = {};
  for (const key of keys) Object.defineProperty(mod, key, { enumerable: true, get: () => electron.current[key] });
  return mod;
});

function fakeElectron(lock: boolean) {
  const app = new FakeApp();
  app.lock = lock;
  app.getAppPath.mockReturnValue(repoRoot);
  return {
    app,
    BrowserWindow: FakeBrowserWindow,
    ipcMain: new FakeIpcMain(),
    session: { defaultSession: new FakeSession() },
    protocol: { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() },
    powerSaveBlocker: { start: vi.fn(() => 7), stop: vi.fn() },
  };
}

describe('Electron main entry (mocked electron module)', () => {
  beforeEach(() => {
    vi.resetModules();
    FakeBrowserWindow.instances = [];
    process.env.RENZHENG_DATA_DIR = mkdtempSync(join(tmpdir(), 'rz-electron-'));
    process.env.RENZHENG_LOG_LEVEL = 'error';
  });
  afterEach(() => {
    delete process.env.RENZHENG_DATA_DIR;
    delete process.env.RENZHENG_LOG_LEVEL;
  });

  it('wires the privileged scheme, IPC, permissions, power and one secure window', async () => {
    const e = (electron.current = fakeElectron(true));
    await import('../../../main/index');
    await vi.waitFor(() => expect(FakeBrowserWindow.instances).toHaveLength(1));
    expect(e.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      expect.objectContaining({ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true, supportFetchAPI: true }) }),
    ]);
    expect(e.protocol.handle).toHaveBeenCalledWith('app', expect.any(Function));
    expect([...e.ipcMain.handlers.keys()]).toEqual(['renzheng:invoke', 'renzheng:operator-invoke']);
    expect(e.session.defaultSession.requestHandler).toBeTypeOf('function');
    expect(e.powerSaveBlocker.start).toHaveBeenCalledWith('prevent-display-sleep');
    const win = FakeBrowserWindow.instances[0]!;
    expect(win.options.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, preload: join(repoRoot, 'out/preload/index.cjs') });
    expect(win.loadURL).toHaveBeenCalledWith('app://kiosk/index.html');
    e.app.emit('before-quit');
    expect(e.powerSaveBlocker.stop).toHaveBeenCalledWith(7);
  });

  it('quits at once when another instance holds the lock', async () => {
    const e = (electron.current = fakeElectron(false));
    await import('../../../main/index');
    expect(e.app.quit).toHaveBeenCalled();
    expect(e.app.whenReady).not.toHaveBeenCalled();
    expect(FakeBrowserWindow.instances).toHaveLength(0);
  });
});
