import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { VendorSdkError } from './errors';
import type { ParentMessage } from './protocol';

/** What VendorChildHost asks a launcher for: one process running `file`. */
export interface ChildLaunchRequest {
  /** Script the child runs (child.ts through tsx, or the bundled vendor-sdk-child.js). */
  file: string;
  /** Node flags for it: the tsx loader when running from source. */
  execArgv: string[];
  /** The child's private working directory (vendor SDKs drop photo files into the cwd). */
  cwd: string;
  env: Record<string, string | undefined>;
  /** What the child hosts ("WLT decoder unpack"), for process lists and crash reports; no personal data. */
  name: string;
}

export interface VendorChildEvents {
  /** A message from the child, as the child sent it. */
  message: [message: unknown];
  /** The child ended; `signal` is null where the runtime reports only a code (Electron utility processes). */
  exit: [code: number | null, signal: NodeJS.Signals | null];
  /** Text the child wrote to stderr (quoted only for start-up failures, when no card data exists yet). */
  stderr: [text: string];
}

/**
 * The child as VendorChildHost uses it, and nothing more, so that a child_process fork (plain Node:
 * web shell, CLI, tests) and an Electron utility process (main/electron/utility-launcher.ts, which
 * needs no RunAsNode fuse) both fit.
 */
export interface VendorChild extends Pick<EventEmitter<VendorChildEvents>, 'on' | 'once' | 'off'> {
  /** undefined until the process is up, and after it ended. */
  readonly pid: number | undefined;
  /** Hands a message to the child; `done` gets an error when it cannot be delivered (the child is gone). */
  send(message: ParentMessage, done: (error: Error | null) => void): void;
  /** Ends the child at once: vendor code stuck in a call cannot be asked to leave (SIGKILL). */
  kill(): void;
  /** Keep the parent's event loop alive while a reply is awaited; between calls, do not. */
  ref(): void;
  unref(): void;
}

/** Starts a vendor child. Throwing means it could not be started at all. */
export type ChildLauncher = (request: ChildLaunchRequest) => VendorChild;

class ForkedChild extends EventEmitter<VendorChildEvents> implements VendorChild {
  constructor(private readonly child: ChildProcess) {
    super();
    child.on('message', (message: unknown) => this.emit('message', message));
    child.once('exit', (code, signal) => this.emit('exit', code, signal));
    child.stderr?.on('data', (chunk: Buffer) => this.emit('stderr', chunk.toString('utf8')));
    child.on('error', () => undefined); // surfaced through 'exit' or the send callback
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  send(message: ParentMessage, done: (error: Error | null) => void): void {
    this.child.send(message, (error) => done(error ?? null));
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }

  ref(): void {
    this.child.channel?.ref();
  }

  unref(): void {
    this.child.channel?.unref();
  }
}

/**
 * The launcher for plain Node: child_process.fork with an IPC channel ('advanced' serialization, so
 * byte arrays cross without base64). Under Electron, process.execPath is the Electron binary and
 * forking it would start a second kiosk (or need the RunAsNode fuse, which is off): there the
 * shell passes its utility-process launcher instead, and this one refuses.
 */
export const forkLauncher: ChildLauncher = (request) => {
  if (process.versions.electron) {
    throw new VendorSdkError('child-failed', 'under Electron the vendor helper runs as a utility process: the shell must pass its launcher');
  }
  return new ForkedChild(
    fork(request.file, [], {
      cwd: request.cwd,
      execArgv: request.execArgv,
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env: request.env,
    }),
  );
};
