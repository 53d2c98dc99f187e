import { z } from 'zod';
import { Binding, COMMON_PARAM_NAMES, type FlatParams } from '../../cloudauth';
import { shippedCalibration } from '../../face/shipped-calibration';
import { maskIdNumber } from '../../idcard/id-number';
import { referenceFor } from '../business/schemes';
import { ActionError, materialsAad, type RequestMeta, type ServiceContext } from '../context';
import { submitVerification } from '../actions/submit';
import { getVerifyToken, materialUrl, requireBiz, type StoredMaterials } from '../actions/tickets';
import { scale2019, to2019, type Scale2019 } from './score-2019';

/**
 * The 2019-03-07 actions that map onto our tickets, so programs written against Alibaba's current
 * API work here too: BizType is our Biz, BizId our TicketId. Their answers carry the fields at the
 * top level beside RequestId, without Code/Success/Data, as the 2019 SDK's response models have them.
 */
export const ACTIONS_2019 = ['DescribeVerifyToken', 'DescribeVerifyResult', 'VerifyMaterial'] as const;
export type Action2019 = (typeof ACTIONS_2019)[number];
export const VERSION_2019 = '2019-03-07';

export function handles2019(action: string, version: string): action is Action2019 {
  return version === VERSION_2019 && (ACTIONS_2019 as readonly string[]).includes(action);
}

const Required = (name: string) => z.string({ error: `MissingParameter: The input parameter "${name}" that is mandatory for processing this request is not supplied.` }).min(1, `MissingParameter: ${name} must not be empty.`);
const HttpUrl = z.string().regex(/^https?:\/\/\S+$/, 'InvalidParameter: must be an http(s) URL').optional();

const DescribeVerifyToken = z.object({
  BizType: Required('BizType'),
  BizId: Required('BizId'),
  Name: z.string().optional(),
  IdCardNumber: z.string().optional(),
  FaceRetainedImageUrl: z.string().optional(),
  IdCardFrontImageUrl: z.string().optional(),
  IdCardBackImageUrl: z.string().optional(),
  CallbackUrl: HttpUrl,
  CallbackSeed: z.string().max(128).optional(),
  PassedRedirectUrl: HttpUrl,
  FailedRedirectUrl: HttpUrl,
});

const DescribeVerifyResult = z.object({ BizType: Required('BizType'), BizId: Required('BizId') });

const VerifyMaterial = z.object({
  BizType: Required('BizType'),
  BizId: Required('BizId'),
  Name: Required('Name'),
  IdCardNumber: Required('IdCardNumber'),
  FaceImageUrl: Required('FaceImageUrl'),
  IdCardFrontImageUrl: z.string().optional(),
  IdCardBackImageUrl: z.string().optional(),
  // The chip photo, where a caller has one (our extension; Alibaba looks the face up itself).
  IdCardChipImageUrl: z.string().optional(),
  UserId: z.string().optional(),
});

/** Only the action's own names (the gateway ignores the rest); common parameters removed. */
function own(params: FlatParams): Record<string, string> {
  return Object.fromEntries(Object.entries(params).filter(([k]) => !COMMON_PARAM_NAMES.has(k) && k !== 'RegionId'));
}

function parse<T extends z.ZodType>(schema: T, params: FlatParams): z.output<T> {
  const parsed = schema.safeParse(own(params));
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const m = /^([A-Za-z]+(?:\.[A-Za-z]+)*):\s*(.*)$/.exec(issue.message);
  throw new ActionError(m ? m[1]! : 'InvalidParameter', `${issue.path.join('.')}: ${m ? m[2] : issue.message}`);
}

/** Image fields of the 2019 API → our material types; values may be http(s) URLs, oss:// or base64://. */
function checkedBinding(b: Record<string, string | undefined>): z.output<typeof Binding> | undefined {
  const entries = Object.entries(b).filter(([, v]) => v);
  if (!entries.length) return undefined;
  const parsed = Binding.safeParse(Object.fromEntries(entries));
  if (!parsed.success) throw new ActionError('InvalidParameter', `${parsed.error.issues[0]!.path.join('.')}: an image is an http(s) URL, oss://bucket:path or base64://…`);
  return parsed.data;
}

let cachedScale: Scale2019 | undefined;
/** The engine's shipped calibration places the 2019 scale (see score-2019.ts). */
export function engineScale(): Scale2019 {
  cachedScale ??= scale2019(shippedCalibration());
  return cachedScale;
}

