import type { FaceEngineApi } from '../face/client';

/** The face work the service needs; the worker-thread engine (face/client.ts) or a test double. */
export type FaceBackend = Pick<FaceEngineApi, 'compare' | 'detectAttributes' | 'close'>;

/** The pool is full: the caller is told at once (Throttling) instead of waiting without bound. */
export class FaceQueueFullError extends Error {}

export interface FacePoolOptions {
  /** Jobs running at once; more would only queue inside the workers. Default 2. */
  concurrency: number;
  /** Jobs waiting for a slot; one more is refused. Default 16. */
  maxQueued: number;
}

/**
 * One face engine shared by every request, with a bounded queue in front of it. The engine's
 * workers take any number of messages, so without this a burst of CompareFaces would pile up
 * unbounded and every caller would time out together.
 */
export class FacePool {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    readonly backend: FaceBackend,
    private readonly options: FacePoolOptions = { concurrency: 2, maxQueued: 16 },
  ) {}

  get stats(): { running: number; queued: number } {
    return { running: this.running, queued: this.waiting.length };
  }

  async run<T>(job: (backend: FaceBackend) => Promise<T>): Promise<T> {
    if (this.running >= this.options.concurrency) {
      if (this.waiting.length >= this.options.maxQueued) {
        throw new FaceQueueFullError(`The face queue is full (${this.options.concurrency} running, ${this.waiting.length} waiting); retry shortly.`);
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await job(this.backend);
    } finally {
      const next = this.waiting.shift();
      // The slot passes straight to the next job, so `running` never drops below the real count.
      if (next) next();
      else this.running--;
    }
  }

  close(): Promise<void> {
    return this.backend.close();
  }
}
