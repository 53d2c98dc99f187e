import type { Envelope } from './envelope';

/**
 * What the Electron preload exposes as `window.renzheng`: the whole contract as two untyped calls.
 * preload/index.ts declares `satisfies PreloadBridge` and the renderer's IPC client programs
 * against it, so the two cannot drift apart. Main validates every payload again.
 */
export interface PreloadBridge {
  invoke(channel: string, payload: unknown): Promise<Envelope<unknown>>;
  on(event: string, listener: (payload: unknown) => void): () => void;
}
