/**
 * Every fault the ID-card domain can report. `code` names the fault so shells can map it to exit
 * codes, events and operator messages without parsing text; messages never contain card data.
 */
export type IdCardErrorCode =
  | 'preamble' // bytes do not start with AA AA AA 96 69
  | 'checksum' // XOR check byte does not match
  | 'length' // LEN field impossible, or bytes after the frame
  | 'truncated' // fewer bytes than the frame or payload declares
  | 'status' // the SAM answered with a non-success SW3 (see SamError)
  | 'reply' // a success reply whose payload has the wrong shape
  | 'text' // the 256-byte text block is malformed or inconsistent
  | 'timeout'; // no (complete) reply within the command's deadline

export class IdCardError extends Error {
  constructor(
    readonly code: IdCardErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'IdCardError';
  }
}

/** The card text failed validation; `field` says which one (never its value). */
export class CardTextError extends IdCardError {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super('text', message);
    this.name = 'CardTextError';
  }
}

export function isIdCardError(error: unknown): error is IdCardError {
  return error instanceof IdCardError;
}
