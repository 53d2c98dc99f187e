import type { ContractClient } from '../../../contract';
import type { PreloadBridge } from '../../../contract/bridge';
import { createIpcClient } from './ipc-client';
import { createWsClient } from './ws-client';

/**
 * Electron gives us window.renzheng; the web host gives us a same-origin socket whose HttpOnly
 * cookie the browser sends by itself (the page never sees the secret). The UI cannot tell which.
 */
export function connectContract(win: Window & { renzheng?: PreloadBridge }): ContractClient {
  if (win.renzheng) return createIpcClient(win.renzheng);
  return createWsClient(`ws://${win.location.host}/contract`);
}
