import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { IPC_EVENT, IPC_INVOKE } from '../../contract/channel-names';
import type { Dispatch } from '../../contract/dispatcher';
import type { EventBus } from '../services/events';
import { isAppOrigin } from './origin';

/** Only frames loaded from our app:// origin may call main; anything else is refused outright. */
export function isTrustedSender(event: Pick<IpcMainInvokeEvent, 'senderFrame'>): boolean {
  return isAppOrigin(event.senderFrame?.url);
}

export function registerContractIpc(ipcMain: IpcMain, dispatch: Dispatch, bus: EventBus, targets: () => WebContents[]): () => void {
  ipcMain.handle(IPC_INVOKE, async (event, channel: unknown, payload: unknown) => {
    if (!isTrustedSender(event)) {
      return { ok: false, error: { code: 'unknown-channel', message: 'Calls are accepted only from the kiosk UI.' } };
    }
    return dispatch(channel, payload);
  });
  const unsubscribe = bus.subscribe(({ event, payload }) => {
    for (const contents of targets()) if (!contents.isDestroyed()) contents.send(IPC_EVENT, event, payload);
  });
  return () => {
    unsubscribe();
    ipcMain.removeHandler(IPC_INVOKE);
  };
}
