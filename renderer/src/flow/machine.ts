import type { CardPublic, ReaderError, VerifyReason, VerifyResult } from '../../../contract';

/**
 * The kiosk flow as an explicit state machine; screens render a state, effects feed events.
 *
 * attract → cardRead → consent → capture → verifying → result (→ capture again while attempts
 * remain) → attract. A card without a decodable photo goes cardRead → manualCheck. Every state
 * but attract has a timeout (timeoutFor), and removing the card returns to attract from anywhere.
 */
export type FlowState =
  | { name: 'attract' }
  | { name: 'cardRead'; card: CardPublic }
  /** Demo mode: taking the photo for a "use my face" demo card. */
  | { name: 'demoPhoto' }
  | { name: 'manualCheck'; card: CardPublic }
  | { name: 'consent'; card: CardPublic }
  | { name: 'capture'; card: CardPublic; attempt: number }
  | {
    name: 'verifying'; card: CardPublic; attempt: number;
    /** null between sending the frame and main's reply: the id is not known yet. */
    verificationId: string | null;
    stage: string;
    /** The frame that was sent, shown next to the chip photo on the result screen. */
    face: string | null;
    /** Results that arrived before the submit reply told us our id (main can be that fast). */
    early: VerifyResult[];
  }
  | { name: 'result'; card: CardPublic; attempt: number; result: VerifyResult; face: string | null; canRetry: boolean }
  | { name: 'error'; error: FlowError; card: CardPublic | null; attempt: number };

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
  /** The capture screen is sending its frame; the reply with the id has not come yet. */
  | { type: 'CAPTURE_SENT'; face: string | null }
  | { type: 'CAPTURE_SUBMITTED'; verificationId: string }
  | { type: 'CAPTURE_FAILED'; error: FlowError }
  | { type: 'VERIFY_PROGRESS'; verificationId: string; stage: string }
  | { type: 'VERIFY_RESULT'; result: VerifyResult }
  | { type: 'RETRY' }
  | { type: 'DEMO_PHOTO' }
  | { type: 'TIMEOUT' }
  | { type: 'RESET' };

export interface FlowOptions {
  /** Captures a person may make for one card (1 = no retry). */
  maxAttempts: number;
}

export const initialState: FlowState = { name: 'attract' };

/** Keep at most this many unclaimed early results; one verification runs at a time, so 1 would do. */
const MAX_EARLY = 4;

/**
 * Reader errors worth interrupting the person for. Reader health (unavailable, unresponsive,
 * detached) shows on the attract screen through reader.status, and an undecodable photo on the
 * card screen, so those do not take over the screen.
 */
const USER_FACING_READER_ERRORS = new Set(['card-unsupported', 'card-read-failed', 'card-invalid', 'sam-fault']);
function isUserFacingReaderError(error: ReaderError): boolean {
  return USER_FACING_READER_ERRORS.has(error.code);
}

/** Failures another try can fix: the person, not the kiosk. Kiosk errors send them to staff. */
const RETRYABLE_REASONS = new Set<VerifyReason>(['face-mismatch', 'liveness-failed', 'no-face', 'capture-again', 'image-invalid']);
/** Whether the error screen offers another capture (the machine honours RETRY only then). */
export function errorCanRetry(state: Extract<FlowState, { name: 'error' }>, options: FlowOptions): boolean {
  return state.card !== null && RETRYABLE_CAPTURE_ERRORS.has(state.error.code) && state.attempt < options.maxAttempts;
}

export function isRetryable(result: VerifyResult): boolean {
  return result.verdict === 'fail' || (result.verdict === 'error' && result.reason !== null && RETRYABLE_REASONS.has(result.reason));
}
/** Capture errors a person can fix by trying again (not a broken camera). */
const RETRYABLE_CAPTURE_ERRORS = new Set(['capture-timeout', 'face-detection-failed', 'submit-failed', 'verify-timeout']);

function cardOf(state: FlowState): CardPublic | null {
  return 'card' in state ? state.card : null;
}

function toResult(state: Extract<FlowState, { name: 'verifying' }>, result: VerifyResult, options: FlowOptions): FlowState {
  return {
    name: 'result', card: state.card, attempt: state.attempt, result, face: state.face,
    canRetry: isRetryable(result) && state.attempt < options.maxAttempts,
  };
}

