import { contextBridge, ipcRenderer } from 'electron';
import { IPC_OPERATOR_INVOKE, OPERATOR_CHANNEL_NAMES } from '../contract/operator-channel-names';

// The operator window's preload: exactly the operator channels, over their own IPC channel.
// The kiosk window's preload (preload/index.ts) knows none of these names.
const names = new Set<string>(OPERATOR_CHANNEL_NAMES);

const api = {
  invoke(channel: string, payload: unknown): Promise<unknown> {
    if (!names.has(channel)) return Promise.reject(new Error(`Unknown channel: ${channel}`));
    return ipcRenderer.invoke(IPC_OPERATOR_INVOKE, channel, payload);
  },
};

contextBridge.exposeInMainWorld('renzhengOperator', api);
export type OperatorPreloadApi = typeof api;
