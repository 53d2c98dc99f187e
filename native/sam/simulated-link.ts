import { pseudoRandomBytes } from '../../idcard/synthetic';
import type { SamDeviceSim } from '../../idcard/sim-device';
import { TransportError, type Transport } from '../transport';

export interface SimLinkOptions {
  /** Split every reply into chunks of min..max bytes, as USB-serial bridges and HID reports do. */
  fragment?: { min: number; max: number };
  /** Pace replies as a UART at this baud would (10 bits a byte); unpaced when absent. */
  baudRate?: number;
  seed?: number;
}

/**
 * An in-memory cable between the driver and a SamDeviceSim. It can be unplugged and plugged
 * again, so hot-plug recovery is testable without hardware; each `transport()` is one connection.
 */
export class SimulatedLink {
  private plugged = true;
  private active: { close(error?: Error): void } | null = null;
  private rng: number;

  constructor(
    readonly device: SamDeviceSim,
    private readonly options: SimLinkOptions = {},
  ) {
    this.rng = options.seed ?? 7;
  }

  get isPlugged(): boolean {
    return this.plugged;
  }

  /** Pull the cable: the open connection fails as a real unplug does, new opens fail. */
  unplug(): void {
    this.plugged = false;
    this.active?.close(new TransportError('unplugged', 'the simulated reader was unplugged'));
  }

  plug(): void {
    this.plugged = true;
  }

  transport(): Transport {
    const link = this;
    const dataListeners = new Set<(chunk: Uint8Array) => void>();
    const closeListeners = new Set<(error?: Error) => void>();
    let open = false;
    let delivery = Promise.resolve();
    const connection = {
      close(error?: Error) {
        if (!open) return;
        open = false;
        if (link.active === connection) link.active = null;
        for (const l of [...closeListeners]) l(error);
      },
    };
    const deliver = (bytes: Uint8Array, delayMs: number) => {
      const chunks = link.split(bytes);
      delivery = delivery.then(async () => {
        if (delayMs > 0) await wait(delayMs);
        for (const chunk of chunks) {
          if (link.options.baudRate) await wait((chunk.length * 10 * 1000) / link.options.baudRate);
          if (!open) return;
          for (const l of [...dataListeners]) l(chunk);
        }
      });
    };
    return {
      kind: 'serial',
      description: 'simulated SAM reader (in memory)',
      async open() {
        if (!link.plugged) throw new TransportError('not-found', 'the simulated reader is unplugged; plug it in');
        open = true;
        link.active = connection;
      },
      async write(bytes) {
        if (!open) throw new TransportError(link.plugged ? 'closed' : 'unplugged', 'the simulated reader is not connected');
        const copy = bytes.slice();
        // The device answers asynchronously, like hardware.
        queueMicrotask(() => {
          if (!open) return;
          for (const out of link.device.receive(copy)) {
            if (out.unplug) {
              link.unplug();
              return;
            }
            deliver(out.bytes, out.delayMs);
          }
        });
      },
      onData(listener) {
        dataListeners.add(listener);
        return () => dataListeners.delete(listener);
      },
      onClose(listener) {
        closeListeners.add(listener);
        return () => closeListeners.delete(listener);
      },
      async close() {
        connection.close();
      },
    };
  }

  private split(bytes: Uint8Array): Uint8Array[] {
    const f = this.options.fragment;
    if (!f) return [bytes];
    const chunks: Uint8Array[] = [];
    for (let at = 0; at < bytes.length; ) {
      this.rng = pseudoRandomBytes(4, this.rng).reduce((acc, b) => (acc << 8) | b, 0) >>> 0 || 1;
      const size = f.min + (this.rng % (f.max - f.min + 1));
      chunks.push(bytes.slice(at, at + size));
      at += size;
    }
    return chunks;
  }
}

function wait(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
