import { z } from 'zod';
import { encodeSuccessBody, contentTypeFor, type ResponseFormat } from '../../cloudauth';
import { FaceError } from '../../face/errors';
import { maskIdNumber } from '../../idcard/id-number';
import { idNumberProblem } from '../business/schemes';
import { checkCallbackParams } from '../callbacks/subscribe';
import { subscribeCallback } from '../callbacks/notify';
import { bindingAad, materialsAad, objectAad, type ServiceContext } from '../context';
import { hashToken } from '../crypto';
import { FaceQueueFullError } from '../face-pool';
import { referenceStoreOf } from '../references/enroll';
import type { StoredMaterials } from '../actions/tickets';
import { FACE_VERIFY_BIZ, recordFailure, tooManyFailures } from './failures';

/**
 * 实人认证眼纹版 (guide section 4.2): Action=ExecuteRequest, Service=face_verify, Version
 * 2017-03-31, ServiceParameters a JSON string with method init / query / match. Answers carry the
 * unified Code (200, 400, 404, 500) as a number, as the guide's examples do, and — the guide's
 * "detailed codes" option — resultCode / resultCodeSub / resultMsgSub in Data. Alibaba compares
 * with the authority's photo; we compare with the reference enrolled for the ID number.
 */

export const FACE_VERIFY_ACTION = 'ExecuteRequest';
export const FACE_VERIFY_VERSION = '2017-03-31';
export const FACE_VERIFY_SERVICE = 'face_verify';

export function faceVerifyApiExists(action: string, version: string): action is typeof FACE_VERIFY_ACTION {
  return action === FACE_VERIFY_ACTION && version === FACE_VERIFY_VERSION;
}

/** The detailed codes of section 4.2 this service answers, with the guide's user-facing text. */
export const Z_CODES = {
  Z8100: { resultCode: 'OK', msg: '初始化成功(Z8100)' },
  Z8101: { resultCode: 'INVALID_PARAMETER', msg: '抱歉,系统出错了,请您稍后再试(Z8101)' },
  Z8105: { resultCode: 'INVALID_PARAMETER', msg: '用户身份信息无效,请填写正确的身份信息(Z8105)' },
  Z1102: { resultCode: 'UNABLE_GET_IMAGE', msg: '抱歉,您暂时无法使用刷脸服务(Z1102)' },
  Z1114: { resultCode: 'HIGH_RISK', msg: '抱歉,系统出错了,请您稍后再试(Z1114)' },
  Z8300: { resultCode: 'OK', msg: '认证成功(Z8300)' },
  Z8301: { resultCode: 'INVALID_PARAMETER', msg: '抱歉,系统出错了,请您稍后再试(Z8301)' },
  Z1146: { resultCode: 'NOT_SAME_PERSON', msg: '抱歉,没有认出您(Z1146)' },
  Z5137: { resultCode: 'PROCESSING', msg: '抱歉,系统出错了,请稍后再试(Z5137)' },
  Z8399: { resultCode: 'SYSTEM_ERROR', msg: '抱歉,系统出错了,请稍后再试(Z8399)' },
} as const;
export type ZCode = keyof typeof Z_CODES;

export interface FaceVerifyAnswer {
  status: number;
  body: Record<string, unknown>;
}

const detail = (z: ZCode, extra: Record<string, unknown> = {}) => ({ resultCode: Z_CODES[z].resultCode, resultCodeSub: z, resultMsgSub: Z_CODES[z].msg, ...extra });

function answer(code: 200 | 400 | 402 | 404 | 500, message: string, requestId: string, data?: Record<string, unknown>): FaceVerifyAnswer {
  const body: Record<string, unknown> = { RequestId: requestId, Code: code, Message: message };
  if (data) body.Data = data;
  return { status: code, body };
}

/** 400 with the detailed code; `why` names the parameter, never echoes its value. */
const badParams = (z: ZCode, why: string, requestId: string) => answer(400, why, requestId, detail(z));

const text = (max: number) => z.string().trim().min(1).max(max);
const Init = z.object({
  method: z.literal('init'),
  certNumber: text(32),
  name: text(64),
  bizId: z.string().regex(/^\w{1,64}$/, 'bizId: letters, digits and underscores, at most 64'),
  metainfo: z.string().max(8192).optional(),
  // Our extensions: where the verdict is POSTed, and the seed that signs it (server/callbacks).
  callbackUrl: z.string().optional(),
  callbackSeed: z.string().optional(),
});
const Query = z.object({
  method: z.literal('query'),
  bizId: text(64),
  queryId: text(64),
  returnImage: z.union([z.string(), z.number(), z.boolean()]).optional(),
});
const Match = z.object({ method: z.literal('match'), certNumber: text(32), name: text(64), imgbase64: z.string().min(1).max(3_000_000) });

