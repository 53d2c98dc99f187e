import type { ContractClient } from '../../../contract';
import type { PreloadBridge } from '../../../contract/bridge';
import { createIpcClient } from './ipc-client';
import { createWsClient } from './ws-client';

/** Electron gives us window.renzheng; the web host gives us a token in the page URL. The UI cannot tell which. */
export function connectContract(win: Window & { renzheng?: PreloadBridge }): ContractClient {
  if (win.renzheng) return createIpcClient(win.renzheng);
  const token = new URLSearchParams(win.location.search).get('token') ?? '';
  const url = `ws://${win.location.host}/contract?token=${encodeURIComponent(token)}`;
  return createWsClient(url);
}
