import { fieldAddedAfter, type Binding, type Material, type ParsedRequest } from '../../cloudauth';
import { FaceError } from '../../face/errors';
import { maskIdNumber } from '../../idcard/id-number';
import { decide, idNumberProblem, IMAGE_MATERIALS, missingMaterials, referenceFor, type FaceOutcome, type ImageMaterial } from '../business/schemes';
import { ActionError, bindingAad, materialsAad, objectAad, type RequestMeta, type ServiceContext } from '../context';
import { hashToken } from '../crypto';
import { FaceQueueFullError } from '../face-pool';
import { ImageFetchError } from '../images/fetch-image';
import { resolveImage } from '../images/resolve-image';
import type { StoredObject } from '../repository/types';
import { ticketDecided } from '../callbacks/notify';
import { enrollAfterSubmission } from '../references/enroll';
import { requireBiz, type StoredMaterials } from './tickets';

const isImage = (type: string): type is ImageMaterial => (IMAGE_MATERIALS as readonly string[]).includes(type);

/** Binding (given to GetVerifyToken) and the submitted list, merged: a later value for a type wins. */
export function mergeMaterials(binding: Binding | undefined, materials: readonly Material[]): Map<string, string> {
  const merged = new Map<string, string>();
  for (const [type, value] of Object.entries(binding ?? {})) if (typeof value === 'string' && value) merged.set(type, value);
  for (const m of materials) merged.set(m.MaterialType, m.Value);
  return merged;
}

export async function submitMaterials(ctx: ServiceContext, req: ParsedRequest<'SubmitMaterials'>, meta: RequestMeta): Promise<Record<string, unknown>> {
  const tokenHash = hashToken(ctx.tokenKey, req.VerifyToken);
  const token = await ctx.repo.getTokenByHash(tokenHash);
  // An unknown token and an expired one call for the same thing: a new GetVerifyToken.
  if (!token || token.expiresAt.getTime() <= ctx.now().getTime()) {
    throw new ActionError('InvalidParam.VerifyTokenExpired', 'Call GetVerifyToken again and submit within DurationSeconds.');
  }
  const binding = token.sealedBinding ? (JSON.parse(ctx.biometrics.open(token.sealedBinding, bindingAad(tokenHash)).toString('utf8')) as Binding) : undefined;
  const materials = mergeMaterials(binding, req.Material);
  return submit(ctx, token.biz, token.ticketId, materials, meta, async (status, images, keys) => {
    try {
      await enrollAfterSubmission(ctx, { tokenHash, biz: token.biz, status, materials, idPic: images.get('IDPic'), idPicKey: keys.IDPic });
    } catch {
      // The verdict is committed and stands; the reference is simply not kept.
      ctx.note({ enrollFailed: true });
    }
  });
}

export async function submitVerification(ctx: ServiceContext, req: ParsedRequest<'SubmitVerification'>, meta: RequestMeta): Promise<Record<string, unknown>> {
  return submit(ctx, req.Biz, req.TicketId, mergeMaterials(undefined, req.Material), meta);
}

async function compareWithReference(ctx: ServiceContext, face: Buffer, reference: Buffer, referenceType: ImageMaterial): Promise<FaceOutcome> {
  try {
    // The chip photo gets the engine's IDPic treatment; a photo of the card or a retained face is a FacePic.
    const result = await ctx.face.run((engine) => engine.compare(face, reference, { sourceType: 'FacePic', targetType: referenceType === 'IDPic' ? 'IDPic' : 'FacePic' }));
    const threshold = (result.ConfidenceThresholds as Record<string, number>)[String(ctx.settings.far)];
    if (threshold === undefined) throw new ActionError('Error.SubmitMaterialsError', `The face engine has no threshold for FAR ${ctx.settings.far}.`);
    return { kind: 'compared', score: result.SimilarityScore, threshold };
  } catch (error) {
    if (error instanceof FaceError && error.code === 'Error.NoFaceDetected') return { kind: 'no-face' };
    // An image that does not decode has no face in it, as far as the submitter is concerned.
    if (error instanceof FaceError && error.code === 'InvalidParam.ImageValuePatternError') return { kind: 'no-face' };
    if (error instanceof FaceQueueFullError) throw new ActionError('Throttling', error.message);
    if (error instanceof ActionError) throw error;
    throw new ActionError('Error.SubmitMaterialsError');
  }
}

