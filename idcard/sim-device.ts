import { commandName, encodeReply, parseCommandBody } from './commands';
import { FrameDecoder } from './frame';
import { pseudoRandomBytes } from './synthetic';

/** A card lying on the simulated reader. */
export interface SimCard {
  text: Uint8Array;
  photo: Uint8Array;
  fingerprints: Uint8Array | null;
  /** Additional-address block for 30 03; null answers 91 (none). */
  extraAddress?: Uint8Array | null;
}

export type SamHealth = 'ok' | 'self-test-failed' | 'unauthorised';

/** One-shot misbehaviour applied to the next matching command. */
export type SimFault =
  | { kind: 'silent' } // swallow the command: the host's timeout must fire
  | { kind: 'late'; delayMs: number } // answer, but only after delayMs
  | { kind: 'truncate'; bytes: number } // card pulled mid-reply: send the first N bytes, then the card is gone
  | { kind: 'corrupt-checksum' } // flip the checksum byte
  | { kind: 'status'; sw3: number; sw1?: number; sw2?: number } // answer with this status instead
  | { kind: 'garbage'; bytes: number } // junk before the preamble
  | { kind: 'unplug' }; // the device vanishes: the shell closes the link

export interface SimOutput {
  bytes: Uint8Array;
  delayMs: number;
  /** The shell should drop the connection after sending (hot-unplug). */
  unplug?: boolean;
}

export interface SamDeviceOptions {
  card?: SimCard | null;
  samHealth?: SamHealth;
  /** A reset (10 FF) clears a self-test failure, as on real modules after a power glitch. */
  resetRecovers?: boolean;
  /** Prefix every reply with 0..N random junk bytes (noise, HID padding). */
  garbageMax?: number;
  seed?: number;
}

const SAM_ID = Uint8Array.of(0x05, 0x00, 0x01, 0x00, 0x15, 0x8f, 0x32, 0x01, 0x4e, 0x61, 0xbc, 0x00, 0x39, 0x30, 0x00, 0x00);

/**
 * The SAM module in software. It parses host frames with the same FrameDecoder the driver uses
 * and answers per GA/T 467, including the rule that a card that was read stays "halted" (FIND
 * answers 80) until it is removed and presented again. Pure: it returns bytes and delays; a
 * shell (in-memory transport, pty) delivers them.
 */
export class SamDeviceSim {
  private readonly decoder = new FrameDecoder();
  private card: SimCard | null;
  private cardState: 'none' | 'present' | 'selected' | 'halted';
  private health: SamHealth;
  private readonly faults: { match: string; fault: SimFault }[] = [];
  private rng: number;
  /** Names of the commands received, in order (for tests and the sim CLI's log). */
  readonly log: string[] = [];

  constructor(private readonly options: SamDeviceOptions = {}) {
    this.card = options.card ?? null;
    this.cardState = this.card ? 'present' : 'none';
    this.health = options.samHealth ?? 'ok';
    this.rng = options.seed ?? 12345;
  }

  get cardPresent(): boolean {
    return this.cardState !== 'none';
  }

  /** Lay a card on the reader (or re-present the current one). */
  present(card: SimCard | null = this.card): void {
    if (!card) throw new Error('no card to present');
    this.card = card;
    this.cardState = 'present';
  }

  remove(): void {
    this.cardState = 'none';
  }

  setHealth(health: SamHealth): void {
    this.health = health;
  }

  /** Queue a fault for the next command named `match` (e.g. 'read-base'), or '*' for any. */
  injectFault(match: string, fault: SimFault, times = 1): void {
    for (let i = 0; i < times; i++) this.faults.push({ match, fault });
  }

  /** Feed host bytes; returns the replies to send, in order. */
  receive(chunk: Uint8Array): SimOutput[] {
    const out: SimOutput[] = [];
    for (const event of this.decoder.push(chunk)) {
      if (event.kind === 'frame') {
        const reply = this.handleFrame(event.body);
        if (reply) out.push(reply);
      } else if (event.kind === 'error') {
        this.log.push(`bad-frame:${event.error.code}`);
        out.push(this.finish(encodeReply(event.error.code === 'checksum' ? 0x10 : 0x11)));
      }
    }
    return out;
  }

