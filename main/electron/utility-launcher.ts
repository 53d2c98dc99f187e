import { EventEmitter } from 'node:events';
import type { ForkOptions, UtilityProcess } from 'electron';
import type { ChildLauncher, ChildLaunchRequest, VendorChild, VendorChildEvents } from '../services/reader';

/** The part of Electron's `utilityProcess` module the launcher needs (passed in, so tests use a fake). */
export interface UtilityProcessModule {
  fork(modulePath: string, args?: string[], options?: ForkOptions): UtilityProcess;
}

/** What utilityProcess.fork is given for one vendor child; a pure function of the host's request. */
export function utilityForkOptions(request: ChildLaunchRequest): ForkOptions {
  return {
    cwd: request.cwd,
    // Electron's env is string-only; the host's copy of process.env may carry undefined values.
    env: Object.fromEntries(Object.entries(request.env).filter((entry): entry is [string, string] => entry[1] !== undefined)),
    ...(request.execArgv.length ? { execArgv: request.execArgv } : {}),
    // stdout is dropped as under fork (vendor code can be chatty); stderr is read for start-up failures.
    stdio: ['ignore', 'ignore', 'pipe'],
    serviceName: `Renzheng ${request.name}`,
  };
}

class UtilityChild extends EventEmitter<VendorChildEvents> implements VendorChild {
  private ended = false;

  constructor(
    private readonly child: UtilityProcess,
    private readonly killPid: (pid: number, signal: NodeJS.Signals) => void,
  ) {
    super();
    child.on('message', (message: unknown) => this.emit('message', message));
    // A utility process reports an exit code only, never the signal (a crash reads "exited with code N").
    child.once('exit', (code) => {
      this.ended = true;
      this.emit('exit', code, null);
    });
    child.stderr?.on('data', (chunk: Buffer | string) => this.emit('stderr', chunk.toString()));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  // postMessage has no completion callback: a message it accepts counts as delivered, and a child
  // that dies before answering is reported by 'exit'.
  send(message: Parameters<VendorChild['send']>[0], done: (error: Error | null) => void): void {
    if (this.ended) return queueMicrotask(() => done(new Error('the helper process has ended')));
    try {
      this.child.postMessage(message);
    } catch (error) {
      return queueMicrotask(() => done(error instanceof Error ? error : new Error(String(error))));
    }
    queueMicrotask(() => done(null));
  }

  // utilityProcess.kill() is SIGTERM; vendor code stuck in a call must not get to ignore it.
  kill(): void {
    const pid = this.child.pid;
    if (pid === undefined) {
      this.child.kill();
      return;
    }
    try {
      this.killPid(pid, 'SIGKILL');
    } catch {
      this.child.kill(); // already gone, or not ours to signal
    }
  }

  // Electron's main process does not end on an empty event loop: nothing to hold open.
  ref(): void {}
  unref(): void {}
}

/**
 * Starts vendor SDK / WLT decoder children as Electron utility processes: Node-capable children
 * that need no RunAsNode fuse (electron-builder.yml turns it off). The child (native/vendor/child.ts)
 * talks over process.parentPort there. Call only after app 'ready' (the host starts children lazily).
 */
export function utilityProcessLauncher(
  utility: UtilityProcessModule,
  killPid: (pid: number, signal: NodeJS.Signals) => void = (pid, signal) => process.kill(pid, signal),
): ChildLauncher {
  return (request) => new UtilityChild(utility.fork(request.file, [], utilityForkOptions(request)), killPid);
}
