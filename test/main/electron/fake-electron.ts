import { fork, type ChildProcess, type Serializable } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { vi } from 'vitest';

/** Just enough of Electron's API, recorded, to test the shell's wiring where no binary can run. */
export class FakeWebContents extends EventEmitter {
  url = 'app://kiosk/index.html';
  destroyed = false;
  sent: unknown[][] = [];
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  reload = vi.fn();
  getURL = () => this.url;
  isDestroyed = () => this.destroyed;
  send(...args: unknown[]) {
    this.sent.push(args);
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
    this.windowOpenHandler = handler;
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static instances: FakeBrowserWindow[] = [];
  static getAllWindows = () => FakeBrowserWindow.instances;
  readonly webContents = new FakeWebContents();
  loadURL = vi.fn(async (_url: string) => undefined);
  show = vi.fn();
  focus = vi.fn();
  removeMenu = vi.fn();
  isDestroyed = () => false;
  constructor(readonly options: Record<string, any>) {
    super();
    FakeBrowserWindow.instances.push(this);
  }
}

export class FakeIpcMain {
  handlers = new Map<string, (...args: any[]) => unknown>();
  handle(channel: string, handler: (...args: any[]) => unknown) {
    this.handlers.set(channel, handler);
  }
  removeHandler(channel: string) {
    this.handlers.delete(channel);
  }
}

export class FakeSession {
  requestHandler: ((wc: unknown, permission: string, cb: (allowed: boolean) => void, details: unknown) => void) | null = null;
  checkHandler: ((wc: unknown, permission: string, origin: string, details: unknown) => boolean) | null = null;
  deviceHandler: (() => boolean) | null = null;
  setPermissionRequestHandler(h: FakeSession['requestHandler']) { this.requestHandler = h; }
  setPermissionCheckHandler(h: FakeSession['checkHandler']) { this.checkHandler = h; }
  setDevicePermissionHandler(h: FakeSession['deviceHandler']) { this.deviceHandler = h; }
}

export class FakeApp extends EventEmitter {
  isPackaged = false;
  lock = true;
  quit = vi.fn();
  requestSingleInstanceLock = vi.fn(() => this.lock);
  whenReady = vi.fn(async () => undefined);
  getAppPath = vi.fn(() => process.cwd());
  getPath = vi.fn((_name: string) => '/tmp');
}

/** utilityProcess.fork's child, in memory: what was posted, and events the test emits by hand. */
export class FakeUtilityProcess extends EventEmitter {
  pid: number | undefined = 4321;
  posted: unknown[] = [];
  stdout = null;
  stderr = new PassThrough();
  kill = vi.fn(() => true);
  postMessage(message: unknown) {
    this.posted.push(message);
  }
  constructor(
    readonly modulePath: string,
    readonly args: string[],
    readonly options: Record<string, any>,
  ) {
    super();
  }
}

/** `utilityProcess` whose fork records its calls and returns in-memory children. */
export class FakeUtilityProcessModule {
  forks: FakeUtilityProcess[] = [];
  fork = vi.fn((modulePath: string, args: string[] = [], options: Record<string, any> = {}) => {
    const child = new FakeUtilityProcess(modulePath, args, options);
    this.forks.push(child);
    return child;
  });
}

/**
 * A utility process over a real child_process: the module runs under utility-process-shim.ts, which
 * gives it `process.parentPort` and takes `process.send` away, as Electron does. The API seen by the
 * parent is UtilityProcess's: postMessage, 'message' with the data itself, 'exit' with a code only,
 * kill() sending SIGTERM, pid undefined once it ended.
 */
export class ChildProcessUtility extends EventEmitter {
  readonly child: ChildProcess;
  exitCode: number | null = null;
  exitSignal: NodeJS.Signals | null = null;
  private ended = false;
  constructor(readonly modulePath: string, readonly args: string[], readonly options: Record<string, any>) {
    super();
    const stdio = (options.stdio ?? 'inherit') as string | string[];
    const [, out, err] = typeof stdio === 'string' ? ['ignore', stdio, stdio] : stdio;
    this.child = fork(join(import.meta.dirname, 'utility-process-shim.ts'), [modulePath, ...args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      // The shim is TypeScript: the tsx loader always, plus whatever the caller asked for.
      execArgv: [...new Set([...tsxExecArgv(), ...((options.execArgv as string[] | undefined) ?? [])])],
      serialization: 'advanced', // structured clone on Electron's side: byte arrays cross as they are
      stdio: ['ignore', out as 'pipe' | 'ignore' | 'inherit', err as 'pipe' | 'ignore' | 'inherit', 'ipc'],
    });
    this.child.on('message', (message) => this.emit('message', message));
    this.child.on('spawn', () => this.emit('spawn'));
    this.child.once('exit', (code, signal) => {
      this.ended = true;
      this.exitCode = code;
      this.exitSignal = signal;
      this.emit('exit', code ?? (signal ? constants.signals[signal] : 0));
    });
  }
  get pid() {
    return this.ended ? undefined : this.child.pid;
  }
  get stdout() {
    return this.child.stdout;
  }
  get stderr() {
    return this.child.stderr;
  }
  postMessage(message: unknown) {
    if (!this.ended && this.child.connected) this.child.send(message as Serializable);
  }
  kill() {
    return this.child.kill('SIGTERM');
  }
}

/** `utilityProcess` whose fork starts ChildProcessUtility children. */
export class ChildProcessUtilityModule {
  forks: ChildProcessUtility[] = [];
  fork = (modulePath: string, args: string[] = [], options: Record<string, any> = {}) => {
    const child = new ChildProcessUtility(modulePath, args, options);
    this.forks.push(child);
    return child;
  };
}

function tsxExecArgv(): string[] {
  return ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href];
}
