import { encodeCommand, type SamCommand } from '../../idcard/commands';
import { IdCardError } from '../../idcard/errors';
import { FrameDecoder } from '../../idcard/frame';
import { expectSuccess, parseReplyBody, type SamReply } from '../../idcard/reply';
import { classifySw3, SamError } from '../../idcard/status';
import { TransportError, type Transport } from '../transport';

export interface SamClientOptions {
  /** After a timeout or a damaged reply, bytes arriving within this window are late and dropped. */
  drainMs?: number;
  /** A SAM that says it got a damaged frame (SW3 10/11) gets the command again this many times. */
  resendAttempts?: number;
}

interface Pending {
  command: SamCommand;
  resolve(reply: SamReply): void;
  reject(error: Error): void;
}

/**
 * Request/response over a byte transport: strictly one command in flight (the SAM cannot
 * pipeline), a deadline per command, and a drain after timeouts so a late reply is never taken
 * as the answer to the next command.
 */
export class SamClient {
  private readonly decoder = new FrameDecoder();
  private pending: Pending | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private drainUntil = 0;
  private closedWith: Error | null = null;
  private readonly unsubscribe: (() => void)[] = [];
  /** Frames that arrived with no command waiting (late replies), for health logs and tests. */
  lateFrames = 0;

  constructor(
    private readonly transport: Transport,
    private readonly options: SamClientOptions = {},
  ) {
    this.unsubscribe.push(
      transport.onData((chunk) => this.onData(chunk)),
      transport.onClose((error) => this.onClose(error)),
    );
  }

  get closed(): boolean {
    return this.closedWith !== null;
  }

  /** Send one command and return its reply whatever the status; queued behind any command in flight. */
  send(command: SamCommand, timeoutMs: number): Promise<SamReply> {
    const run = this.queue.then(() => this.exchange(command, timeoutMs));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Send and require success (90/91/9F); resends when the SAM reports our frame was damaged. */
  async call(command: SamCommand, timeoutMs: number): Promise<SamReply> {
    const attempts = 1 + (this.options.resendAttempts ?? 1);
    for (let attempt = 1; ; attempt++) {
      const reply = await this.send(command, timeoutMs);
      if (classifySw3(reply.sw3) === 'resend' && attempt < attempts) continue;
      return expectSuccess(reply, command.name);
    }
  }

  /** Stop listening; the transport itself belongs to the caller. */
  dispose(): void {
    for (const off of this.unsubscribe.splice(0)) off();
    this.fail(new TransportError('closed', 'the SAM client was disposed'));
  }

  private async exchange(command: SamCommand, timeoutMs: number): Promise<SamReply> {
    if (this.closedWith) throw this.closedWith;
    const wait = this.drainUntil - Date.now();
    if (wait > 0) await sleep(wait);
    if (this.drainUntil) {
      // Whatever trickled in during the drain belonged to an abandoned command.
      this.decoder.reset();
      this.drainUntil = 0;
    }
    if (this.closedWith) throw this.closedWith;
    return new Promise<SamReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (this.pending !== entry) return;
        this.pending = null;
        this.startDrain();
        reject(new IdCardError('timeout', `${command.name}: no complete reply within ${timeoutMs} ms`));
      }, timeoutMs);
      const entry: Pending = {
        command,
        resolve: (reply) => {
          clearTimeout(timer);
          resolve(reply);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.pending = entry;
      this.transport.write(encodeCommand(command)).catch((error: unknown) => {
        if (this.pending !== entry) return;
        this.pending = null;
        entry.reject(error instanceof Error ? error : new TransportError('io', String(error)));
      });
    });
  }

  private startDrain(): void {
    this.drainUntil = Date.now() + (this.options.drainMs ?? 200);
  }

  private onData(chunk: Uint8Array): void {
    for (const event of this.decoder.push(chunk)) {
      if (event.kind === 'discarded') continue;
      const entry = this.pending;
      if (!entry) {
        if (event.kind === 'frame') this.lateFrames++;
        continue;
      }
      this.pending = null;
      if (event.kind === 'error') {
        this.startDrain();
        entry.reject(new IdCardError(event.error.code, `${entry.command.name}: ${event.error.message}`));
        continue;
      }
      try {
        entry.resolve(parseReplyBody(event.body));
      } catch (error) {
        entry.reject(error as Error);
      }
    }
  }

  private onClose(error?: Error): void {
    this.fail(
      error instanceof TransportError ? error : new TransportError(error ? 'unplugged' : 'closed', error ? `the reader went away: ${error.message}` : 'the reader connection closed'),
    );
  }

  private fail(error: Error): void {
    this.closedWith ??= error;
    const entry = this.pending;
    this.pending = null;
    entry?.reject(this.closedWith);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export { SamError };
