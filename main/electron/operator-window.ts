import type { BrowserWindow, BrowserWindowConstructorOptions, IpcMain, IpcMainInvokeEvent } from 'electron';
import { IPC_OPERATOR_INVOKE } from '../../contract/operator-channel-names';
import type { Envelope } from '../../contract/envelope';
import { APP_ORIGIN } from './app-protocol';
import { kioskWindowOptions } from './window';

export const OPERATOR_URL = `${APP_ORIGIN}/operator/index.html`;

/**
 * Operator calls are answered only for the operator window this shell opened, on its own page:
 * the kiosk window (other webContents, other preload) is refused even if a script there tried the channel.
 */
export function isOperatorSender(event: Pick<IpcMainInvokeEvent, 'senderFrame'> & { sender: { id: number } }, operatorContentsId: number | null): boolean {
  if (operatorContentsId === null || event.sender.id !== operatorContentsId) return false;
  const url = event.senderFrame?.url ?? '';
  return url === OPERATOR_URL || url.startsWith(`${OPERATOR_URL}?`) || url.startsWith(`${OPERATOR_URL}#`);
}

type WindowCtor = new (options: BrowserWindowConstructorOptions) => BrowserWindow;

/** The operator surface under Electron: its own window with its own preload (preload/operator.ts) and IPC channel. */
export function electronOperator(deps: {
  BrowserWindow: WindowCtor;
  ipcMain: IpcMain;
  preloadPath: string;
  packaged: boolean;
  dispatch: (channel: unknown, payload: unknown) => Promise<Envelope<unknown>>;
}) {
  let win: BrowserWindow | null = null;
  deps.ipcMain.handle(IPC_OPERATOR_INVOKE, async (event, channel: unknown, payload: unknown) => {
    if (!isOperatorSender(event, win?.webContents.id ?? null)) {
      return { ok: false, error: { code: 'unknown-channel', message: 'Operator calls are accepted only from the operator window.' } };
    }
    return deps.dispatch(channel, payload);
  });
  return {
    async open(): Promise<null> {
      if (win && !win.isDestroyed()) win.close();
      const options = kioskWindowOptions({ preloadPath: deps.preloadPath, packaged: deps.packaged, url: OPERATOR_URL });
      // A normal window above the kiosk, not the kiosk's fullscreen lock.
      const opened = new deps.BrowserWindow({ ...options, kiosk: false, fullscreen: false, alwaysOnTop: true });
      win = opened;
      opened.once('ready-to-show', () => opened.show());
      opened.on('closed', () => {
        if (win === opened) win = null;
      });
      void opened.loadURL(OPERATOR_URL);
      return null;
    },
    signOut(): void {
      setTimeout(() => {
        if (win && !win.isDestroyed()) win.close();
      }, 200);
    },
  };
}
