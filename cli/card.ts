import { readFile, writeFile } from 'node:fs/promises';
import { parseCardText, type Card } from '../idcard/card';
import { CardTextError, IdCardError } from '../idcard/errors';
import { findFirstFrame } from '../idcard/frame';
import { countFingerprints, decodeReadReplyBody, hasWltMagic } from '../idcard/reply';
import { SamError } from '../idcard/status';
import { TransportError } from '../native/transport';
import { CardReadError, SamCardSource, VendorCardSource, type CardSource, type RawRead } from '../native/sam/card-source';
import type { ReaderHardware } from '../native/sam/hardware';
import { bmpInfo } from '../imaging/bmp';
import { nativeDeps, parseCommandArgs, printError, printJson, usageError, type CliCommand, type CliIo } from './io';

const USAGE = `usage: renzheng card decode FILE [--photo OUT]
       renzheng card read (--port PATH | --hid | --usb | --vendor LIB) [--id VID:PID] [--wlt LIB [--wlt-symbol NAME]]
                          [--fingerprints] [--wait MS] [--photo OUT]
`;

/** The card as `renzheng card` prints it: every key always present, null where the card type has none. */
export function cardJson(card: Card, photo: { format: 'wlt' | 'bmp' | 'unknown'; bytes: number } | null, fingerprints: number, extraWarnings: string[] = []) {
  const pick = <K extends string>(key: K): unknown => (key in card ? (card as unknown as Record<K, unknown>)[key] : null);
  return {
    type: card.type,
    name: card.name,
    englishName: pick('englishName'),
    sex: card.sex,
    nationCode: pick('nationCode'),
    nation: pick('nation'),
    nationality: pick('nationality'),
    birthDate: card.birthDate,
    address: pick('address'),
    idNumber: card.idNumber,
    passNumber: pick('passNumber'),
    issueCount: pick('issueCount'),
    issuer: pick('issuer'),
    validFrom: card.validFrom,
    validUntil: card.validUntil,
    photo,
    fingerprints,
    warnings: [...card.warnings, ...extraWarnings],
  };
}

/** Map any failure to the {"error":…} shape; returns the exit code (2 bad input, 1 device trouble). */
function reportFailure(io: CliIo, error: unknown): number {
  const cause = error instanceof CardReadError ? error.cause : error;
  if (cause instanceof SamError) {
    printError(io, 'status', cause.message, { sw1: cause.sw1, sw2: cause.sw2, sw3: cause.sw3, statusClass: cause.statusClass });
    return 2;
  }
  if (cause instanceof CardTextError) {
    printError(io, 'text', cause.message, { field: cause.field });
    return 2;
  }
  if (cause instanceof IdCardError) {
    printError(io, cause.code, cause.message);
    return cause.code === 'timeout' ? 1 : 2;
  }
  if (cause instanceof TransportError) {
    printError(io, `transport-${cause.code}`, cause.message);
    return 1;
  }
  const e = cause as { name?: string; code?: unknown; message?: string };
  printError(io, typeof e.code === 'string' ? e.code : 'failed', e.message ?? String(cause));
  return 1;
}

