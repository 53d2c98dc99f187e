import type { ActiveChallenge, CaptureSettings, VerifyChallenge } from '../../../contract';
import { pickChallenge } from '../../../capture/challenges';

/** Time allowed after the capture's own limit for the page to encode and submit the frame. */
export const SUBMIT_GRACE_MS = 5_000;
/** Used challenge ids remembered to tell a replay from a guess; older ones fall out. */
const REMEMBERED_USED = 256;
/**
 * Challenges drawn for one card read. The capture screen draws one per attempt; a page drawing
 * again and again is shopping for the challenge it has a recording of. Placing the card again
 * (a new read, a new card id) starts a new count.
 */
export const MAX_DRAWS_PER_CARD = 5;
const REMEMBERED_CARDS = 64;

export interface IssuedChallenge {
  challengeId: string;
  cardId: string;
  challenge: ActiveChallenge | null;
  issuedAt: number;
  expiresAt: number;
}

export type Redeemed =
  | { ok: true; issued: IssuedChallenge }
  | { ok: false; why: string };

export interface ChallengeBookDeps {
  now: () => number;
  /** Uniform in [0, 1), from a crypto source in production: the person must not predict the draw. */
  random: () => number;
  newId: () => string;
}

/**
 * Main's half of the active liveness check: it draws the challenge (the page only performs it),
 * binds it to one card and a deadline, and accepts each answer once. One open challenge per
 * card: drawing again voids the previous one, so a page cannot collect draws until it likes one.
 */
export class ChallengeBook {
  private readonly open = new Map<string, IssuedChallenge>();
  private readonly used: string[] = [];
  private readonly draws = new Map<string, number>();

  constructor(private readonly deps: ChallengeBookDeps) {}

  /** Returns null when this card read has used up its draws. */
  issue(cardId: string, settings: Pick<CaptureSettings, 'activeChallenges' | 'captureTimeoutMs'>): VerifyChallenge | null {
    const drawn = this.draws.get(cardId) ?? 0;
    if (drawn >= MAX_DRAWS_PER_CARD) return null;
    this.draws.delete(cardId);
    this.draws.set(cardId, drawn + 1);
    if (this.draws.size > REMEMBERED_CARDS) this.draws.delete(this.draws.keys().next().value!);
    for (const [id, issued] of this.open) if (issued.cardId === cardId || issued.expiresAt < this.deps.now()) this.open.delete(id);
    const challenge = pickChallenge(settings.activeChallenges, this.deps.random);
    const issuedAt = this.deps.now();
    // The capture screen gives up after captureTimeoutMs; an answer later than that plus the
    // submit grace was not produced by this capture.
    const expiresInMs = settings.captureTimeoutMs + SUBMIT_GRACE_MS;
    const issued: IssuedChallenge = { challengeId: this.deps.newId(), cardId, challenge, issuedAt, expiresAt: issuedAt + expiresInMs };
    this.open.set(issued.challengeId, issued);
    return { challengeId: issued.challengeId, challenge, expiresInMs };
  }

  /** Takes the challenge out of the book whatever the outcome: an id is answered at most once. */
  redeem(challengeId: string, cardId: string): Redeemed {
    const issued = this.open.get(challengeId);
    if (!issued) {
      return { ok: false, why: this.used.includes(challengeId) ? 'the challenge was already answered (replay)' : 'the challenge was not issued by this kiosk' };
    }
    this.open.delete(challengeId);
    this.used.push(challengeId);
    if (this.used.length > REMEMBERED_USED) this.used.shift();
    if (issued.cardId !== cardId) return { ok: false, why: 'the challenge was issued for another card' };
    const late = this.deps.now() - issued.expiresAt;
    if (late > 0) return { ok: false, why: `the challenge was answered ${late} ms after its deadline` };
    return { ok: true, issued };
  }

  /** Session reset: nothing open survives the person walking away (the draw counts do: a reset is not a new card). */
  clear(): void {
    this.open.clear();
  }
}
