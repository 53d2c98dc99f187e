import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { VendorSdkError, deserializeVendorError } from './errors';
import { forkLauncher, type ChildLauncher, type VendorChild } from './launcher';
import { WORKDIR_ENV, isChildMessage, type CallOp, type ChildMessage, type ChildSession } from './protocol';

export interface ChildLaunch {
  /** Script the child runs. */
  file: string;
  /** Node flags for it: the tsx loader when running from source. */
  execArgv: string[];
}

/** Name of the bundled child, as electron.vite.config.ts names the entry. */
export const BUNDLED_CHILD = 'vendor-sdk-child.js';
const SOURCE_CHILD = 'child.ts';

/**
 * Where the child entry lives, decided explicitly:
 * 1. `override` when the caller configures one (packagers moving files around);
 * 2. the bundled `vendor-sdk-child.js` next to the running bundle, or one folder up when this code
 *    was split into a chunk folder (out/main/chunks/…);
 * 3. `child.ts` next to this source file, run through tsx (tests, `tsx cli`).
 * `here` is this module's directory (import.meta.dirname), passed in so each case is testable.
 */
export function resolveChildEntry(opts: {
  here: string;
  override?: string;
  exists?: (path: string) => boolean;
  resolveTsx?: () => string;
}): ChildLaunch {
  const exists = opts.exists ?? existsSync;
  if (opts.override) {
    if (!exists(opts.override)) throw new VendorSdkError('child-failed', `the configured vendor helper ${opts.override} does not exist`);
    return opts.override.endsWith('.ts') ? { file: opts.override, execArgv: tsxArgs(opts.resolveTsx) } : { file: opts.override, execArgv: [] };
  }
  for (const dir of [opts.here, dirname(opts.here)]) {
    const bundled = join(dir, BUNDLED_CHILD);
    if (exists(bundled)) return { file: bundled, execArgv: [] };
  }
  const source = join(opts.here, SOURCE_CHILD);
  if (exists(source)) return { file: source, execArgv: tsxArgs(opts.resolveTsx) };
  throw new VendorSdkError(
    'child-failed',
    `the vendor helper is missing: looked for ${BUNDLED_CHILD} in ${opts.here} and its parent, and ${SOURCE_CHILD} in ${opts.here}; rebuild the app`,
  );
}

function tsxArgs(resolveTsx?: () => string): string[] {
  const loader = resolveTsx ? resolveTsx() : createRequire(import.meta.url).resolve('tsx');
  return ['--import', pathToFileURL(loader).href];
}

export interface HostOptions {
  /** What the child runs; found by resolveChildEntry when absent. */
  launch?: ChildLaunch;
  /** How the child is started: child_process.fork (default) or, under Electron, a utility process. */
  launcher?: ChildLauncher;
  /** Fork, the first "ready" and loading the library; tsx start-up is slow on a busy machine. */
  startTimeoutMs?: number;
  /** Description used in messages, e.g. "WLT decoder libwlt.so". No personal data. */
  label: string;
}

/**
 * Children alive in this process. If the kiosk exits without closing them (crash, CLI exit), the
 * exit hook still kills them and deletes their working directories, which may hold photo files.
 */
const live = new Set<{ child: VendorChild; workDir: string }>();
let exitHookInstalled = false;
function trackChild(entry: { child: VendorChild; workDir: string }): void {
  live.add(entry);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const { child, workDir } of live) {
      child.kill();
      rmSync(workDir, { recursive: true, force: true });
    }
  });
}

type Pending = { id: number; resolve: (value: unknown) => void; reject: (error: VendorSdkError) => void; timer: NodeJS.Timeout; op: string };

interface Running {
  child: VendorChild;
  workDir: string;
  exited: Promise<void>;
  pending: Pending | null;
}

/**
 * Runs one vendor session in a child process and makes it look like a plain async API:
 * - one call at a time (vendor SDKs are not re-entrant);
 * - a per-call timeout kills a hung child (SIGKILL) → VendorSdkError('timeout');
 * - a child that dies mid-call → VendorSdkError('crashed') with the signal;
 * - the next call starts a fresh child and loads the library again;
 * - each child gets a private working directory (vendor SDKs drop photo and text files into the
 *   current directory), deleted whenever the child ends, crash included.
 */
export class VendorChildHost {
  private running: Running | null = null;
  private starting: Promise<Running> | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private nextId = 1;
  private closed = false;
  private restartCount = 0;
  private readonly startTimeoutMs: number;

  constructor(
    private readonly session: ChildSession,
    private readonly options: HostOptions,
  ) {
    this.startTimeoutMs = options.startTimeoutMs ?? 20_000;
  }

  /** How many times a child had to be started again after one ended (crash, timeout, exit). */
  get restarts(): number {
    return this.restartCount;
  }

  /** Whether a child is up right now (it is started lazily by the first call). */
  get isRunning(): boolean {
    return this.running !== null;
  }

  get pid(): number | undefined {
    return this.running?.child.pid;
  }