async function decode(file: string, photoOut: string | undefined, io: CliIo): Promise<number> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch (error) {
    printError(io, 'file', `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    return 2;
  }
  try {
    // A capture tool may save a few bytes of line noise before the reply; the driver resyncs past them, so does this.
    const { body, skipped, trailing } = findFirstFrame(bytes);
    const raw = decodeReadReplyBody(body);
    const card = parseCardText(raw.text);
    if (photoOut) await writeFile(photoOut, raw.photo);
    const format = hasWltMagic(raw.photo) ? 'wlt' : 'unknown';
    const warnings = [
      ...(skipped ? [`skipped-${skipped}-bytes-before-frame`] : []),
      ...(trailing ? [`ignored-${trailing}-bytes-after-frame`] : []),
    ];
    printJson(io, cardJson(card, raw.photo.length ? { format, bytes: raw.photo.length } : null, countFingerprints(raw.fingerprints), warnings));
    return 0;
  } catch (error) {
    return reportFailure(io, error);
  }
}

function parseUsbId(text: string | undefined, fallback: { vendorId: number; productId: number }) {
  if (text === undefined || text === '') return fallback;
  const m = /^([0-9a-f]{4}):([0-9a-f]{4})$/i.exec(text);
  if (!m) throw new TypeError(`'${text}' is not a USB id; write it as VID:PID in hex, e.g. 0400:c35a`);
  return { vendorId: Number.parseInt(m[1]!, 16), productId: Number.parseInt(m[2]!, 16) };
}

export interface CardReadOptions {
  source: CardSource;
  waitMs: number;
  decodePhoto?: (wlt: Uint8Array) => Promise<Buffer>;
}

/** Open the source, poll until a card is read or the wait ends, close. Null = no card in time. */
export async function readOneCard(opts: CardReadOptions): Promise<RawRead | null> {
  await opts.source.open();
  try {
    const deadline = Date.now() + opts.waitMs;
    for (;;) {
      const raw = await opts.source.poll();
      if (raw) return raw;
      if (Date.now() >= deadline) return null;
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await opts.source.close().catch(() => undefined);
  }
}

async function read(values: Record<string, string | boolean | undefined>, io: CliIo, hw: ReaderHardware): Promise<number> {
  const chosen = (['port', 'hid', 'usb', 'vendor'] as const).filter((k) => values[k] !== undefined);
  if (chosen.length !== 1) return usageError(io, 'card read', 'needs exactly one of --port, --hid, --usb, --vendor', USAGE);
  const str = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  const waitMs = values.wait === undefined ? 10_000 : Number(values.wait);
  if (!Number.isFinite(waitMs) || waitMs < 0) return usageError(io, 'card read', '--wait takes a time in milliseconds', USAGE);
  let source: CardSource;
  try {
    const samOptions = { fingerprints: values.fingerprints === true };
    switch (chosen[0]!) {
      case 'port':
        source = new SamCardSource(hw.serial(str('port')!), samOptions);
        break;
      case 'hid':
        source = new SamCardSource(hw.hid(parseUsbId(str('id'), { vendorId: 0x2b8b, productId: 0x2721 })), samOptions);
        break;
      case 'usb':
        source = new SamCardSource(hw.usb(parseUsbId(str('id'), { vendorId: 0x0400, productId: 0xc35a })), samOptions);
        break;
      case 'vendor':
        source = new VendorCardSource(await hw.vendor({ library: str('vendor')!, fingerprints: values.fingerprints === true }), 'vendor SDK');
        break;
    }
  } catch (error) {
    if (error instanceof TypeError) return usageError(io, 'card read', error.message, USAGE);
    return reportFailure(io, error);
  }
  const wltLibrary = str('wlt');
  const decoder = wltLibrary ? await hw.wltDecoder({ library: wltLibrary, ...(str('wlt-symbol') ? { symbol: str('wlt-symbol') } : {}) }) : null;
  try {
    const raw = await readOneCard({ source, waitMs });
    if (!raw) {
      printError(io, 'no-card', `no card was presented within ${waitMs} ms; place the card on the reader and try again`);
      return 1;
    }
    const card = parseCardText(raw.text);
    const warnings: string[] = [];
    let photo: { format: 'wlt' | 'bmp' | 'unknown'; bytes: number } | null = null;
    let photoBytes: Uint8Array | null = null;
    if (raw.photoBmp) {
      photoBytes = raw.photoBmp;
    } else if (raw.wlt && decoder) {
      try {
        photoBytes = await decoder.decode(raw.wlt);
      } catch (error) {
        warnings.push('photo-decode-failed');
        io.stderr(`photo decode failed: ${(error as Error).message}\n`);
        photoBytes = raw.wlt;
      }
    } else if (raw.wlt) {
      photoBytes = raw.wlt;
    }
    if (photoBytes) {
      photo = { format: bmpInfo(photoBytes) ? 'bmp' : hasWltMagic(photoBytes) ? 'wlt' : 'unknown', bytes: photoBytes.length };
      const out = str('photo');
      if (out) await writeFile(out, photoBytes);
    }
    printJson(io, cardJson(card, photo, countFingerprints(raw.fingerprints), warnings));
    return 0;
  } catch (error) {
    return reportFailure(io, error);
  } finally {
    await decoder?.close().catch(() => undefined);
  }
}

export const run: CliCommand = async (args, io, deps = nativeDeps) => {
  const [sub, ...rest] = args;
  const parsed = parseCommandArgs(io, 'card', USAGE, {
    args: rest,
    options: {
      photo: { type: 'string' },
      port: { type: 'string' },
      hid: { type: 'boolean' },
      usb: { type: 'boolean' },
      id: { type: 'string' },
      vendor: { type: 'string' },
      wlt: { type: 'string' },
      'wlt-symbol': { type: 'string' },
      fingerprints: { type: 'boolean' },
      wait: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: true,
  });
  if (typeof parsed === 'number') return parsed;
  if (sub === 'decode') {
    const [file, ...extra] = parsed.positionals;
    if (!file || extra.length) return usageError(io, 'card decode', 'takes exactly one FILE', USAGE);
    return decode(file, parsed.values.photo, io);
  }
  if (sub === 'read') {
    if (parsed.positionals.length) return usageError(io, 'card read', `unexpected ${parsed.positionals.join(' ')}`, USAGE);
    return read(parsed.values, io, await deps.hardware());
  }
  if (sub === undefined || sub === '--help' || sub === '-h') {
    io.stdout(USAGE);
    return sub === undefined ? 2 : 0;
  }
  return usageError(io, 'card', `unknown subcommand '${sub}'`, USAGE);
};
