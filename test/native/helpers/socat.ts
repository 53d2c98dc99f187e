import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PtyPair {
  /** The end the transport under test opens. */
  host: string;
  /** The end the test plays the reader on. */
  device: string;
  /** Kills socat: both ends vanish, as when a USB-serial reader is pulled. */
  unplug(): Promise<void>;
  cleanup(): Promise<void>;
}

/** A virtual serial cable made by socat, in a private temp dir so parallel runs never collide. */
export async function createPtyPair(reuseDir?: string): Promise<PtyPair> {
  // Reusing a dir recreates the same link paths: the reader "plugged back in" where it was.
  const dir = reuseDir ?? mkdtempSync(join(tmpdir(), 'renzheng-pty-'));
  const host = join(dir, 'host');
  const device = join(dir, 'device');
  // A SIGKILLed socat cannot remove its links: stale ones would pass the wait below at once and
  // point at dead ptys, so clear them before the new pair is made.
  rmSync(host, { force: true });
  rmSync(device, { force: true });
  const socat: ChildProcess = spawn(
    'socat',
    ['-d', '-d', `pty,raw,echo=0,link=${host}`, `pty,raw,echo=0,link=${device}`],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => socat.once('exit', () => resolve()));
  const deadline = Date.now() + 5000;
  while (!(existsSync(host) && existsSync(device))) {
    if (Date.now() > deadline || socat.exitCode !== null) {
      socat.kill('SIGKILL');
      throw new Error('socat did not create the pty pair within 5 s');
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const unplug = async () => {
    if (socat.exitCode === null && socat.signalCode === null) socat.kill('SIGKILL');
    await exited;
  };
  return {
    host,
    device,
    unplug,
    async cleanup() {
      await unplug();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
