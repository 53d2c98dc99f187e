import type { ChipPhoto, HeldCard } from '../reader/types';

export interface VerifyInput {
  /** Chip photo (IDPic). */
  reference: ChipPhoto;
  /** Live capture from the renderer (FacePic), JPEG. */
  live: Buffer;
  identity: HeldCard['identity'];
  onStage?: (stage: 'preparing' | 'comparing' | 'submitting' | 'polling') => void;
  signal?: AbortSignal;
}

export type VerifyOutcome =
  /** score/threshold are null when the service decided without disclosing them (cloudauth RPMin review). */
  | { kind: 'compared'; score: number | null; threshold: number | null; far: number | null; pass: boolean }
  /** reason is a spec error code (Error.NoFaceDetected, …) or a provider code; message is for the operator. */
  | { kind: 'error'; reason: string; message: string };

/** A way to decide whether the live face belongs to the card: the local engine or cloudauth. */
export interface VerifyProvider {
  readonly name: 'local' | 'cloudauth';
  status(): { ready: boolean; detail: string };
  verify(input: VerifyInput): Promise<VerifyOutcome>;
  close?(): Promise<void>;
}
