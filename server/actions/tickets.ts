import { fieldAddedAfter, formatTimestamp, type ParsedRequest, type Binding } from '../../cloudauth';
import { maskIdNumber } from '../../idcard/id-number';
import { hashToken, signUrlPath } from '../crypto';
import { ActionError, bindingAad, materialsAad, type RequestMeta, type ServiceContext } from '../context';
import { subscribeCallback } from '../callbacks/notify';
import { checkCallbackParams } from '../callbacks/subscribe';
import { recordEnrollConsent } from '../references/enroll';
import type { BizRecord } from '../repository/types';

/** What a submission stores (sealed): text materials and the object keys of the images. */
export interface StoredMaterials {
  Name?: string;
  IdentificationNumber?: string;
  Mobile?: string;
  images: Record<string, string>;
}

// A biz never changes once created (there is no update or delete), so a found one is kept per repository.
const bizCache = new WeakMap<object, Map<string, BizRecord>>();

export async function requireBiz(ctx: ServiceContext, name: string): Promise<BizRecord> {
  const cache = bizCache.get(ctx.repo) ?? new Map<string, BizRecord>();
  bizCache.set(ctx.repo, cache);
  const biz = cache.get(name) ?? (await ctx.repo.getBiz(name));
  if (biz && cache.size < 10_000) cache.set(name, biz);
  if (!biz) throw new ActionError('InvalidParam.InvalidBiz', 'Create the biz with `renzheng server biz create --biz NAME --scheme SCHEME`.');
  return biz;
}

export async function getVerifyToken(ctx: ServiceContext, req: ParsedRequest<'GetVerifyToken'>, meta: RequestMeta): Promise<Record<string, unknown>> {
  await requireBiz(ctx, req.Biz);
  // Checked before anything is issued: a bad callback refuses the whole request.
  const callback = checkCallbackParams(req.CallbackUrl, req.CallbackSeed);
  const now = ctx.now();
  const token = ctx.randomHex(16);
  const sts = ctx.randomHex(32);
  const uploadPath = `${ctx.randomHex(16)}/`;
  const tokenHash = hashToken(ctx.tokenKey, token);
  const expiresAt = new Date(now.getTime() + ctx.settings.tokenSeconds * 1000);
  const binding = req.Binding as Binding | undefined;
  await ctx.repo.issueToken({
    tokenHash,
    stsHash: hashToken(ctx.tokenKey, sts),
    uploadPath,
    biz: req.Biz,
    ticketId: req.TicketId,
    sealedBinding: binding ? ctx.biometrics.seal(Buffer.from(JSON.stringify(binding)), bindingAad(tokenHash)) : null,
    expiresAt,
    createdAt: now,
  });
  await recordEnrollConsent(ctx, tokenHash, req.UserData, expiresAt);
  if (callback) await subscribeCallback(ctx, { biz: req.Biz, ticketId: req.TicketId, ...callback, expiresAt });
  const data: Record<string, unknown> = {
    VerifyToken: { Token: token, DurationSeconds: ctx.settings.tokenSeconds },
    // Uploads go to this service's own store (PUT EndPoint/BucketName/Path+name with header
    // x-oss-security-token: Token); AccessKeyId/Secret are issued for shape and are not needed.
    StsToken: {
      AccessKeyId: `STS.${ctx.randomHex(12)}`,
      AccessKeySecret: ctx.randomHex(20),
      Expiration: formatTimestamp(expiresAt),
      EndPoint: `${ctx.settings.publicUrl}/oss`,
      BucketName: ctx.settings.bucket,
      Path: uploadPath,
      Token: sts,
    },
  };
  if (!fieldAddedAfter(meta.version, '2018-07-03')) data.CloudauthPageUrl = `${ctx.settings.publicUrl}/h5/verify?token=${token}`;
  return data;
}

export async function getStatus(ctx: ServiceContext, req: ParsedRequest<'GetStatus'>, meta: RequestMeta): Promise<Record<string, unknown>> {
  await requireBiz(ctx, req.Biz);
  const ticket = await ctx.repo.getTicket(req.Biz, req.TicketId);
  // A ticket nobody submitted to is "-1: not verified", as the guide defines it, whether or not a token exists.
  const data: Record<string, unknown> = { StatusCode: ticket?.status ?? -1, SimilarityScore: ticket?.similarityScore ?? 0 };
  if (!fieldAddedAfter(meta.version, '2017-11-17')) data.AuditConclusions = ticket?.auditConclusions ?? '';
  return data;
}

/** A link to a stored image that this service serves until `expires` (seconds since the epoch). */
export function materialUrl(ctx: ServiceContext, key: string): string {
  const expires = Math.floor(ctx.now().getTime() / 1000) + ctx.settings.materialUrlSeconds;
  const path = `/materials/${key}`;
  return `${ctx.settings.publicUrl}${path}?Expires=${expires}&Signature=${signUrlPath(ctx.urlKey, path, expires)}`;
}

export async function getMaterials(ctx: ServiceContext, req: ParsedRequest<'GetMaterials'>): Promise<Record<string, unknown>> {
  await requireBiz(ctx, req.Biz);
  const ticket = await ctx.repo.getTicket(req.Biz, req.TicketId);
  if (!ticket?.sealedMaterials) throw new ActionError('InvalidParam.RecordNotFound', 'Nothing was submitted for this ticket, or its materials were purged after the retention period.');
  const stored = JSON.parse(ctx.biometrics.open(ticket.sealedMaterials, materialsAad(req.Biz, req.TicketId)).toString('utf8')) as StoredMaterials;
  const id = stored.IdentificationNumber ?? '';
  const sex = /^\d{17}[\dXx]$/.test(id) ? (Number(id[16]) % 2 === 1 ? 'm' : 'f') : undefined;
  const data: Record<string, unknown> = { Name: stored.Name ?? '', IdentificationNumber: id, IdCardType: 'identityCard' };
  if (sex) data.Sex = sex;
  for (const type of ['IdCardFrontPic', 'IdCardBackPic', 'FacePic'] as const) {
    const key = stored.images[type];
    if (key) data[type] = materialUrl(ctx, key);
  }
  ctx.note({ idNumber: id ? maskIdNumber(id) : undefined });
  return data;
}
