import { z } from 'zod';
import type { Binding } from '../../cloudauth';
import { LivenessRecord, type ActiveChallenge, type CaptureSettings } from '../../contract';
import { pickChallenge } from '../../capture/challenges';
import { minLiveSide } from '../../capture/crop';
import { judgeLiveness } from '../../capture/liveness-policy';
import { FaceError } from '../../face/errors';
import { maskIdNumber } from '../../idcard/id-number';
import { checkLiveFrame } from '../../imaging/live-frame';
import type { StoredMaterials } from '../actions/tickets';
import { ticketDecided } from '../callbacks/notify';
import { bindingAad, materialsAad, objectAad, type ServiceContext } from '../context';
import { hashToken } from '../crypto';
import { recordFailure } from '../face-verify/failures';
import { ImageFetchError } from '../images/fetch-image';
import { resolveImage } from '../images/resolve-image';
import { referenceStoreOf } from '../references/enroll';
import type { TokenRecord } from '../repository/types';

/**
 * The H5 page's half on the service: the VerifyToken opens a session, the service draws the
 * challenge (the page only performs it) and accepts one answer to it, re-checks the evidence and
 * the frame itself as the kiosk's main process does, decides against the reference, and moves
 * the ticket to 1 or 2. A token is spent once a capture was decided.
 */

/** Draws per token: a page drawing again and again is shopping for the challenge it has a recording of. */
export const MAX_DRAWS = 5;
/** Time after the capture limit for the page to encode and upload the frame. */
const SUBMIT_GRACE_MS = 10_000;
const CHALLENGE_KIND = 'h5-challenge';
const DRAWS_KIND = 'h5-draws';
const SPENT_KIND = 'h5-spent';

const Issued = z.strictObject({ tokenHash: z.string(), challenge: z.string().nullable(), issuedAt: z.number(), expiresAt: z.number() });

export const H5Start = z.strictObject({ token: z.string().min(1).max(128) });
export const H5Submit = z.strictObject({
  token: z.string().min(1).max(128),
  challengeId: z.string().min(1).max(64),
  /** JPEG of the best frame, base64 (no data: prefix), at most 2 MB decoded. */
  image: z.string().min(1).max(2_800_000),
  liveness: LivenessRecord,
});

export type H5Problem = 'invalid' | 'expired' | 'spent';

export type H5Verdict =
  | { verdict: 'pass' | 'fail' | 'review'; reason: 'face-mismatch' | 'liveness-failed' | 'no-face' | 'no-reference' | null; score: number | null };

export interface H5Settings {
  capture: CaptureSettings;
}

/** The token, if it may still be used; otherwise why not (the page shows a sentence for each). */
export async function openToken(ctx: ServiceContext, token: string): Promise<{ ok: true; token: TokenRecord; tokenHash: string } | { ok: false; problem: H5Problem }> {
  const tokenHash = hashToken(ctx.tokenKey, token);
  const record = await ctx.repo.getTokenByHash(tokenHash);
  if (!record) return { ok: false, problem: 'invalid' };
  if (await ctx.repo.getRecord(SPENT_KIND, tokenHash)) return { ok: false, problem: 'spent' };
  if (record.expiresAt.getTime() <= ctx.now().getTime()) return { ok: false, problem: 'expired' };
  return { ok: true, token: record, tokenHash };
}

function bindingOf(ctx: ServiceContext, token: TokenRecord, tokenHash: string): Binding {
  return token.sealedBinding ? (JSON.parse(ctx.biometrics.open(token.sealedBinding, bindingAad(tokenHash)).toString('utf8')) as Binding) : {};
}