/** base64 as the guide's example shows it ("_9j_4AAQ…": URL-safe), or standard, or base64://. */
export function decodeImgBase64(value: string): Buffer | undefined {
  const bare = value.replace(/^base64:\/\//, '').replace(/^data:image\/\w+;base64,/, '').replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(bare)) return undefined;
  const bytes = Buffer.from(bare.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return bytes.length > 0 && bytes.length <= 2 * 1024 * 1024 ? bytes : undefined;
}

/** The face_verify session init creates: which key may query it, for which ID number. */
const SESSION_KIND = 'fv-query';
const Session = z.strictObject({ accessKeyId: z.string(), bizId: z.string(), tokenHash: z.string() });

export function queryTicket(queryId: string): { biz: string; ticketId: string } {
  return { biz: FACE_VERIFY_BIZ, ticketId: queryId };
}

export async function executeFaceVerify(ctx: ServiceContext, params: Record<string, string>, meta: { requestId: string; accessKeyId: string }): Promise<FaceVerifyAnswer> {
  const { requestId } = meta;
  if (params.Service !== FACE_VERIFY_SERVICE) return answer(404, 'Service must be face_verify.', requestId);
  let parsed: unknown;
  try {
    parsed = JSON.parse(params.ServiceParameters ?? '');
  } catch {
    return badParams('Z8101', 'ServiceParameters is not a JSON object string.', requestId);
  }
  const method = (parsed as { method?: unknown } | null)?.method;
  ctx.note({ service: FACE_VERIFY_SERVICE, method: typeof method === 'string' ? method.slice(0, 8) : undefined });
  try {
    if (method === 'match') return await match(ctx, parsed, requestId);
    if (method === 'init') return await init(ctx, parsed, meta);
    if (method === 'query') return await query(ctx, parsed, meta);
    return badParams('Z8101', 'ServiceParameters.method must be init, query or match.', requestId);
  } catch (error) {
    if (error instanceof FaceQueueFullError) return answer(402, 'The face queue is full; retry shortly.', requestId);
    return answer(500, '服务器内部错误', requestId);
  }
}

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || 'ServiceParameters'}: ${issue.code === 'invalid_type' ? 'missing or not a string' : issue.message}` : 'invalid';
}

async function match(ctx: ServiceContext, raw: unknown, requestId: string): Promise<FaceVerifyAnswer> {
  const req = Match.safeParse(raw);
  if (!req.success) return badParams('Z8101', firstIssue(req.error), requestId);
  const certNumber = req.data.certNumber.toUpperCase();
  if (idNumberProblem(certNumber)) return badParams('Z8105', 'certNumber is not a valid ID number.', requestId);
  const image = decodeImgBase64(req.data.imgbase64);
  if (!image) return badParams('Z8101', 'imgbase64 is not base64 of an image of at most 2 MB.', requestId);
  ctx.note({ idNumber: maskIdNumber(certNumber) });
  if (await tooManyFailures(ctx, certNumber)) return answer(200, 'OK', requestId, detail('Z1114'));
  const found = await referenceStoreOf(ctx).find(certNumber);
  // No reference enrolled: our "authority source" has nothing to compare with.
  if (!found) return answer(200, 'OK', requestId, detail('Z1102'));
  let score: number;
  let threshold: number;
  try {
    const result = await ctx.face.run((engine) => engine.compare(image, found.photo, { sourceType: 'FacePic', targetType: 'IDPic' }));
    score = result.SimilarityScore;
    threshold = (result.ConfidenceThresholds as Record<string, number>)[String(ctx.settings.far)] ?? Infinity;
  } catch (error) {
    if (error instanceof FaceError) return badParams('Z8101', 'imgbase64 holds no usable face; send a clear frontal photo.', requestId);
    throw error;
  }
  const same = score >= threshold;
  if (!same) await recordFailure(ctx, certNumber);
  ctx.note({ score });
  return answer(200, 'OK', requestId, detail(same ? 'Z8300' : 'Z1146', { score: Number(score.toFixed(4)) }));
}

async function init(ctx: ServiceContext, raw: unknown, meta: { requestId: string; accessKeyId: string }): Promise<FaceVerifyAnswer> {
  const req = Init.safeParse(raw);
  if (!req.success) return badParams('Z8101', firstIssue(req.error), meta.requestId);
  const certNumber = req.data.certNumber.toUpperCase();
  if (idNumberProblem(certNumber)) return badParams('Z8105', 'certNumber is not a valid ID number.', meta.requestId);
  let callback: { url: string; seed: string } | undefined;
  try {
    callback = checkCallbackParams(req.data.callbackUrl, req.data.callbackSeed);
  } catch (error) {
    return badParams('Z8101', (error as Error & { detail?: string }).detail ?? 'callbackUrl/callbackSeed are not valid.', meta.requestId);
  }
  ctx.note({ idNumber: maskIdNumber(certNumber) });
  if (await tooManyFailures(ctx, certNumber)) return answer(200, 'OK', meta.requestId, detail('Z1114'));
  if (!(await referenceStoreOf(ctx).find(certNumber))) return answer(200, 'OK', meta.requestId, detail('Z1102'));

  // The capture happens on our H5 page (there is no wireless SDK): init issues a VerifyToken bound to
  // the person, on a ticket of the face_verify pseudo-biz whose id is the queryId.
  const queryId = ctx.randomHex(16);
  const token = ctx.randomHex(16);
  const tokenHash = hashToken(ctx.tokenKey, token);
  const now = ctx.now();
  const expiresAt = new Date(now.getTime() + ctx.settings.tokenSeconds * 1000);
  const { biz, ticketId } = queryTicket(queryId);
  const binding = { Name: req.data.name, IdentificationNumber: certNumber };
  await ctx.repo.issueToken({
    tokenHash,
    stsHash: hashToken(ctx.tokenKey, ctx.randomHex(32)),
    uploadPath: `${ctx.randomHex(16)}/`,
    biz,
    ticketId,
    sealedBinding: ctx.biometrics.seal(Buffer.from(JSON.stringify(binding)), bindingAad(tokenHash)),
    expiresAt,
    createdAt: now,
  });
  const session = { accessKeyId: meta.accessKeyId, bizId: req.data.bizId, tokenHash };
  await ctx.repo.putRecord({ kind: SESSION_KIND, id: queryId, sealed: Buffer.from(JSON.stringify(session)), createdAt: now, expiresAt: new Date(expiresAt.getTime() + 86_400_000) });
  if (callback) await subscribeCallback(ctx, { biz, ticketId, ...callback, expiresAt });
  return answer(200, 'OK', meta.requestId, detail('Z8100', { queryId, bizId: req.data.bizId, pageUrl: `${ctx.settings.publicUrl}/h5/verify?token=${token}` }));
}

async function query(ctx: ServiceContext, raw: unknown, meta: { requestId: string; accessKeyId: string }): Promise<FaceVerifyAnswer> {
  const req = Query.safeParse(raw);
  if (!req.success) return badParams('Z8301', firstIssue(req.error), meta.requestId);
  const record = await ctx.repo.getRecord(SESSION_KIND, req.data.queryId);
  const session = record ? Session.parse(JSON.parse(record.sealed.toString('utf8'))) : undefined;
  // Another key's queryId is as unknown as a made-up one.
  if (!session || session.accessKeyId !== meta.accessKeyId || session.bizId !== req.data.bizId) {
    return badParams('Z8301', 'No verification with this queryId and bizId was started with this AccessKey.', meta.requestId);
  }
  const { biz, ticketId } = queryTicket(req.data.queryId);
  const ticket = await ctx.repo.getTicket(biz, ticketId);
  if (!ticket || ticket.status === -1 || ticket.status === 0) return answer(200, 'OK', meta.requestId, detail('Z5137'));
  const data: Record<string, unknown> = detail(ticket.status === 1 ? 'Z8300' : 'Z1146', { score: ticket.similarityScore ?? 0 });
  const wantImage = req.data.returnImage !== undefined && String(req.data.returnImage) !== '0' && String(req.data.returnImage) !== 'false';
  if (wantImage && ticket.sealedMaterials) {
    const stored = JSON.parse(ctx.biometrics.open(ticket.sealedMaterials, materialsAad(biz, ticketId)).toString('utf8')) as StoredMaterials;
    const key = stored.images.FacePic;
    const object = key ? await ctx.repo.getObject(key) : undefined;
    // URL-safe base64, as the guide's example ("_9j_4AAQ…") shows it.
    if (object && key) data.image = ctx.biometrics.open(object.sealed, objectAad(key)).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
  }
  return answer(200, 'OK', meta.requestId, data);
}

/** The wire body: JSON as the guide shows, or XML under <ExecuteRequestResponse> when Format=XML. */
export function encodeFaceVerify(result: FaceVerifyAnswer, format: ResponseFormat): { status: number; contentType: string; body: string } {
  return { status: result.status, contentType: contentTypeFor(format), body: format === 'JSON' ? JSON.stringify(result.body) : encodeSuccessBody(FACE_VERIFY_ACTION, result.body, format) };
}
