import { contextBridge, ipcRenderer } from 'electron';
import type { PreloadBridge } from '../contract/bridge';
import { EVENT_CHANNEL_NAMES, INVOKE_CHANNEL_NAMES, IPC_EVENT, IPC_INVOKE } from '../contract/channel-names';
import type { Envelope } from '../contract/envelope';

// Exposes exactly the contract's channels; main validates every payload again.
const invokeNames = new Set<string>(INVOKE_CHANNEL_NAMES);
const eventNames = new Set<string>(EVENT_CHANNEL_NAMES);

const api = {
  invoke(channel: string, payload: unknown): Promise<Envelope<unknown>> {
    if (!invokeNames.has(channel)) return Promise.reject(new Error(`Unknown channel: ${channel}`));
    // Main's dispatcher answers every call with an envelope (contract/dispatcher.ts).
    return ipcRenderer.invoke(IPC_INVOKE, channel, payload) as Promise<Envelope<unknown>>;
  },
  on(event: string, listener: (payload: unknown) => void): () => void {
    if (!eventNames.has(event)) throw new Error(`Unknown event: ${event}`);
    const handler = (_e: unknown, name: string, payload: unknown) => {
      if (name === event) listener(payload);
    };
    ipcRenderer.on(IPC_EVENT, handler);
    return () => ipcRenderer.removeListener(IPC_EVENT, handler);
  },
} satisfies PreloadBridge;

contextBridge.exposeInMainWorld('renzheng', api);
