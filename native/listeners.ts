import type { TransportError } from './transport';

/**
 * The listener bookkeeping every transport shares: data fan-out and a close signal that fires
 * exactly once per open lifetime, so a reader never sees "closed" twice or misses it because it
 * subscribed late. Listeners survive a reopen: the reader service may recover on the same object.
 */
export class TransportSignals {
  private readonly dataListeners = new Set<(chunk: Uint8Array) => void>();
  private readonly closeListeners = new Set<(error?: Error) => void>();
  private closedWith: { error?: Error } | null = null;

  get closed(): boolean {
    return this.closedWith !== null;
  }

  /** The reason the transport closed, when it closed because of a failure. */
  get closeError(): Error | undefined {
    return this.closedWith?.error;
  }

  onData(listener: (chunk: Uint8Array) => void): () => void {
    this.dataListeners.add(listener);
    return () => this.dataListeners.delete(listener);
  }

  onClose(listener: (error?: Error) => void): () => void {
    if (this.closedWith) {
      // Late subscribers still learn that the device is gone.
      const { error } = this.closedWith;
      queueMicrotask(() => listener(error));
    }
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  emitData(chunk: Uint8Array): void {
    if (this.closedWith || chunk.length === 0) return;
    for (const listener of [...this.dataListeners]) listener(chunk);
  }

  /** Marks the transport closed and notifies once; later calls are ignored. */
  emitClose(error?: TransportError | Error): void {
    if (this.closedWith) return;
    this.closedWith = error ? { error } : {};
    for (const listener of [...this.closeListeners]) listener(error);
  }

  /** Reopening a transport object starts a fresh lifetime. */
  reset(): void {
    this.closedWith = null;
  }
}
