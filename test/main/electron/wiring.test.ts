import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { App, IpcMain, Session } from 'electron';
import { IPC_EVENT, IPC_INVOKE } from '../../../contract';
import { createAppProtocolHandler } from '../../../main/electron/app-protocol';
import { registerContractIpc } from '../../../main/electron/ipc';
import { installPermissionHandlers, isPermissionAllowed, lockDownWebContents } from '../../../main/electron/security';
import { createKioskWindow, kioskWindowOptions } from '../../../main/electron/window';
import { isAppOrigin } from '../../../main/electron/origin';
import { quitAfterStopping } from '../../../main/electron/quit';
import { createDispatcher } from '../../../contract/dispatcher';
import { createTestKiosk, quietLog } from '../../support/test-kiosk';
import { FakeApp, FakeBrowserWindow, FakeIpcMain, FakeSession, FakeWebContents } from './fake-electron';

describe('Electron window', () => {
  it('isolates and sandboxes the renderer, with no Node', () => {
    const prefs = kioskWindowOptions({ preloadPath: '/p.cjs', packaged: false, url: 'app://kiosk/index.html' }).webPreferences!;
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false, preload: '/p.cjs' });
  });

  it('locks packaged builds into kiosk fullscreen without devtools', () => {
    const dev = kioskWindowOptions({ preloadPath: '/p', packaged: false, url: 'x' });
    const packaged = kioskWindowOptions({ preloadPath: '/p', packaged: true, url: 'x' });
    expect([dev.kiosk, dev.fullscreen, dev.webPreferences!.devTools]).toEqual([false, false, true]);
    expect([packaged.kiosk, packaged.fullscreen, packaged.webPreferences!.devTools]).toEqual([true, true, false]);
  });

  it('reloads the page when the render process dies, waiting longer after each crash', () => {
    const timers: { run: () => void; ms: number }[] = [];
    const win = createKioskWindow(FakeBrowserWindow as never, { preloadPath: '/p', packaged: true, url: 'app://kiosk/index.html' }, {
      now: () => 0, setTimer: (run, ms) => timers.push({ run, ms }),
    }) as unknown as FakeBrowserWindow;
    expect(win.loadURL).toHaveBeenCalledWith('app://kiosk/index.html');
    win.webContents.emit('render-process-gone', {}, { reason: 'crashed' });
    win.webContents.emit('render-process-gone', {}, { reason: 'crashed' });
    expect(timers.map((t) => t.ms)).toEqual([500, 1000]);
    expect(win.webContents.reload).not.toHaveBeenCalled();
    timers[0]!.run();
    expect(win.webContents.reload).toHaveBeenCalledTimes(1);
    win.emit('ready-to-show');
    expect(win.show).toHaveBeenCalled();
  });

  it('shows the out-of-service page instead of reloading a page that keeps crashing', async () => {
    let clock = 0;
    const win = createKioskWindow(FakeBrowserWindow as never, { preloadPath: '/p', packaged: true, url: 'app://kiosk/index.html' }, {
      now: () => clock, setTimer: (run) => run(),
    }) as unknown as FakeBrowserWindow;
    for (let i = 0; i < 4; i++) {
      clock += 1000;
      win.webContents.emit('render-process-gone', {}, { reason: 'crashed' });
    }
    expect(win.webContents.reload).toHaveBeenCalledTimes(3);
    expect(win.loadURL).toHaveBeenLastCalledWith('app://kiosk/out-of-service.html');
    const page = await createAppProtocolHandler(mkdtempSync(join(tmpdir(), 'rz-empty-')))(new Request('app://kiosk/out-of-service.html'));
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/暂停服务[\s\S]*Out of service/);
  });

  it('removes the window menu (reload, zoom, devtools accelerators) in kiosk mode', () => {
    const packaged = createKioskWindow(FakeBrowserWindow as never, { preloadPath: '/p', packaged: true, url: 'x' }) as unknown as FakeBrowserWindow;
    const dev = createKioskWindow(FakeBrowserWindow as never, { preloadPath: '/p', packaged: false, url: 'x' }) as unknown as FakeBrowserWindow;
    expect(packaged.removeMenu).toHaveBeenCalled();
    expect(dev.removeMenu).not.toHaveBeenCalled();
  });

  it('holds the quit until the services have stopped, then quits once', async () => {
    const app = new FakeApp();
    let release!: () => void;
    const stop = vi.fn(() => new Promise<void>((resolve) => (release = resolve)));
    quitAfterStopping(app as unknown as App, stop, quietLog);
    const first = { defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
    app.emit('before-quit', first);
    app.emit('before-quit', { preventDefault() {} });
    expect(first.defaultPrevented).toBe(true);
    expect(stop).toHaveBeenCalledTimes(1);
    expect(app.quit).not.toHaveBeenCalled();
    release();
    await vi.waitFor(() => expect(app.quit).toHaveBeenCalledTimes(1));
    const last = { defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
    app.emit('before-quit', last);
    expect(last.defaultPrevented).toBe(false);
  });
});

