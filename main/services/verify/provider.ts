import type { VerifyReason } from '../../../contract';
import type { ChipPhoto, HeldCard } from '../reader/types';

export interface VerifyInput {
  /** Chip photo (IDPic). */
  reference: ChipPhoto;
  /** Live capture from the renderer (FacePic), JPEG. */
  live: Buffer;
  identity: HeldCard['identity'];
  onStage?: (stage: 'preparing' | 'comparing' | 'submitting' | 'polling') => void;
  signal?: AbortSignal;
  /**
   * The person agreed on the consent screen that the service may keep the chip photo as a
   * reference for remote verification; absent means no (nothing is kept).
   */
  enrollConsent?: { at: string; wording: string; kiosk: string };
}

export type VerifyOutcome =
  /** A score and the threshold at the configured FAR: the verify service applies the pass rule, not the provider. */
  | { kind: 'compared'; score: number; threshold: number; far: number }
  /** The service decided under its own policy (cloudauth RPMin): score only when it disclosed one. */
  | { kind: 'decided'; pass: boolean; score: number | null }
  /** reason is the kiosk's own spelling; providerCode the provider's raw code (Error.NoFaceDetected, …); message for the operator. */
  | { kind: 'error'; reason: VerifyReason; providerCode: string | null; message: string };

/** A way to decide whether the live face belongs to the card: the local engine or cloudauth. */
export interface VerifyProvider {
  readonly name: 'local' | 'cloudauth';
  /** loading: not ready yet but will be (models still loading); verify() then waits instead of failing. */
  status(): { ready: boolean; detail: string; loading?: boolean };
  verify(input: VerifyInput): Promise<VerifyOutcome>;
  close?(): Promise<void>;
}

/** The kiosk's reason for a face-engine or cloudauth error code. */
export function reasonForCode(code: string): VerifyReason {
  if (code === 'Error.NoFaceDetected') return 'no-face';
  if (/^InvalidParam\.|^Error\.(Image|InvalidImage)|^InvalidImage|^Image/.test(code)) return 'image-invalid';
  if (code === 'Error.ModelMissing' || code === 'Error.EngineClosed') return 'provider-unavailable';
  // The service could not be reached: not its verdict, and staff (or the local fallback) can act on it.
  if (['NetworkError', 'Timeout', 'ServiceUnavailable', 'InternalError.ServiceUnavailable'].includes(code)) return 'provider-unavailable';
  if (code === 'Aborted' || code === 'aborted') return 'cancelled';
  return 'provider-failed';
}
