import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { foreign2017Layout, foreign2023Layout, permitLayout, residentLayout } from '../idcard/layouts';
import { FaultSpecError, parseFaultSpec, type FaultPlan } from '../idcard/sim-faults';
import type { SimCard } from '../idcard/sim-device';
import { buildCardText, sampleCards, syntheticFingerprints, syntheticWlt, type SyntheticCard } from '../idcard/synthetic';
import { startPtySim, type PtySim } from '../native/pty-sim';
import { parseCommandArgs, printError, printJson, usageError, type CliCommand } from './io';

const USAGE = 'usage: renzheng sim --pty PATH [--card card.json] [--faults LIST] [--baud 115200|0] [--no-card] [--represent MS]\n';

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

/** Turn a card.json into the chip's blocks. */
export function simCardFromFile(file: z.infer<typeof CardFile>): SimCard {
  const { photoBase64, fingerprints, present: _present, ...text } = file;
  const photo = photoBase64 ? new Uint8Array(Buffer.from(photoBase64, 'base64')) : syntheticWlt();
  if (photo.length > 1024) throw new RangeError(`photoBase64 decodes to ${photo.length} bytes; the chip holds at most 1024`);
  return { text: buildCardText(text as SyntheticCard), photo, fingerprints: fingerprints ? syntheticFingerprints() : null };
}

export const run: CliCommand = async (args, io) => {
  const parsed = parseCommandArgs(io, 'sim', USAGE, {
    args,
    options: {
      pty: { type: 'string' },
      card: { type: 'string' },
      faults: { type: 'string' },
      baud: { type: 'string' },
      'no-card': { type: 'boolean' },
      represent: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (typeof parsed === 'number') return parsed;
  const { values } = parsed;
  if (!values.pty) return usageError(io, 'sim', 'needs --pty PATH, the serial port path clients will open', USAGE);
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
    return usageError(io, 'sim', '--baud takes a whole number (0 = unpaced) and --represent a delay in ms', USAGE);
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
