import type { CardPublic, CardType, ReaderStatus } from '../../../contract';

export interface ChipPhoto {
  /** Decoded chip photo as produced by the WLT decoder or vendor SDK (usually a 24-bit BMP). */
  mime: 'image/bmp' | 'image/jpeg' | 'image/png';
  bytes: Buffer;
}

/** A card read in this session, held in memory only until the verification ends or the card goes. */
export interface HeldCard {
  cardId: string;
  public: CardPublic;
  identity: { type: CardType; name: string; idNumber: string };
  photo: ChipPhoto | null;
  readAt: number;
}

/**
 * What the kiosk needs from the reader domain. Implementations emit `reader.status`,
 * `reader.card`, `reader.cardRemoved` and `reader.error` on the EventBus they are given.
 */
export interface ReaderService {
  start(): Promise<void>;
  stop(): Promise<void>;
  status(): ReaderStatus;
  /** Present or remove the simulated card; throws ContractError('unavailable') when no simulator is active. */
  simulate(action: 'present' | 'remove'): Promise<void>;
  heldCard(cardId: string): HeldCard | undefined;
  /** Drop every held card (session reset, verification finished). */
  forget(): void;
}