  private handleFrame(body: Uint8Array): SimOutput | null {
    const command = parseCommandBody(body);
    if (!command) {
      this.log.push('bad-frame:length');
      return this.finish(encodeReply(0x11));
    }
    const name = commandName(command.cmd, command.para);
    this.log.push(name);
    const faultAt = this.faults.findIndex((f) => f.match === '*' || f.match === name);
    const fault = faultAt >= 0 ? this.faults.splice(faultAt, 1)[0]!.fault : undefined;
    if (fault?.kind === 'silent') return null;
    if (fault?.kind === 'unplug') return { bytes: new Uint8Array(0), delayMs: 0, unplug: true };
    if (fault?.kind === 'status') return this.finish(encodeReply(fault.sw3, undefined, fault.sw1 ?? 0, fault.sw2 ?? 0));
    let reply = this.answer(command.cmd, command.para);
    if (fault?.kind === 'truncate') {
      reply = reply.slice(0, Math.min(fault.bytes, reply.length - 1));
      this.cardState = 'none';
    }
    if (fault?.kind === 'corrupt-checksum') {
      reply = reply.slice();
      reply[reply.length - 1]! ^= 0xff;
    }
    const output = this.finish(reply, fault?.kind === 'garbage' ? fault.bytes : undefined);
    if (fault?.kind === 'late') output.delayMs = fault.delayMs;
    return output;
  }

  private finish(reply: Uint8Array, garbage?: number): SimOutput {
    const junkCount = garbage ?? (this.options.garbageMax ? this.nextRandom() % (this.options.garbageMax + 1) : 0);
    if (junkCount === 0) return { bytes: reply, delayMs: 0 };
    // Junk never contains 0xAA, so it cannot fake a preamble start.
    const junk = pseudoRandomBytes(junkCount, this.nextRandom()).map((b) => (b === 0xaa ? 0x55 : b));
    const bytes = new Uint8Array(junkCount + reply.length);
    bytes.set(junk, 0);
    bytes.set(reply, junkCount);
    return { bytes, delayMs: 0 };
  }

  private nextRandom(): number {
    let x = this.rng;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.rng = x >>> 0;
    return this.rng;
  }

  private answer(cmd: number, para: number): Uint8Array {
    if (cmd === 0x10 && para === 0xff) {
      if (this.options.resetRecovers && this.health === 'self-test-failed') this.health = 'ok';
      return encodeReply(this.health === 'ok' ? 0x90 : this.health === 'unauthorised' ? 0x66 : 0x60);
    }
    if (this.health === 'self-test-failed') return encodeReply(0x60);
    if (this.health === 'unauthorised') return encodeReply(0x66);
    const card = this.card;
    switch ((cmd << 8) | para) {
      case 0x11ff:
        return encodeReply(0x90);
      case 0x12ff:
        return encodeReply(0x90, SAM_ID);
      case 0x2001:
        if (this.cardState === 'present' || this.cardState === 'selected') return encodeReply(0x9f, new Uint8Array(4));
        return encodeReply(0x80);
      case 0x2002:
        if (this.cardState === 'present' || this.cardState === 'selected') {
          this.cardState = 'selected';
          return encodeReply(0x90, Uint8Array.of(0, 0, 0, 0, 0x12, 0x34, 0x56, 0x78));
        }
        return encodeReply(0x81);
      case 0x3001:
      case 0x3010: {
        if (this.cardState !== 'selected' || !card) return encodeReply(0x41);
        this.cardState = 'halted';
        const fp = para === 0x10 ? (card.fingerprints ?? new Uint8Array(0)) : null;
        const head = fp ? 6 : 4;
        const data = new Uint8Array(head + card.text.length + card.photo.length + (fp?.length ?? 0));
        data[0] = card.text.length >> 8;
        data[1] = card.text.length & 0xff;
        data[2] = card.photo.length >> 8;
        data[3] = card.photo.length & 0xff;
        if (fp) {
          data[4] = fp.length >> 8;
          data[5] = fp.length & 0xff;
        }
        data.set(card.text, head);
        data.set(card.photo, head + card.text.length);
        if (fp) data.set(fp, head + card.text.length + card.photo.length);
        return encodeReply(0x90, data);
      }
      case 0x3003:
        if (!card || this.cardState === 'none') return encodeReply(0x41);
        return card.extraAddress ? encodeReply(0x90, card.extraAddress) : encodeReply(0x91);
      case 0x61ff:
        return encodeReply(0x90);
      default:
        if (cmd === 0x60 && para <= 4) return encodeReply(0x90);
        return encodeReply(0x21);
    }
  }
}
