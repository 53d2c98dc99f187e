import { z } from 'zod';
import type { EventChannel, EventPayload, InvokeChannel, InvokeRequest, InvokeResponse } from './channels';

/**
 * Calls answer with an envelope rather than a thrown error, because Electron IPC and
 * WebSocket both flatten exceptions; the code survives either transport intact.
 */
export const ContractErrorCode = z.enum([
  'validation', // payload did not match the channel's schema
  'unknown-channel', // no such channel
  'unavailable', // the service behind the channel cannot serve now (e.g. no simulated reader)
  'busy', // a verification is already running
  'not-found', // e.g. the card the request names is gone
  'internal', // a bug or unexpected failure in main; details are in main's log
]);
export type ContractErrorCode = z.infer<typeof ContractErrorCode>;

export const ContractErrorShape = z.strictObject({
  code: ContractErrorCode,
  message: z.string(),
  /** For validation errors: where the payload was wrong. */
  issues: z.array(z.strictObject({ path: z.string(), message: z.string() })).optional(),
});
export type ContractErrorShape = z.infer<typeof ContractErrorShape>;

export type Envelope<T> = { ok: true; value: T } | { ok: false; error: ContractErrorShape };

export class ContractError extends Error {
  readonly code: ContractErrorCode;
  readonly issues: ContractErrorShape['issues'];
  constructor(shape: ContractErrorShape) {
    super(shape.message);
    this.name = 'ContractError';
    this.code = shape.code;
    this.issues = shape.issues;
  }
  toShape(): ContractErrorShape {
    return { code: this.code, message: this.message, ...(this.issues ? { issues: this.issues } : {}) };
  }
}

/** The API the renderer programs against; IPC and WebSocket clients both implement it. */
export interface ContractClient {
  invoke<C extends InvokeChannel>(channel: C, request: InvokeRequest<C>): Promise<InvokeResponse<C>>;
  on<E extends EventChannel>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}