/** Draws the challenge for this token's capture; null when the draws are used up. */
export async function issueChallenge(ctx: ServiceContext, tokenHash: string, expiresAt: Date, settings: H5Settings, random: () => number): Promise<{ challengeId: string; challenge: ActiveChallenge | null; expiresInMs: number } | null> {
  const now = ctx.now().getTime();
  const draws = await ctx.repo.getRecord(DRAWS_KIND, tokenHash);
  const count = draws ? Number(draws.sealed.toString('utf8')) : 0;
  if (count >= MAX_DRAWS) return null;
  await ctx.repo.putRecord({ kind: DRAWS_KIND, id: tokenHash, sealed: Buffer.from(String(count + 1)), createdAt: new Date(now), expiresAt });
  const challenge = pickChallenge(settings.capture.activeChallenges, random);
  const expiresInMs = settings.capture.captureTimeoutMs + SUBMIT_GRACE_MS;
  const challengeId = ctx.randomHex(16);
  const issued = { tokenHash, challenge, issuedAt: now, expiresAt: now + expiresInMs };
  await ctx.repo.putRecord({ kind: CHALLENGE_KIND, id: challengeId, sealed: Buffer.from(JSON.stringify(issued)), createdAt: new Date(now), expiresAt: new Date(now + expiresInMs) });
  return { challengeId, challenge, expiresInMs };
}

/** What the page shows before consent: who is verified (name masked), and for which service. */
export function describeSession(ctx: ServiceContext, token: TokenRecord, tokenHash: string): { name: string | null; idNumber: string | null } {
  const binding = bindingOf(ctx, token, tokenHash);
  const name = binding.Name ? `${binding.Name.slice(0, 1)}${'*'.repeat(Math.max(1, binding.Name.length - 1))}` : null;
  return { name, idNumber: binding.IdentificationNumber ? maskIdNumber(binding.IdentificationNumber) : null };
}

type Reference = { bytes: Buffer; type: 'IDPic' | 'FacePic' };

/** The caller's IDPic/card photo from the Binding first, else the reference enrolled for the ID number. */
async function referenceFor(ctx: ServiceContext, binding: Binding): Promise<Reference | undefined> {
  if (binding.IDPic) return { bytes: await resolveImage(ctx, binding.IDPic, 'POST'), type: 'IDPic' };
  if (binding.IdCardFrontPic) return { bytes: await resolveImage(ctx, binding.IdCardFrontPic, 'POST'), type: 'FacePic' };
  if (binding.IdentificationNumber) {
    const found = await referenceStoreOf(ctx).find(binding.IdentificationNumber);
    if (found) return { bytes: found.photo, type: 'IDPic' };
  }
  return undefined;
}

export class H5Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * One capture: redeem the challenge (once), judge the liveness record with the service's own
 * policy, check the frame, compare with the reference, and commit the verdict. A refused
 * liveness record or frame fails the ticket (2) without comparing.
 */