/**
 * One submission: refuse a ticket already in review or passed, check the scheme's materials,
 * fetch the images, decide (ID number, then face), and commit the verdict and the sealed
 * materials in one transaction that only succeeds if no other submission got there first.
 */
async function submit(
  ctx: ServiceContext,
  bizName: string,
  ticketId: string,
  materials: Map<string, string>,
  meta: RequestMeta,
  afterCommit?: (status: 0 | 1 | 2, images: ReadonlyMap<ImageMaterial, Buffer>, keys: Readonly<Record<string, string>>) => Promise<void>,
): Promise<Record<string, unknown>> {
  const biz = await requireBiz(ctx, bizName);
  const now = ctx.now();
  const ticket = await ctx.repo.ensureTicket(bizName, ticketId, now);
  if (ticket.status === 0 || ticket.status === 1) throw new ActionError('Error.DuplicatedTicketId');

  const present = new Set(materials.keys());
  const missing = missingMaterials(biz.scheme, present);
  if (missing.length) throw new ActionError('Error.MaterialsInsufficient', `The ${biz.scheme} scheme also needs: ${missing.join(', ')}.`);

  const images = new Map<ImageMaterial, Buffer>();
  try {
    await Promise.all(
      [...materials].filter(([type]) => isImage(type)).map(async ([type, value]) => images.set(type as ImageMaterial, await resolveImage(ctx, value, meta.method))),
    );
  } catch (error) {
    if (error instanceof ImageFetchError) throw new ActionError('Error.MaterialsUploadError', error.message);
    throw error;
  }

  const idNumber = materials.get('IdentificationNumber');
  const idProblem = idNumber === undefined ? undefined : idNumberProblem(idNumber);
  const referenceType = referenceFor(biz.scheme, present);
  const face: FaceOutcome = idProblem
    ? { kind: 'no-reference' }
    : referenceType
      ? await compareWithReference(ctx, images.get('FacePic')!, images.get(referenceType)!, referenceType)
      : { kind: 'no-reference' };
  const automatic = decide(biz.scheme, idProblem, face);
  // A review rule that cannot be read fails the submission rather than letting it skip review.
  const decision = ctx.hooks?.review ? await ctx.hooks.review(bizName, automatic) : automatic;

  const batch = ctx.randomHex(12);
  const objects: StoredObject[] = [];
  const stored: StoredMaterials = { images: {} };
  for (const [type, bytes] of images) {
    const key = `mat/${batch}/${type}`;
    objects.push({ key, sealed: ctx.biometrics.seal(bytes, objectAad(key)), createdAt: now });
    stored.images[type] = key;
  }
  for (const type of ['Name', 'IdentificationNumber', 'Mobile'] as const) {
    const value = materials.get(type);
    if (value !== undefined) stored[type] = value;
  }
  const outcome = await ctx.repo.commitSubmission({
    biz: bizName,
    ticketId,
    expectVersion: ticket.version,
    status: decision.status,
    similarityScore: decision.similarityScore,
    auditConclusions: decision.auditConclusions,
    sealedMaterials: ctx.biometrics.seal(Buffer.from(JSON.stringify(stored)), materialsAad(bizName, ticketId)),
    objects,
    now,
  });
  if (outcome === 'conflict') {
    // Another submission of the same ticket committed while this one was deciding.
    const current = await ctx.repo.getTicket(bizName, ticketId);
    if (current && (current.status === 0 || current.status === 1)) throw new ActionError('Error.DuplicatedTicketId');
    throw new ActionError('Error.SubmitMaterialsError', 'Another submission of this ticket was recorded at the same moment; submit again.');
  }
  await afterCommit?.(decision.status, images, stored.images);
  await ticketDecided(ctx, { biz: bizName, ticketId, status: decision.status, similarityScore: decision.similarityScore });
  try {
    await ctx.hooks?.submitted?.(bizName, ticketId, idNumber, meta.source ?? 'api');
  } catch {
    // The verdict is committed; a missing index entry only hides it from the console's ID search.
  }
  ctx.note({ scheme: biz.scheme, verifyStatus: decision.status, score: decision.similarityScore, idNumber: idNumber ? maskIdNumber(idNumber) : undefined });

  const status: Record<string, unknown> = { StatusCode: decision.status, SimilarityScore: decision.similarityScore ?? 0 };
  if (!fieldAddedAfter(meta.version, '2018-09-16')) status.AuditConclusions = decision.auditConclusions;
  return { VerifyStatus: status };
}
