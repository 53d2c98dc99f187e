import type { BrowserWindow, BrowserWindowConstructorOptions } from 'electron';
import { APP_ORIGIN } from './app-protocol';
import { CrashPolicy, type CrashPolicyOptions } from './crash-policy';
import { OUT_OF_SERVICE_PATH } from './out-of-service';

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

export interface WindowDeps {
  now?: () => number;
  setTimer?: (run: () => void, ms: number) => unknown;
  crashPolicy?: CrashPolicyOptions;
  onCrash?: (details: { reason: string; action: string }) => void;
}

export function createKioskWindow(Ctor: WindowCtor, opts: WindowOptions, deps: WindowDeps = {}): BrowserWindow {
  const win = new Ctor(kioskWindowOptions(opts));
  // No File/Edit/View menu on the window: its accelerators (reload, zoom, devtools) are not for the public.
  if (opts.packaged) win.removeMenu();
  win.once('ready-to-show', () => win.show());
  const policy = new CrashPolicy(deps.now ?? Date.now, deps.crashPolicy);
  const setTimer = deps.setTimer ?? ((run: () => void, ms: number) => setTimeout(run, ms));
  // A crashed or killed renderer must not leave a dead screen at the counter, nor reload forever.
  win.webContents.on('render-process-gone', (_event, details: { reason?: string } = {}) => {
    const decision = policy.onCrash();
    deps.onCrash?.({ reason: details.reason ?? 'unknown', action: decision.action });
    if (decision.action === 'out-of-service') {
      if (!win.isDestroyed()) void win.loadURL(`${APP_ORIGIN}${OUT_OF_SERVICE_PATH}`);
      return;
    }
    setTimer(() => {
      if (!win.isDestroyed()) win.webContents.reload();
    }, decision.delayMs);
  });
  void win.loadURL(opts.url);
  return win;
}
