import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { foreign2017Layout, foreign2023Layout, permitLayout, residentLayout } from '../idcard/layouts';
import { FaultSpecError, parseFaultSpec, type FaultPlan } from '../idcard/sim-faults';
import { SamDeviceSim, type SimCard } from '../idcard/sim-device';
import { buildCardText, sampleCards, syntheticFingerprints, syntheticWlt, type SyntheticCard } from '../idcard/synthetic';
import { createSerialTransport } from '../native/serial';
import type { Transport } from '../native/transport';
import { printError, printJson, type CliCommand } from './io';

const fields = (layout: object) => Object.fromEntries(Object.keys(layout).map((k) => [k, z.string().optional()]));
const extras = {
  /** Base64 of a 1024-byte WLT photo; a synthetic one when absent. */
  photoBase64: z.string().optional(),
  fingerprints: z.boolean().optional(),
  /** Lie on the reader from the start (default true). */
  present: z.boolean().optional(),
};
/** card.json: the chip's raw field texts (dates YYYYMMDD, validUntil a date or 长期, sex 1/2). */
export const CardFile = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('resident'), ...fields(residentLayout), ...extras }),
  z.strictObject({ type: z.literal('hkmotw'), ...fields(permitLayout), ...extras }),
  z.strictObject({ type: z.literal('foreign2017'), ...fields(foreign2017Layout), ...extras }),
  z.strictObject({ type: z.literal('foreign2023'), ...fields(foreign2023Layout), ...extras }),
]);

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

/** Turn a card.json into the chip's blocks. */
export function simCardFromFile(file: z.infer<typeof CardFile>): SimCard {
  const { photoBase64, fingerprints, present: _present, ...text } = file;
  const photo = photoBase64 ? new Uint8Array(Buffer.from(photoBase64, 'base64')) : syntheticWlt();
  if (photo.length > 1024) throw new RangeError(`photoBase64 decodes to ${photo.length} bytes; the chip holds at most 1024`);
  return { text: buildCardText(text as SyntheticCard), photo, fingerprints: fingerprints ? syntheticFingerprints() : null };
}

export const run: CliCommand = async (args, io) => {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        pty: { type: 'string' },
        card: { type: 'string' },
        faults: { type: 'string' },
        baud: { type: 'string' },
        'no-card': { type: 'boolean' },
        represent: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    printError(io, 'usage', `${(error as Error).message}. Usage: renzheng sim --pty PATH [--card card.json] [--faults LIST] [--baud 115200|0] [--no-card] [--represent MS]`);
    return 2;
  }
  if (!values.pty) {
    printError(io, 'usage', 'renzheng sim needs --pty PATH, the serial port path clients will open');
    return 2;
  }
  let card: SimCard | null = { text: buildCardText(sampleCards.resident), photo: syntheticWlt(), fingerprints: null };
  let present = true;
  if (values.card) {
    let json: unknown;
    try {
      json = JSON.parse(await readFile(values.card, 'utf8'));
    } catch (error) {
      printError(io, 'card-file', `cannot read ${values.card} as JSON: ${(error as Error).message}`);
      return 2;
    }
    const parsed = CardFile.safeParse(json);
    if (!parsed.success) {
      printError(io, 'card-file', `${values.card} is not a card description: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
      return 2;
    }
    try {
      card = simCardFromFile(parsed.data);
    } catch (error) {
      printError(io, 'card-file', `${values.card}: ${(error as Error).message}`);
      return 2;
    }
    present = parsed.data.present ?? true;
  }
  if (values['no-card']) present = false;
  let plan: FaultPlan | undefined;
  try {
    plan = values.faults ? parseFaultSpec(values.faults) : undefined;
  } catch (error) {
    if (error instanceof FaultSpecError) {
      printError(io, 'faults', error.message);
      return 2;
    }
    throw error;
  }
  const baudRate = values.baud === undefined ? 115200 : Number(values.baud);
  const representAfterMs = values.represent === undefined ? undefined : Number(values.represent);
  if (!Number.isInteger(baudRate) || baudRate < 0 || (representAfterMs !== undefined && !(representAfterMs >= 0))) {
    printError(io, 'usage', '--baud takes a whole number (0 = unpaced) and --represent a delay in ms');
    return 2;
  }
  let sim: PtySim;
  try {
    sim = await startPtySim({ pty: values.pty, card: present ? card : null, plan, baudRate, representAfterMs });
  } catch (error) {
    printError(io, 'pty', (error as Error).message);
    return 1;
  }
  // Without --no-card the card lies on the reader; either way 'present' on stdin lays it down again.
  const chip = card;
  printJson(io, { ready: true, port: sim.port, baudRate, cardPresent: sim.device.cardPresent });
  io.stderr('simulated SAM reader running; type "present" or "remove", Ctrl-C to stop\n');
  await new Promise<void>((resolve) => {
    const lines = createInterface({ input: process.stdin });
    lines.on('line', (line) => {
      const cmd = line.trim();
      if (cmd === 'present' && chip) sim.device.present(chip);
      else if (cmd === 'remove') sim.device.remove();
      else if (cmd) io.stderr(`unknown input '${cmd}'; type present or remove\n`);
    });
    const done = () => {
      lines.close();
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  await sim.stop();
  return 0;
};