describe('Electron permissions and navigation', () => {
  it('grants the camera to our pages only, and nothing else', () => {
    expect(isPermissionAllowed('media', 'app://kiosk/index.html', { mediaTypes: ['video'] })).toBe(true);
    expect(isPermissionAllowed('media', 'app://kiosk/index.html', { mediaTypes: ['video', 'audio'] })).toBe(false);
    expect(isPermissionAllowed('media', 'https://evil.example/', { mediaTypes: ['video'] })).toBe(false);
    for (const permission of ['geolocation', 'notifications', 'clipboard-read', 'midi', 'openExternal', 'hid', 'serial']) {
      expect(isPermissionAllowed(permission, 'app://kiosk/index.html', { mediaTypes: ['video'] })).toBe(false);
    }
  });

  it('installs request, check and device handlers on the session', () => {
    const session = new FakeSession();
    installPermissionHandlers(session as unknown as Session);
    const answers: boolean[] = [];
    const wc = new FakeWebContents();
    session.requestHandler!(wc, 'media', (ok) => answers.push(ok), { mediaTypes: ['video'], requestingUrl: 'app://kiosk/index.html' });
    session.requestHandler!(wc, 'media', (ok) => answers.push(ok), { mediaTypes: ['audio'], requestingUrl: 'app://kiosk/index.html' });
    session.requestHandler!(wc, 'geolocation', (ok) => answers.push(ok), { requestingUrl: 'app://kiosk/index.html' });
    expect(answers).toEqual([true, false, false]);
    expect(session.checkHandler!(wc, 'media', 'app://kiosk', {})).toBe(true);
    expect(session.checkHandler!(wc, 'media', 'https://evil.example', {})).toBe(false);
    expect(session.checkHandler!(wc, 'media', 'app://kiosk.evil.example', {})).toBe(false);
    expect(session.deviceHandler!()).toBe(false);
  });

  it('compares origins exactly, never as a prefix', () => {
    expect(isAppOrigin('app://kiosk/index.html')).toBe(true);
    expect(isAppOrigin('app://kiosk')).toBe(true);
    for (const other of ['app://kiosk.evil.example/', 'app://kiosk@evil.example/', 'app://user:pw@kiosk/', 'app://kiosk:8080/', 'apps://kiosk/', 'https://kiosk/', 'not a url', '', null]) {
      expect(isAppOrigin(other)).toBe(false);
    }
    expect(isPermissionAllowed('media', 'app://kiosk.evil.example/', { mediaTypes: ['video'] })).toBe(false);
  });

  it('blocks subframe navigation away from the app (will-frame-navigate)', () => {
    const app = new FakeApp();
    lockDownWebContents(app as unknown as App);
    const contents = new FakeWebContents();
    app.emit('web-contents-created', {}, contents);
    const away = { url: 'https://evil.example/', isMainFrame: false, defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
    const inside = { url: 'app://kiosk/index.html', isMainFrame: false, defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
    contents.emit('will-frame-navigate', away);
    contents.emit('will-frame-navigate', inside);
    expect([away.defaultPrevented, inside.defaultPrevented]).toEqual([true, false]);
  });

  it('blocks navigation away from the app and every new window', () => {
    const app = new FakeApp();
    lockDownWebContents(app as unknown as App);
    const contents = new FakeWebContents();
    app.emit('web-contents-created', {}, contents);
    const away = { defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
    const inside = { defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
    contents.emit('will-navigate', away, 'https://evil.example/');
    contents.emit('will-navigate', inside, 'app://kiosk/index.html');
    expect(away.defaultPrevented).toBe(true);
    expect(inside.defaultPrevented).toBe(false);
    expect(contents.windowOpenHandler!({ url: 'app://kiosk/x' })).toEqual({ action: 'deny' });
    const webview = { defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
    contents.emit('will-attach-webview', webview);
    expect(webview.defaultPrevented).toBe(true);
  });
});

describe('app:// protocol', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rz-renderer-'));
  mkdirSync(join(dir, 'human/models'), { recursive: true });
  writeFileSync(join(dir, 'index.html'), '<html></html>');
  writeFileSync(join(dir, 'human/models/blazeface.json'), '{}');
  const handle = createAppProtocolHandler(dir);

  it('serves the renderer with the CSP and models with their types', async () => {
    const page = await handle(new Request('app://kiosk/'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self' 'wasm-unsafe-eval'");
    // The Electron page reaches main over IPC only: its CSP allows no WebSocket.
    expect(page.headers.get('content-security-policy')).not.toMatch(/ws:/);
    const model = await handle(new Request('app://kiosk/human/models/blazeface.json'));
    expect([model.status, model.headers.get('content-type')]).toEqual([200, 'application/json']);
  });

  it('refuses other hosts, escaping paths and missing files', async () => {
    expect((await handle(new Request('app://elsewhere/index.html'))).status).toBe(403);
    expect((await handle(new Request('app://kiosk/..%2f..%2fetc%2fpasswd'))).status).toBe(400);
    expect((await handle(new Request('app://kiosk/missing.js'))).status).toBe(404);
  });
});

describe('contract over Electron IPC', () => {
  function setup() {
    const kiosk = createTestKiosk();
    const ipc = new FakeIpcMain();
    const target = new FakeWebContents();
    registerContractIpc(ipc as unknown as IpcMain, createDispatcher(kiosk.handlers, quietLog), kiosk.bus, () => [target as never]);
    const invoke = (url: string, channel: unknown, payload: unknown) => ipc.handlers.get(IPC_INVOKE)!({ senderFrame: { url } }, channel, payload);
    return { kiosk, ipc, target, invoke };
  }

  it('registers one invoke channel that validates payloads', async () => {
    const { ipc, invoke } = setup();
    expect([...ipc.handlers.keys()]).toEqual([IPC_INVOKE]);
    expect(await invoke('app://kiosk/index.html', 'system.info', {})).toMatchObject({ ok: true, value: { appVersion: '0.0.0-test' } });
    expect(await invoke('app://kiosk/index.html', 'reader.simulate', { action: 1 })).toMatchObject({ ok: false, error: { code: 'validation' } });
    expect(await invoke('app://kiosk/index.html', 'shell.exec', {})).toMatchObject({ ok: false, error: { code: 'unknown-channel' } });
  });

  it('refuses calls from frames that are not our app', async () => {
    const { invoke } = setup();
    expect(await invoke('https://evil.example/', 'system.info', {})).toMatchObject({ ok: false });
    expect(await invoke('app://kiosk.evil.example/index.html', 'system.info', {})).toMatchObject({ ok: false });
  });

  it('forwards main events to the window', async () => {
    const { kiosk, target } = setup();
    await kiosk.reader.simulate('present');
    expect(target.sent.some(([channel, event]) => channel === IPC_EVENT && event === 'reader.card')).toBe(true);
  });
});

describe('Electron operator window', () => {
  it('answers operator calls only from the operator window it opened, on the operator page', async () => {
    const { isOperatorSender, OPERATOR_URL } = await import('../../../main/electron/operator-window');
    const from = (id: number, url: string) => ({ sender: { id }, senderFrame: { url } }) as never;
    expect(isOperatorSender(from(7, OPERATOR_URL), 7)).toBe(true);
    // The kiosk window, even on the operator URL, is another webContents.
    expect(isOperatorSender(from(3, OPERATOR_URL), 7)).toBe(false);
    expect(isOperatorSender(from(7, 'app://kiosk/index.html'), 7)).toBe(false);
    expect(isOperatorSender(from(7, `${OPERATOR_URL}.evil`), 7)).toBe(false);
    expect(isOperatorSender(from(7, OPERATOR_URL), null)).toBe(false);
  });
});
