import type { CardPublic, ReaderError, VerifyResult } from '../../../contract';

/** The kiosk flow as an explicit state machine; screens render a state, effects feed events. */
export type FlowState =
  | { name: 'attract' }
  | { name: 'cardRead'; card: CardPublic }
  | { name: 'consent'; card: CardPublic }
  | { name: 'capture'; card: CardPublic }
  | { name: 'verifying'; card: CardPublic; verificationId: string | null; stage: string }
  | { name: 'result'; card: CardPublic; result: VerifyResult }
  | { name: 'error'; error: FlowError };

export interface FlowError {
  code: string;
  message: string;
  /** SW3 or other detail useful to the operator; never personal data. */
  detail?: string;
}

export type FlowEvent =
  | { type: 'CARD_READ'; card: CardPublic }
  | { type: 'CARD_REMOVED'; cardId: string }
  | { type: 'READER_ERROR'; error: ReaderError }
  | { type: 'CONTINUE' }
  | { type: 'CONSENT_ACCEPTED' }
  | { type: 'CONSENT_DECLINED' }
  | { type: 'CAPTURE_SUBMITTED'; verificationId: string }
  | { type: 'CAPTURE_FAILED'; error: FlowError }
  | { type: 'VERIFY_PROGRESS'; verificationId: string; stage: string }
  | { type: 'VERIFY_RESULT'; result: VerifyResult }
  | { type: 'TIMEOUT' }
  | { type: 'RESET' };

export const initialState: FlowState = { name: 'attract' };

/**
 * Reader errors worth interrupting the person for. Reader health (unavailable, unresponsive,
 * detached) shows on the attract screen through reader.status, and an undecodable photo on the
 * card screen, so those do not take over the screen.
 */
const USER_FACING_READER_ERRORS = new Set(['card-unsupported', 'card-read-failed', 'card-invalid', 'sam-fault']);
function isUserFacingReaderError(error: ReaderError): boolean {
  return USER_FACING_READER_ERRORS.has(error.code);
}

export function transition(state: FlowState, event: FlowEvent): FlowState {
  switch (event.type) {
    case 'RESET':
      return initialState;
    case 'READER_ERROR':
      // A card fault mid-flow matters only before capture starts; afterwards the card is already held.
      if ((state.name === 'attract' || state.name === 'cardRead') && isUserFacingReaderError(event.error)) {
        return { name: 'error', error: { code: event.error.code, message: event.error.message, detail: event.error.sw3 === null ? undefined : `SW3=${event.error.sw3.toString(16).padStart(2, '0')}` } };
      }
      return state;
    default:
      break;
  }

  switch (state.name) {
    case 'attract':
      return event.type === 'CARD_READ' ? { name: 'cardRead', card: event.card } : state;
    case 'error':
      if (event.type === 'CARD_READ') return { name: 'cardRead', card: event.card };
      return event.type === 'TIMEOUT' || event.type === 'CONTINUE' ? initialState : state;
    case 'cardRead':
      if (event.type === 'CONTINUE') return { name: 'consent', card: state.card };
      if (event.type === 'CARD_REMOVED' && event.cardId === state.card.cardId) return initialState;
      if (event.type === 'CARD_READ') return { name: 'cardRead', card: event.card };
      return state;
    case 'consent':
      if (event.type === 'CONSENT_ACCEPTED') return { name: 'capture', card: state.card };
      if (event.type === 'CONSENT_DECLINED' || event.type === 'TIMEOUT') return initialState;
      if (event.type === 'CARD_READ') return { name: 'cardRead', card: event.card };
      return state;
    case 'capture':
      if (event.type === 'CAPTURE_SUBMITTED') return { name: 'verifying', card: state.card, verificationId: event.verificationId, stage: 'queued' };
      if (event.type === 'CAPTURE_FAILED') return { name: 'error', error: event.error };
      if (event.type === 'TIMEOUT') return initialState;
      return state;
    case 'verifying':
      if (event.type === 'VERIFY_PROGRESS' && event.verificationId === state.verificationId) return { ...state, stage: event.stage };
      if (event.type === 'VERIFY_RESULT' && event.result.verificationId === state.verificationId) {
        return { name: 'result', card: state.card, result: event.result };
      }
      return state;
    case 'result':
      if (event.type === 'TIMEOUT' || event.type === 'CONTINUE') return initialState;
      if (event.type === 'CARD_READ') return { name: 'cardRead', card: event.card };
      return state;
  }
}

/** How long each state may last before TIMEOUT resets it (ms); null = no timer. */
export function timeoutFor(state: FlowState, settings: { consentTimeoutMs: number; resultDisplayMs: number; captureTimeoutMs: number }): number | null {
  switch (state.name) {
    case 'consent':
      return settings.consentTimeoutMs;
    case 'capture':
      // The capture view enforces its own per-challenge limits; this is the outer bound.
      return settings.captureTimeoutMs + 5000;
    case 'result':
      return settings.resultDisplayMs;
    case 'error':
      return settings.resultDisplayMs;
    default:
      return null;
  }
}