/** The ticket's verdict, scores on the 2019 scale, and Material with fresh image links. */
async function result(ctx: ServiceContext, biz: string, ticketId: string): Promise<Record<string, unknown>> {
  const bizRecord = await requireBiz(ctx, biz);
  const ticket = await ctx.repo.getTicket(biz, ticketId);
  const out: Record<string, unknown> = { VerifyStatus: ticket?.status ?? -1 };
  const stored = ticket?.sealedMaterials ? (JSON.parse(ctx.biometrics.open(ticket.sealedMaterials, materialsAad(biz, ticketId)).toString('utf8')) as StoredMaterials) : undefined;
  if (ticket?.similarityScore !== null && ticket?.similarityScore !== undefined) {
    const score = to2019(ticket.similarityScore, engineScale());
    // Which score it is depends on what the face was compared with: the chip photo stands in for
    // the authority's photo, a photographed card front is the card comparison, a retained face the face comparison.
    const reference = stored ? referenceFor(bizRecord.scheme, new Set(Object.keys(stored.images))) : undefined;
    if (reference === 'IDPic' || !stored) out.AuthorityComparisionScore = score;
    if (reference === 'IdCardFrontPic') out.IdCardFaceComparisonScore = score;
    if (reference === 'FaceRetainedPic') out.FaceComparisonScore = score;
  }
  if (stored) {
    const link = (type: string) => (stored.images[type] ? materialUrl(ctx, stored.images[type]!) : undefined);
    out.Material = {
      IdCardName: stored.Name ?? '',
      IdCardNumber: stored.IdentificationNumber ?? '',
      FaceImageUrl: link('FacePic'),
      IdCardInfo: { Name: stored.Name ?? '', Number: stored.IdentificationNumber ?? '', FrontImageUrl: link('IdCardFrontPic'), BackImageUrl: link('IdCardBackPic') },
    };
  }
  return out;
}

export async function run2019(ctx: ServiceContext, action: Action2019, params: FlatParams, meta: RequestMeta): Promise<Record<string, unknown>> {
  switch (action) {
    case 'DescribeVerifyToken': {
      const req = parse(DescribeVerifyToken, params);
      const binding = checkedBinding({
        Name: req.Name,
        IdentificationNumber: req.IdCardNumber,
        FaceRetainedPic: req.FaceRetainedImageUrl,
        IdCardFrontPic: req.IdCardFrontImageUrl,
        IdCardBackPic: req.IdCardBackImageUrl,
      });
      // CallbackUrl/CallbackSeed subscribe the ticket's callback exactly as GetVerifyToken's do (server/callbacks).
      const callback = { CallbackUrl: req.CallbackUrl, CallbackSeed: req.CallbackSeed };
      const issued = (await getVerifyToken(ctx, { Biz: req.BizType, TicketId: req.BizId, Binding: binding, ...callback } as never, meta)) as {
        VerifyToken: { Token: string };
        StsToken: { AccessKeyId: string; AccessKeySecret: string; Expiration: string; EndPoint: string; BucketName: string; Path: string; Token: string };
        CloudauthPageUrl?: string;
      };
      if (req.PassedRedirectUrl || req.FailedRedirectUrl) {
        ctx.hooks?.callbackRequested?.(req.BizType, req.BizId, { passedRedirectUrl: req.PassedRedirectUrl, failedRedirectUrl: req.FailedRedirectUrl });
      }
      ctx.note({ idNumber: req.IdCardNumber ? maskIdNumber(req.IdCardNumber) : undefined });
      const sts = issued.StsToken;
      return {
        VerifyToken: issued.VerifyToken.Token,
        VerifyPageUrl: issued.CloudauthPageUrl ?? `${ctx.settings.publicUrl}/h5/verify?token=${issued.VerifyToken.Token}`,
        OssUploadToken: { Bucket: sts.BucketName, EndPoint: sts.EndPoint, Path: sts.Path, Key: sts.AccessKeyId, Secret: sts.AccessKeySecret, Token: sts.Token, Expired: Date.parse(sts.Expiration) },
      };
    }
    case 'DescribeVerifyResult': {
      const req = parse(DescribeVerifyResult, params);
      return result(ctx, req.BizType, req.BizId);
    }
    case 'VerifyMaterial': {
      const req = parse(VerifyMaterial, params);
      const issued = (await getVerifyToken(ctx, { Biz: req.BizType, TicketId: req.BizId } as never, meta)) as { VerifyToken: { Token: string } };
      const material = [
        { MaterialType: 'Name', Value: req.Name },
        { MaterialType: 'IdentificationNumber', Value: req.IdCardNumber },
        { MaterialType: 'FacePic', Value: req.FaceImageUrl },
        ...(req.IdCardChipImageUrl ? [{ MaterialType: 'IDPic', Value: req.IdCardChipImageUrl }] : []),
        ...(req.IdCardFrontImageUrl ? [{ MaterialType: 'IdCardFrontPic', Value: req.IdCardFrontImageUrl }] : []),
        ...(req.IdCardBackImageUrl ? [{ MaterialType: 'IdCardBackPic', Value: req.IdCardBackImageUrl }] : []),
      ];
      await submitVerification(ctx, { Biz: req.BizType, TicketId: req.BizId, Material: material } as never, meta);
      return { VerifyToken: issued.VerifyToken.Token, ...(await result(ctx, req.BizType, req.BizId)) };
    }
  }
}
