import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Resolves when the process printed this line on stdout. */
  waitFor(line: string, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

const CHILD = join(import.meta.dirname, 'child-server.ts');

/** Starts test/server/support/child-server.ts and waits until it listens. */
export async function spawnServer(args: string[], env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const waiters: { line: string; resolve: () => void }[] = [];
  child.stdout!.on('data', (c: Buffer) => {
    out += c.toString();
    for (const w of [...waiters]) if (out.split('\n').includes(w.line)) w.resolve();
  });
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server process did not start: ${err.slice(-800)}`)), 60_000);
    const check = () => {
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) {
        clearTimeout(timer);
        resolve((JSON.parse(line) as { url: string }).url);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => reject(new Error(`the server process exited (${code}): ${err.slice(-800)}`)));
  });
  return {
    url,
    child,
    waitFor(line, timeoutMs = 30_000) {
      if (out.split('\n').includes(line)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no "${line}" from the server process`)), timeoutMs);
        waiters.push({ line, resolve: () => (clearTimeout(timer), resolve()) });
      });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
