// Electron shell: wiring only. Services live in main/services and never import electron.
import { join } from 'node:path';
import { app, BrowserWindow, ipcMain, Menu, powerSaveBlocker, protocol, safeStorage, session, utilityProcess } from 'electron';
import { APP_ORIGIN, appSchemePrivileges, createAppProtocolHandler } from './electron/app-protocol';
import { registerContractIpc } from './electron/ipc';
import { installPermissionHandlers, lockDownWebContents } from './electron/security';
import { createKioskWindow } from './electron/window';
import { quitAfterStopping } from './electron/quit';
import { utilityProcessLauncher } from './electron/utility-launcher';
import { safeStorageCipher } from './electron/safe-storage-cipher';
import { electronOperator } from './electron/operator-window';
import { createDispatcher } from '../contract/dispatcher';
import { defaultDataDir } from './app-paths';
import { createLogger, parseLogLevel } from './services/log';
import { createKiosk } from './services/create-kiosk';

const log = createLogger({ scope: 'electron', level: parseLogLevel(process.env.RENZHENG_LOG_LEVEL) });

protocol.registerSchemesAsPrivileged([appSchemePrivileges]);

if (!app.requestSingleInstanceLock()) {
  // Another kiosk instance owns the reader and camera; this one must not compete.
  app.quit();
} else {
  // A failure here would otherwise leave a kiosk with no window and no word why; systemd restarts it.
  start().catch((error: unknown) => {
    log.error('the kiosk could not start', { error: error instanceof Error ? error.message : String(error) });
    app.exit(1);
  });
}

async function start(): Promise<void> {
  lockDownWebContents(app);
  await app.whenReady();
  // Kiosk mode: no application menu, so none of its accelerators (reload, zoom, quit, devtools).
  if (app.isPackaged) Menu.setApplicationMenu(null);
  const root = app.getAppPath();
  const kiosk = await createKiosk({
    appRoot: root,
    dataDir: defaultDataDir(process.env),
    shell: 'electron',
    log,
    env: process.env,
    // Vendor SDKs and WLT decoders run as utility processes: no RunAsNode fuse needed.
    childLauncher: utilityProcessLauncher(utilityProcess),
    // The AccessKey the operator enters is sealed by the OS keyring when there is one.
    secretCipher: safeStorageCipher(safeStorage) ?? undefined,
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
    createKioskWindow(
      BrowserWindow,
      { preloadPath: join(root, 'out', 'preload', 'index.cjs'), packaged: app.isPackaged, url: `${APP_ORIGIN}/index.html` },
      { onCrash: (details) => log.error('kiosk page crashed', details) },
    );
  open();
  app.on('second-instance', () => BrowserWindow.getAllWindows()[0]?.focus());
  app.on('window-all-closed', () => app.quit());
  quitAfterStopping(app, async () => {
    powerSaveBlocker.stop(blocker);
    await kiosk.stop();
  }, log);
  await kiosk.start();
}
