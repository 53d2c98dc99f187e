import { IdCardError } from './errors';
import { hex } from './frame';

/**
 * What the driver should do about a SW3 value (GA/T 467 status byte):
 * - ok / ok-empty: carry on (91 = the item is absent, e.g. no additional address)
 * - no-card: normal idle answer to FIND
 * - resend: the SAM got a damaged frame from us (10 checksum, 11 length): resync and resend
 * - host-bug: we sent a wrong or forbidden command (21, 23): a driver bug, do not retry blindly
 * - unknown: 24 or an unlisted code: retry, then reset the SAM
 * - card-retry: card/auth/read failure (31 32 33 41 47 81): start again from FIND
 * - not-id-card: 40, a card that is not a resident/permit card
 * - sam-fatal: 60 self-test failed, 66 not authorised: alert the operator
 */
export type StatusClass = 'ok' | 'ok-empty' | 'no-card' | 'resend' | 'host-bug' | 'unknown' | 'card-retry' | 'not-id-card' | 'sam-fatal';

const table: ReadonlyMap<number, { cls: StatusClass; meaning: string }> = new Map([
  [0x90, { cls: 'ok', meaning: 'success' }],
  [0x9f, { cls: 'ok', meaning: 'card found' }],
  [0x91, { cls: 'ok-empty', meaning: 'the card has no content for this item' }],
  [0x80, { cls: 'no-card', meaning: 'no card found' }],
  [0x10, { cls: 'resend', meaning: 'the SAM received a frame with a bad checksum' }],
  [0x11, { cls: 'resend', meaning: 'the SAM received a frame with a bad length' }],
  [0x21, { cls: 'host-bug', meaning: 'the SAM rejected the command or parameter' }],
  [0x23, { cls: 'host-bug', meaning: 'the SAM refused an operation it is not permitted to do' }],
  [0x24, { cls: 'unknown', meaning: 'the SAM reported an unrecognised error' }],
  [0x31, { cls: 'card-retry', meaning: 'the card failed to authenticate the SAM' }],
  [0x32, { cls: 'card-retry', meaning: 'the SAM failed to authenticate the card' }],
  [0x33, { cls: 'card-retry', meaning: 'the card data failed verification' }],
  [0x40, { cls: 'not-id-card', meaning: 'the card is not an ID card or residence permit' }],
  [0x41, { cls: 'card-retry', meaning: 'reading the card failed (was it moved?)' }],
  [0x47, { cls: 'card-retry', meaning: 'the card did not return a random number' }],
  [0x60, { cls: 'sam-fatal', meaning: 'the SAM self-test failed' }],
  [0x66, { cls: 'sam-fatal', meaning: 'the SAM is not authorised' }],
  [0x81, { cls: 'card-retry', meaning: 'selecting the card failed' }],
]);

export function classifySw3(sw3: number): StatusClass {
  return table.get(sw3)?.cls ?? 'unknown';
}

export function describeSw3(sw3: number): string {
  return table.get(sw3)?.meaning ?? `unlisted SAM status 0x${hex(sw3)}`;
}

export function isSuccessClass(cls: StatusClass): boolean {
  return cls === 'ok' || cls === 'ok-empty';
}

/** The SAM answered, but not with success. Carries the raw status bytes and their class. */
export class SamError extends IdCardError {
  readonly statusClass: StatusClass;
  constructor(
    readonly sw1: number,
    readonly sw2: number,
    readonly sw3: number,
    readonly command?: string,
  ) {
    super('status', `${command ? `${command}: ` : ''}SAM status ${hex(sw1)} ${hex(sw2)} ${hex(sw3)}: ${describeSw3(sw3)}`);
    this.name = 'SamError';
    this.statusClass = classifySw3(sw3);
  }
}
