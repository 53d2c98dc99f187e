import type { BrowserWindow, BrowserWindowConstructorOptions } from 'electron';

export interface WindowOptions {
  preloadPath: string;
  packaged: boolean;
  /** App URL, e.g. app://kiosk/index.html. */
  url: string;
}

/** The renderer gets no Node, runs sandboxed and isolated; packaged builds lock into kiosk mode. */
export function kioskWindowOptions(opts: WindowOptions): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 800,
    show: false,
    backgroundColor: '#0b1220',
    autoHideMenuBar: true,
    kiosk: opts.packaged,
    fullscreen: opts.packaged,
    webPreferences: {
      preload: opts.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: !opts.packaged,
    },
  };
}

type WindowCtor = new (options: BrowserWindowConstructorOptions) => BrowserWindow;

export function createKioskWindow(Ctor: WindowCtor, opts: WindowOptions): BrowserWindow {
  const win = new Ctor(kioskWindowOptions(opts));
  win.once('ready-to-show', () => win.show());
  // A crashed or killed renderer must not leave a dead screen at the counter.
  win.webContents.on('render-process-gone', () => {
    if (!win.isDestroyed()) win.webContents.reload();
  });
  void win.loadURL(opts.url);
  return win;
}