  call(op: CallOp, timeoutMs: number): Promise<unknown> {
    const run = this.queue.then(() => this.callNow(op, timeoutMs));
    this.queue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.queue;
    const running = this.running ?? (await this.starting?.catch(() => null)) ?? null;
    if (!running) return;
    // Let the child close the port and unload; kill it if the vendor code hangs on the way out.
    running.child.send({ type: 'shutdown' }, () => undefined);
    const killer = setTimeout(() => running.child.kill(), 1000);
    await running.exited;
    clearTimeout(killer);
  }

  private async callNow(op: CallOp, timeoutMs: number): Promise<unknown> {
    if (this.closed) throw new VendorSdkError('closed', `${this.options.label} is closed`);
    const running = await this.ensureRunning();
    return new Promise<unknown>((resolve, reject) => {
      const id = this.nextId++;
      const timer = setTimeout(() => {
        if (running.pending?.id !== id) return;
        running.pending = null;
        // Forget it now, not on 'exit': the next call must not reach the dying child.
        if (this.running === running) this.running = null;
        running.child.kill();
        reject(
          new VendorSdkError('timeout', `${this.options.label} did not finish ${op.op} within ${timeoutMs} ms; the helper was stopped and restarts on the next call`),
        );
      }, timeoutMs);
      running.pending = { id, resolve, reject, timer, op: op.op };
      running.child.ref();
      running.child.send({ type: 'call', id, ...op }, (error) => {
        if (error && running.pending?.id === id) {
          clearTimeout(timer);
          running.pending = null;
          if (this.running === running) this.running = null;
          running.child.kill();
          reject(new VendorSdkError('crashed', `${this.options.label} helper is gone (${error.message}); it restarts on the next call`, { cause: error }));
        }
      });
    });
  }

  private ensureRunning(): Promise<Running> {
    if (this.running) return Promise.resolve(this.running);
    this.starting ??= this.start().finally(() => (this.starting = null));
    return this.starting;
  }

  private hadChild = false;

  private start(): Promise<Running> {
    if (this.hadChild) this.restartCount++;
    this.hadChild = true;
    const launch = this.options.launch ?? resolveChildEntry({ here: import.meta.dirname });
    const workDir = mkdtempSync(join(tmpdir(), 'renzheng-vendor-'));
    let child: VendorChild;
    try {
      child = (this.options.launcher ?? forkLauncher)({
        file: launch.file,
        execArgv: launch.execArgv,
        cwd: workDir,
        env: { ...process.env, [WORKDIR_ENV]: workDir },
        name: this.options.label,
      });
    } catch (error) {
      rmSync(workDir, { recursive: true, force: true });
      return Promise.reject(new VendorSdkError('child-failed', `cannot start the vendor helper: ${String(error)}`, { cause: error }));
    }
    // Kept only for start-up failures (no card data exists yet then); capped.
    let stderrTail = '';
    child.on('stderr', (text) => {
      stderrTail = (stderrTail + text).slice(-1500);
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const running: Running = { child, workDir, exited, pending: null };
    trackChild(running);

    child.once('exit', (code, signal) => {
      live.delete(running);
      rmSync(workDir, { recursive: true, force: true });
      if (this.running === running) this.running = null;
      const pending = running.pending;
      running.pending = null;
      if (pending) {
        clearTimeout(pending.timer);
        const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
        pending.reject(
          new VendorSdkError('crashed', `the vendor library crashed during ${pending.op}: its helper ${how}; it restarts on the next call`, {
            ...(signal ? { signal } : {}),
          }),
        );
      }
    });
    child.on('message', (message: unknown) => {
      if (!isChildMessage(message) || message.type !== 'result') return;
      const pending = running.pending;
      if (!pending || pending.id !== message.id) return; // a late reply after a timeout
      running.pending = null;
      clearTimeout(pending.timer);
      child.unref();
      if (message.ok) pending.resolve(message.value);
      else pending.reject(deserializeVendorError(message.error));
    });

    return new Promise<Running>((resolve, reject) => {
      const fail = (error: VendorSdkError) => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.kill();
        reject(error);
      };
      const timer = setTimeout(
        () => fail(new VendorSdkError('timeout', `${this.options.label} helper did not start within ${this.startTimeoutMs} ms`)),
        this.startTimeoutMs,
      );
      const onExitEarly = (code: number | null, signal: NodeJS.Signals | null) => {
        clearTimeout(timer);
        child.off('message', onMessage);
        const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
        const detail = stderrTail.trim() ? `: ${stderrTail.trim().split('\n').slice(-3).join(' | ')}` : '';
        // A signal while loading means the library's own initialisers crashed.
        reject(
          new VendorSdkError(signal ? 'crashed' : 'child-failed', `${this.options.label} helper ${how} while starting${detail}`, {
            ...(signal ? { signal } : {}),
          }),
        );
      };
      const onMessage = (message: unknown) => {
        if (!isChildMessage(message)) return;
        const m: ChildMessage = message;
        if (m.type === 'ready') {
          child.send({ type: 'init', session: this.session }, () => undefined); // a child gone by now is reported by 'exit'
          return;
        }
        if (m.type !== 'init-result') return;
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExitEarly);
        if (!m.ok) {
          // The library cannot be used as configured; end this child, retry on the next call.
          child.kill();
          reject(deserializeVendorError(m.error));
          return;
        }
        child.unref();
        this.running = running;
        resolve(running);
      };
      child.on('message', onMessage);
      child.once('exit', onExitEarly);
    });
  }
}
