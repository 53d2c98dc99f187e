import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { FaultPlan } from '../idcard/sim-faults';
import { SamDeviceSim, type SimCard } from '../idcard/sim-device';
import { createSerialTransport } from './serial';
import type { Transport } from './transport';

// A simulated SAM reader on a pseudo-terminal: the CLI's `renzheng sim`, the bench and the
// integration tests all drive real serial code against it.

export interface PtySimOptions {
  /** Where the host-side pty link appears; the simulator holds `${pty}.sam`. */
  pty: string;
  card: SimCard | null;
  plan?: FaultPlan;
  /** Pace bytes as a UART at this rate would (both directions); 0 = as fast as the pty goes. */
  baudRate?: number;
  /** Present the card again this many ms after each read, so clients can read repeatedly. */
  representAfterMs?: number;
  log?: (line: string) => void;
}

export interface PtySim {
  readonly port: string;
  readonly device: SamDeviceSim;
  stop(): Promise<void>;
}

export class SimStartError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SimStartError';
  }
}

/** Run a SamDeviceSim behind a socat pty pair; any serial client can open `port`. */
export async function startPtySim(opts: PtySimOptions): Promise<PtySim> {
  const plan = opts.plan ?? { oneShot: [] };
  const device = new SamDeviceSim({ card: opts.card, samHealth: plan.samHealth, garbageMax: plan.garbageMax, resetRecovers: true });
  for (const f of plan.oneShot) device.injectFault(f.match, f.fault, f.times);
  const simSide = `${opts.pty}.sam`;
  const socat = spawn('socat', [`pty,raw,echo=0,link=${opts.pty}`, `pty,raw,echo=0,link=${simSide}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let socatError = '';
  socat.stderr?.on('data', (d: Buffer) => (socatError += d.toString()));
  const spawnFailed = new Promise<Error>((resolve) => socat.once('error', resolve));
  const started = Date.now();
  while (!(existsSync(opts.pty) && existsSync(simSide))) {
    const failed = await Promise.race([spawnFailed, new Promise<null>((r) => setTimeout(() => r(null), 20))]);
    if (failed || socat.exitCode !== null || Date.now() - started > 5000) {
      socat.kill();
      throw new SimStartError(`could not create the pty pair at ${opts.pty} (${failed?.message ?? (socatError.trim() || 'socat did not start')}); is socat installed and the folder writable?`, { cause: failed });
    }
  }
  const transport: Transport = createSerialTransport({ path: simSide, baudRate: opts.baudRate || 115200 });
  try {
    await transport.open();
  } catch (error) {
    socat.kill();
    throw new SimStartError(`could not open the simulator side ${simSide}: ${(error as Error).message}`, { cause: error });
  }
  const byteMs = opts.baudRate ? 10_000 / opts.baudRate : 0;
  let lineFreeAt = 0;
  let stopped = false;
  let represent: NodeJS.Timeout | null = null;
  const fragment = plan.fragment ?? { min: 64, max: 64 };
  let rng = 0x2545f491;
  const chunkSize = () => {
    rng ^= rng << 13;
    rng ^= rng >>> 17;
    rng ^= rng << 5;
    rng >>>= 0;
    return fragment.min + (rng % (fragment.max - fragment.min + 1));
  };
  const at = (time: number, f: () => void) => setTimeout(f, Math.max(0, time - performance.now()));

  transport.onData((chunk) => {
    // The command itself takes wire time to arrive before the SAM can answer.
    const received = performance.now() + chunk.length * byteMs;
    const readsBefore = device.log.filter((c) => c.startsWith('read-base')).length;
    const outputs = device.receive(chunk);
    const readNow = device.log.filter((c) => c.startsWith('read-base')).length > readsBefore;
    for (const out of outputs) {
      if (out.unplug) {
        opts.log?.('fault: unplug');
        void stop();
        return;
      }
      let t = Math.max(received, lineFreeAt) + out.delayMs;
      for (let i = 0; i < out.bytes.length; ) {
        const piece = out.bytes.subarray(i, i + chunkSize());
        i += piece.length;
        t += piece.length * byteMs;
        // A paced UART delivers a chunk when its last byte is on the wire.
        at(t, () => {
          if (!stopped) transport.write(piece).catch(() => undefined);
        });
      }
      lineFreeAt = t;
    }
    if (readNow && opts.representAfterMs !== undefined && device.cardPresent) {
      represent = setTimeout(() => device.present(), opts.representAfterMs);
    }
  });

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      stopped = true;
      if (represent) clearTimeout(represent);
      await transport.close().catch(() => undefined);
      await killAndWait(socat);
    })());
  return { port: opts.pty, device, stop };
}

function killAndWait(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
