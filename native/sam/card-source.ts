import { Commands } from '../../idcard/commands';
import { parseReadData, type RawCard } from '../../idcard/reply';
import { classifySw3, SamError } from '../../idcard/status';
import { TransportError, type Transport } from '../transport';
import { SamClient } from './sam-client';

/** A card was found but reading it failed (moved, pulled, damaged reply); the cause says how. */
export class CardReadError extends Error {
  constructor(override readonly cause: Error) {
    super(`reading the card failed: ${cause.message}`, { cause });
    this.name = 'CardReadError';
  }
}

/** What one successful read yields, before parsing: the chip's blocks and, from SDKs, a decoded photo. */
export interface RawRead {
  text: Uint8Array;
  /** WLT bytes (needs a decoder), or null when the source decoded the photo itself. */
  wlt: Uint8Array | null;
  /** A decoded photo (24-bit BMP) when the source already has one (vendor SDKs, demo). */
  photoBmp: Buffer | null;
  fingerprints: Uint8Array | null;
  /** The source tried to decode the photo and failed (no personal data in it). */
  photoProblem?: string;
}

/**
 * A reader as the poll loop sees it. `poll` returns null when no (new) card is on the reader:
 * a card that was read answers "no card" until it is removed and presented again.
 */
export interface CardSource {
  readonly kind: 'serial' | 'hid' | 'usb' | 'vendor' | 'simulator';
  readonly description: string;
  open(): Promise<void>;
  poll(): Promise<RawRead | null>;
  /** Cheap liveness probe while idle (SAM status 11 FF); throws SamError on a SAM fault. */
  health(): Promise<void>;
  /** Try to bring a misbehaving reader back (SAM reset 10 FF). */
  reset(): Promise<void>;
  /** Fires once when the device goes away. */
  onClose(listener: (error?: Error) => void): () => void;
  close(): Promise<void>;
}

export interface CommandTimeouts {
  status: number;
  find: number;
  select: number;
  read: number;
  readFingerprints: number;
  reset: number;
}

export const DEFAULT_TIMEOUTS: CommandTimeouts = { status: 1000, find: 1000, select: 1000, read: 3000, readFingerprints: 5000, reset: 3000 };

export interface SamSourceOptions {
  timeouts?: Partial<CommandTimeouts>;
  drainMs?: number;
  /** Read fingerprints too (30 10); the kiosk does not need them, so off by default. */
  fingerprints?: boolean;
  /** Shown in status and logs; defaults to the transport's description. */
  kind?: CardSource['kind'];
}

/**
 * Open a SAM reader on a transport and check that its SAM answers; on failure the transport is
 * closed again, so a probe that finds no reader leaves no port open.
 */
export async function openSamSource(transport: Transport, options: SamSourceOptions = {}): Promise<SamCardSource> {
  const source = new SamCardSource(transport, options);
  try {
    await source.open();
  } catch (error) {
    await source.close().catch(() => undefined);
    throw error;
  }
  return source;
}

/** A SAM module behind a byte transport (serial, HID, USB bulk, the in-memory simulator). */
export class SamCardSource implements CardSource {
  readonly kind: CardSource['kind'];
  readonly description: string;
  private client: SamClient | null = null;
  private readonly timeouts: CommandTimeouts;

  constructor(
    private readonly transport: Transport,
    private readonly options: SamSourceOptions = {},
  ) {
    this.kind = options.kind ?? transport.kind;
    this.description = transport.description;
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  }

  async open(): Promise<void> {
    await this.transport.open();
    this.client = new SamClient(this.transport, { drainMs: this.options.drainMs });
    await this.health();
  }

  private get sam(): SamClient {
    if (!this.client) throw new Error('SamCardSource used before open()');
    return this.client;
  }

  async health(): Promise<void> {
    await this.sam.call(Commands.samStatus, this.timeouts.status);
  }

  async reset(): Promise<void> {
    await this.sam.call(Commands.resetSam, this.timeouts.reset);
  }

  async poll(): Promise<RawRead | null> {
    let found = await this.sam.send(Commands.findCard, this.timeouts.find);
    // SW3 10/11: the SAM got our FIND damaged; one resend, as call() does for other commands.
    if (classifySw3(found.sw3) === 'resend') found = await this.sam.send(Commands.findCard, this.timeouts.find);
    if (found.sw3 === 0x80) return null;
    if (found.sw3 !== 0x9f) throw new SamError(found.sw1, found.sw2, found.sw3, Commands.findCard.name);
    // From here a card is on the reader: failures mean "this read failed", not "the reader failed".
    try {
      await this.sam.call(Commands.selectCard, this.timeouts.select);
      const withFp = this.options.fingerprints ?? false;
      const read = await this.sam.call(
        withFp ? Commands.readBaseFingerprints : Commands.readBase,
        withFp ? this.timeouts.readFingerprints : this.timeouts.read,
      );
      const raw: RawCard = parseReadData(read.data, withFp);
      return { text: raw.text, wlt: raw.photo.length ? raw.photo : null, photoBmp: null, fingerprints: raw.fingerprints };
    } catch (error) {
      if (error instanceof TransportError) throw error;
      if (error instanceof SamError && error.statusClass === 'sam-fatal') throw error;
      throw new CardReadError(error as Error);
    }
  }

  onClose(listener: (error?: Error) => void): () => void {
    return this.transport.onClose(listener);
  }

  async close(): Promise<void> {
    this.client?.dispose();
    this.client = null;
    await this.transport.close();
  }
}

/** The vendor-SDK reader contract (native/vendor): text block, WLT and/or decoded BMP, null when no card. */
export interface VendorReaderLike {
  open(): Promise<void>;
  readCard(): Promise<{ text: Uint8Array; wlt?: Uint8Array; photoBmp: Buffer | null; photoError?: Error | null; fingerprints: Uint8Array | null } | null>;
  close(): Promise<void>;
  onClose?(listener: (error?: Error) => void): () => void;
}

/** A reader driven through a vendor SDK (or the demo reader, which behaves like one). */
export class VendorCardSource implements CardSource {
  readonly kind: CardSource['kind'];
  private readonly closeListeners = new Set<(error?: Error) => void>();

  constructor(
    private readonly reader: VendorReaderLike,
    readonly description: string,
    kind: 'vendor' | 'simulator' = 'vendor',
  ) {
    this.kind = kind;
    reader.onClose?.((error) => {
      for (const l of [...this.closeListeners]) l(error);
    });
  }

  open(): Promise<void> {
    return this.reader.open();
  }

  async poll(): Promise<RawRead | null> {
    const card = await this.reader.readCard();
    if (!card) return null;
    return {
      text: card.text,
      // Without a BMP from the SDK the service may still decode the WLT with its own decoder.
      wlt: card.photoBmp ? null : (card.wlt ?? null),
      photoBmp: card.photoBmp,
      fingerprints: card.fingerprints,
      ...(card.photoError ? { photoProblem: card.photoError.message } : {}),
    };
  }

  /** SDKs check the SAM inside every read; a failing SDK call surfaces from poll(). */
  async health(): Promise<void> {}

  async reset(): Promise<void> {
    await this.reader.close();
    await this.reader.open();
  }

  onClose(listener: (error?: Error) => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  close(): Promise<void> {
    return this.reader.close();
  }
}
