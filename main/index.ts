// Electron shell: wiring only. Services live in main/services and never import electron.
import { join } from 'node:path';
import { app, BrowserWindow, ipcMain, powerSaveBlocker, protocol, session } from 'electron';
import { APP_ORIGIN, appSchemePrivileges, createAppProtocolHandler } from './electron/app-protocol';
import { registerContractIpc } from './electron/ipc';
import { installPermissionHandlers, lockDownWebContents } from './electron/security';
import { createKioskWindow } from './electron/window';
import { electronOperator } from './electron/operator-window';
import { createDispatcher } from '../contract/dispatcher';
import { createLogger, parseLogLevel } from './services/log';
import { createKiosk } from './services/create-kiosk';

const log = createLogger({ scope: 'electron', level: parseLogLevel(process.env.RENZHENG_LOG_LEVEL) });

protocol.registerSchemesAsPrivileged([appSchemePrivileges]);

if (!app.requestSingleInstanceLock()) {
  // Another kiosk instance owns the reader and camera; this one must not compete.
  app.quit();
} else {
  void start();
}

async function start(): Promise<void> {
  lockDownWebContents(app);
  await app.whenReady();
  const root = app.getAppPath();
  const kiosk = await createKiosk({
    appRoot: root,
    dataDir: process.env.RENZHENG_DATA_DIR ?? join(app.getPath('userData')),
    shell: 'electron',
    log,
    env: process.env,
  });
  installPermissionHandlers(session.defaultSession);
  protocol.handle('app', createAppProtocolHandler(join(root, 'out', 'renderer')));
  const dispatch = createDispatcher(kiosk.handlers, log.child('ipc'));
  registerContractIpc(ipcMain, dispatch, kiosk.bus, () => BrowserWindow.getAllWindows().map((w) => w.webContents));
  // The operator surface: its own window, preload and IPC channel, opened only by the PIN.
  const operator = electronOperator({ BrowserWindow, ipcMain, preloadPath: join(root, 'out', 'preload', 'operator.cjs'), packaged: app.isPackaged, dispatch: kiosk.operatorDispatch() });
  kiosk.setOperatorOpener(() => operator.open(), () => operator.signOut());
  const blocker = powerSaveBlocker.start('prevent-display-sleep');

  const open = () =>
    createKioskWindow(BrowserWindow, {
      preloadPath: join(root, 'out', 'preload', 'index.cjs'),
      packaged: app.isPackaged,
      url: `${APP_ORIGIN}/index.html`,
    });
  open();
  app.on('second-instance', () => BrowserWindow.getAllWindows()[0]?.focus());
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', () => {
    powerSaveBlocker.stop(blocker);
    void kiosk.stop();
  });
  await kiosk.start();
}