export async function submitCapture(ctx: ServiceContext, input: z.infer<typeof H5Submit>, settings: H5Settings): Promise<H5Verdict> {
  const opened = await openToken(ctx, input.token);
  if (!opened.ok) throw new H5Refusal(opened.problem === 'invalid' ? 404 : 410, opened.problem, 'This verification link is not valid any more.');
  const { token, tokenHash } = opened;

  const issuedRecord = await ctx.repo.getRecord(CHALLENGE_KIND, input.challengeId);
  // Taken out whatever the outcome: an answer is accepted at most once.
  if (issuedRecord) await ctx.repo.deleteRecord(CHALLENGE_KIND, input.challengeId);
  const issued = issuedRecord ? Issued.parse(JSON.parse(issuedRecord.sealed.toString('utf8'))) : undefined;
  const now = ctx.now().getTime();
  if (!issued || issued.tokenHash !== tokenHash) throw new H5Refusal(409, 'challenge', 'The challenge was not issued for this link, or was answered already; start again.');
  if (now > issued.expiresAt) throw new H5Refusal(409, 'challenge', 'The challenge expired; start again.');

  const image = Buffer.from(input.image, 'base64');
  const binding = bindingOf(ctx, token, tokenHash);
  let reference: Reference | undefined;
  try {
    reference = await referenceFor(ctx, binding);
  } catch (error) {
    // The caller's Binding names an image this service cannot fetch: nothing to decide against yet.
    if (error instanceof ImageFetchError) throw new H5Refusal(502, 'reference', 'The photo to compare with could not be fetched; try again later.');
    throw error;
  }
  const judged = judgeLiveness(input.liveness, { challenge: issued.challenge as ActiveChallenge | null, issuedAt: issued.issuedAt }, settings.capture, now);
  let outcome: H5Verdict;
  let score: number | null = null;
  if (!judged.ok) {
    ctx.note({ liveness: 'refused', why: judged.why });
    outcome = { verdict: 'fail', reason: 'liveness-failed', score: null };
  } else {
    const frame = await checkLiveFrame(image, reference ?? null, minLiveSide(settings.capture));
    if (!frame.ok) {
      ctx.note({ frame: 'refused', why: frame.why });
      outcome = { verdict: 'fail', reason: 'liveness-failed', score: null };
    } else if (!reference) {
      // No reference to compare with: the ticket waits for review, as SubmitMaterials does.
      outcome = { verdict: 'review', reason: 'no-reference', score: null };
    } else {
      try {
        const result = await ctx.face.run((engine) => engine.compare(image, reference.bytes, { sourceType: 'FacePic', targetType: reference.type }));
        const threshold = (result.ConfidenceThresholds as Record<string, number>)[String(ctx.settings.far)] ?? Infinity;
        score = result.SimilarityScore;
        outcome = { verdict: score >= threshold ? 'pass' : 'fail', reason: score >= threshold ? null : 'face-mismatch', score };
      } catch (error) {
        if (!(error instanceof FaceError)) throw error;
        outcome = { verdict: 'fail', reason: 'no-face', score: null };
      }
    }
  }

  const status = outcome.verdict === 'pass' ? 1 : outcome.verdict === 'fail' ? 2 : 0;
  const ticket = await ctx.repo.ensureTicket(token.biz, token.ticketId, new Date(now));
  const key = `mat/${ctx.randomHex(12)}/FacePic`;
  const stored: StoredMaterials = { images: { FacePic: key } };
  if (binding.Name) stored.Name = binding.Name;
  if (binding.IdentificationNumber) stored.IdentificationNumber = binding.IdentificationNumber;
  const conclusions = { 'liveness-failed': '活体检测未通过。', 'face-mismatch': '人像与比对源不是同一人。', 'no-face': '未检测到人脸。', 'no-reference': '', none: '' } as const;
  const committed = await ctx.repo.commitSubmission({
    biz: token.biz,
    ticketId: token.ticketId,
    expectVersion: ticket.version,
    status,
    similarityScore: score,
    auditConclusions: conclusions[outcome.reason ?? 'none'],
    sealedMaterials: ctx.biometrics.seal(Buffer.from(JSON.stringify(stored)), materialsAad(token.biz, token.ticketId)),
    objects: [{ key, sealed: ctx.biometrics.seal(image, objectAad(key)), createdAt: new Date(now) }],
    now: new Date(now),
  });
  if (committed === 'conflict') throw new H5Refusal(409, 'decided', 'This verification was decided already.');
  // Spent: the page cannot be used again, whatever the verdict (a new attempt needs a new token).
  await ctx.repo.putRecord({ kind: SPENT_KIND, id: tokenHash, sealed: Buffer.from('1'), createdAt: new Date(now), expiresAt: new Date(token.expiresAt.getTime() + 86_400_000) });
  if (outcome.reason === 'face-mismatch' && binding.IdentificationNumber) await recordFailure(ctx, binding.IdentificationNumber);
  await ticketDecided(ctx, { biz: token.biz, ticketId: token.ticketId, status, similarityScore: score });
  ctx.note({ verifyStatus: status, score, idNumber: binding.IdentificationNumber ? maskIdNumber(binding.IdentificationNumber) : undefined });
  return outcome;
}