export function transition(state: FlowState, event: FlowEvent, options: FlowOptions = { maxAttempts: 3 }): FlowState {
  switch (event.type) {
    case 'RESET':
      return initialState;
    case 'READER_ERROR':
      // A card fault mid-flow matters only before capture starts; afterwards the card is already held.
      if ((state.name === 'attract' || state.name === 'cardRead') && isUserFacingReaderError(event.error)) {
        const detail = event.error.sw3 === null ? undefined : `SW3=${event.error.sw3.toString(16).padStart(2, '0')}`;
        return { name: 'error', card: null, attempt: 0, error: { code: event.error.code, message: event.error.message, ...(detail ? { detail } : {}) } };
      }
      return state;
    case 'CARD_REMOVED':
      // The person took their card: whatever was on screen about it goes (main forgets it on attract).
      return cardOf(state)?.cardId === event.cardId ? initialState : state;
    case 'CARD_READ':
      // A new card starts over, except while a verification is running for the card on the reader.
      if (state.name === 'verifying' || state.name === 'capture') return state;
      return { name: 'cardRead', card: event.card };
    default:
      break;
  }

  switch (state.name) {
    case 'attract':
      return event.type === 'DEMO_PHOTO' ? { name: 'demoPhoto' } : state;
    case 'demoPhoto':
      // The card that follows (CARD_READ, above) moves on; a failure or timeout ends the demo.
      if (event.type === 'CAPTURE_FAILED') return { name: 'error', card: null, attempt: 0, error: event.error };
      return event.type === 'TIMEOUT' || event.type === 'CONTINUE' ? initialState : state;
    case 'error':
      if (event.type === 'RETRY' && state.card && errorCanRetry(state, options)) return { name: 'capture', card: state.card, attempt: state.attempt + 1 };
      return event.type === 'TIMEOUT' || event.type === 'CONTINUE' ? initialState : state;
    case 'cardRead':
      // The card screen dwells so the person sees their card was read, then moves on by itself.
      if (event.type === 'CONTINUE' || event.type === 'TIMEOUT') {
        return state.card.photo ? { name: 'consent', card: state.card } : { name: 'manualCheck', card: state.card };
      }
      return state;
    case 'manualCheck':
      return event.type === 'TIMEOUT' || event.type === 'CONTINUE' ? initialState : state;
    case 'consent':
      if (event.type === 'CONSENT_ACCEPTED') return { name: 'capture', card: state.card, attempt: 1 };
      if (event.type === 'CONSENT_DECLINED' || event.type === 'TIMEOUT') return initialState;
      return state;
    case 'capture':
      if (event.type === 'CAPTURE_SENT') {
        return { name: 'verifying', card: state.card, attempt: state.attempt, verificationId: null, stage: 'queued', face: event.face, early: [] };
      }
      if (event.type === 'CAPTURE_SUBMITTED') {
        // A screen that did not announce the send: same as sent-then-submitted.
        return { name: 'verifying', card: state.card, attempt: state.attempt, verificationId: event.verificationId, stage: 'queued', face: null, early: [] };
      }
      if (event.type === 'CAPTURE_FAILED') return { name: 'error', card: state.card, attempt: state.attempt, error: event.error };
      if (event.type === 'TIMEOUT') return { name: 'error', card: state.card, attempt: state.attempt, error: { code: 'capture-timeout', message: 'The capture screen ran past its time limit.' } };
      return state;
    case 'verifying':
      switch (event.type) {
        case 'CAPTURE_SUBMITTED': {
          // Main may have answered before its reply to submit reached us: claim the kept result.
          const early = state.early.find((r) => r.verificationId === event.verificationId);
          const next = { ...state, verificationId: event.verificationId, early: [] };
          return early ? toResult(next, early, options) : next;
        }
        case 'VERIFY_PROGRESS':
          return event.verificationId === state.verificationId ? { ...state, stage: event.stage } : state;
        case 'VERIFY_RESULT':
          if (state.verificationId === null) return { ...state, early: [...state.early, event.result].slice(-MAX_EARLY) };
          return event.result.verificationId === state.verificationId ? toResult(state, event.result, options) : state;
        case 'CAPTURE_FAILED':
          return { name: 'error', card: state.card, attempt: state.attempt, error: event.error };
        case 'TIMEOUT':
          return {
            name: 'error', card: state.card, attempt: state.attempt,
            error: { code: 'verify-timeout', message: 'No verdict arrived in time from the verification service.' },
          };
        default:
          return state;
      }
    case 'result':
      if (event.type === 'RETRY' && state.canRetry) return { name: 'capture', card: state.card, attempt: state.attempt + 1 };
      if (event.type === 'TIMEOUT' || event.type === 'CONTINUE') return initialState;
      return state;
  }
}

export interface FlowTimeouts {
  cardReadMs: number;
  consentTimeoutMs: number;
  resultDisplayMs: number;
  captureTimeoutMs: number;
  verifyTimeoutMs: number;
}

/** How long each state may last before TIMEOUT (ms); null = no timer (attract waits for a card). */
export function timeoutFor(state: FlowState, settings: FlowTimeouts): number | null {
  switch (state.name) {
    case 'attract':
      return null;
    case 'cardRead':
      return settings.cardReadMs;
    case 'consent':
      return settings.consentTimeoutMs;
    case 'demoPhoto':
    case 'capture':
      // The capture view enforces its own limits and says which prompt timed out; this is the outer bound.
      return settings.captureTimeoutMs + 5000;
    case 'verifying':
      return settings.verifyTimeoutMs;
    case 'manualCheck':
    case 'result':
    case 'error':
      // A retry offer waits as long as a result is shown; nobody at the counter means back to attract.
      return state.name === 'result' && state.canRetry ? settings.resultDisplayMs * 2 : settings.resultDisplayMs;
  }
}
