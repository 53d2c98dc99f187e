import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeApp, FakeBrowserWindow, FakeIpcMain, FakeSession, FakeUtilityProcessModule } from './fake-electron';
import { repoRoot } from '../../support/test-kiosk';

const electron = vi.hoisted(() => ({ current: {} as Record<string, any> }));
// Each test installs a fresh fake; the getters read whichever is current.
vi.mock('electron', () => {
  const keys = ['app', 'BrowserWindow', 'ipcMain', 'session', 'protocol', 'powerSaveBlocker', 'Menu', 'utilityProcess', 'safeStorage'];
  const mod: Record<string, unknown> = {};
  for (const key of keys) Object.defineProperty(mod, key, { enumerable: true, get: () => electron.current[key] });
  return mod;
});

function fakeElectron(lock: boolean, packaged = false) {
  const app = new FakeApp();
  app.lock = lock;
  app.isPackaged = packaged;
  app.getAppPath.mockReturnValue(repoRoot);
  return {
    app,
    BrowserWindow: FakeBrowserWindow,
    ipcMain: new FakeIpcMain(),
    session: { defaultSession: new FakeSession() },
    protocol: { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() },
    powerSaveBlocker: { start: vi.fn(() => 7), stop: vi.fn() },
    Menu: { setApplicationMenu: vi.fn() },
    utilityProcess: new FakeUtilityProcessModule(),
    safeStorage: {
      isEncryptionAvailable: vi.fn(() => true),
      encryptString: vi.fn((plain: string) => Buffer.from(plain, 'utf8')),
      decryptString: vi.fn((sealed: Buffer) => sealed.toString('utf8')),
    },
  };
}

describe('Electron main entry (mocked electron module)', () => {
  beforeEach(() => {
    vi.resetModules();
    FakeBrowserWindow.instances = [];
    process.env.RENZHENG_DATA_DIR = mkdtempSync(join(tmpdir(), 'rz-electron-'));
    // cloudauth (unconfigured) rather than the local engine: no face worker to load and stop.
    writeFileSync(join(process.env.RENZHENG_DATA_DIR, 'settings.json'), JSON.stringify({ verify: { provider: 'cloudauth' } }));
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
    // The AccessKey store is sealed by the OS keyring when Electron has one.
    expect(e.safeStorage.isEncryptionAvailable).toHaveBeenCalled();
    const win = FakeBrowserWindow.instances[0]!;
    expect(win.options.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, preload: join(repoRoot, 'out/preload/index.cjs') });
    expect(win.loadURL).toHaveBeenCalledWith('app://kiosk/index.html');
    expect(e.Menu.setApplicationMenu).not.toHaveBeenCalled();
    const quit = { defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
    e.app.emit('before-quit', quit);
    // The quit waits for the services (the audit database closes first), then happens.
    expect(quit.defaultPrevented).toBe(true);
    await vi.waitFor(() => expect(e.app.quit).toHaveBeenCalled());
    expect(e.powerSaveBlocker.stop).toHaveBeenCalledWith(7);
  });

  it('has no application menu when packaged (kiosk mode)', async () => {
    const e = (electron.current = fakeElectron(true, true));
    await import('../../../main/index');
    await vi.waitFor(() => expect(FakeBrowserWindow.instances).toHaveLength(1));
    expect(e.Menu.setApplicationMenu).toHaveBeenCalledWith(null);
    e.app.emit('before-quit', { preventDefault() {} });
    await vi.waitFor(() => expect(e.app.quit).toHaveBeenCalled());
  });

  it('starts vendor SDK children as utility processes (no RunAsNode), not as forks of the Electron binary', async () => {
    writeFileSync(
      join(process.env.RENZHENG_DATA_DIR!, 'settings.json'),
      JSON.stringify({ verify: { provider: 'cloudauth' }, reader: { mode: 'vendor', vendorLibrary: '/opt/vendor/libsdtapi.so' } }),
    );
    const e = (electron.current = fakeElectron(true));
    await import('../../../main/index');
    await vi.waitFor(() => expect(e.utilityProcess.forks).toHaveLength(1));
    const child = e.utilityProcess.forks[0]!;
    expect(child.modulePath).toBe(join(repoRoot, 'native/vendor/child.ts'));
    expect(child.options).toMatchObject({ stdio: ['ignore', 'ignore', 'pipe'], serviceName: 'Renzheng vendor SDK (port 1001)' });
    expect(child.options.env.ELECTRON_RUN_AS_NODE).toBeUndefined();
    child.emit('exit', 1); // no real SDK here: the helper "fails to start", the reader backs off
    e.app.emit('before-quit', { preventDefault() {} });
    await vi.waitFor(() => expect(e.app.quit).toHaveBeenCalled());
  });

  it('quits at once when another instance holds the lock', async () => {
    const e = (electron.current = fakeElectron(false));
    await import('../../../main/index');
    expect(e.app.quit).toHaveBeenCalled();
    expect(e.app.whenReady).not.toHaveBeenCalled();
    expect(FakeBrowserWindow.instances).toHaveLength(0);
  });
});
