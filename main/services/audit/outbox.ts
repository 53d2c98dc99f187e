import type { Logger } from '../log';
import type { AuditLedger } from './audit-ledger';

export type Deliver = (payload: string) => Promise<void>;

/** POSTs one record as JSON; any answer but 2xx is a failure to retry. */
export function httpDeliver(url: string, timeoutMs = 10_000): Deliver {
  return async (payload) => {
    const response = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: payload, signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) throw new Error(`central service answered HTTP ${response.status}`);
  };
}

/**
 * Sends queued audit records to the central service. The queue is in the audit database, so a
 * record survives restarts and outages; a failed send is retried later with backoff, never dropped.
 */
export class OutboxSender {
  private timer: ReturnType<typeof setInterval> | null = null;
  private running = false;

  constructor(
    private readonly ledger: AuditLedger,
    private readonly deliver: Deliver,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** One pass over the due records; returns how many were delivered. */
  async flush(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    let delivered = 0;
    try {
      for (const item of this.ledger.due(this.now())) {
        try {
          await this.deliver(item.payload);
          this.ledger.delivered(item.id);
          delivered++;
        } catch (error) {
          const message = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
          this.ledger.failed(item.id, message, this.now());
          this.log.warn('audit record not delivered to the central service; will retry', { tries: item.tries + 1, error: message });
          break; // The service is down: the rest wait for the next pass.
        }
      }
    } finally {
      this.running = false;
    }
    return delivered;
  }

  start(everyMs = 15_000): void {
    this.timer = setInterval(() => void this.flush(), everyMs);
    this.timer.unref?.();
    void this.flush();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
