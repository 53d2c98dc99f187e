import type { ChildMessage } from './protocol';

/** The part of Electron's `process.parentPort` a utility process uses (typed here: native/ never imports electron). */
interface ParentPortLike {
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  postMessage(message: unknown): void;
}

/** How the vendor child talks to the kiosk, whichever way it was started. */
export interface ParentChannel {
  /** 'parent-port': an Electron utility process; 'ipc': a child_process.fork child. */
  readonly kind: 'parent-port' | 'ipc';
  send(message: ChildMessage): void;
  onMessage(listener: (message: unknown) => void): void;
  /** The kiosk went away without a word (fork only: a utility process has no such event). */
  onParentGone(listener: () => void): void;
}

/**
 * An Electron utility process has `process.parentPort` (messages arrive as `{ data }` events) and no
 * `process.send`; a forked Node child has `process.send` and 'message' / 'disconnect' events.
 */
export function connectToParent(proc: NodeJS.Process = process): ParentChannel {
  const port = (proc as { parentPort?: ParentPortLike | null }).parentPort;
  if (port) {
    return {
      kind: 'parent-port',
      send: (message) => port.postMessage(message),
      onMessage: (listener) => port.on('message', (event) => listener(event.data)),
      onParentGone: () => undefined,
    };
  }
  return {
    kind: 'ipc',
    send: (message) => proc.send?.(message),
    onMessage: (listener) => proc.on('message', listener),
    onParentGone: (listener) => proc.on('disconnect', listener),
  };
}
