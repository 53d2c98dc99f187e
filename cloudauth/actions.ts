import { z } from 'zod';
import type { FlatParams, HttpMethod } from './canonical';
import { base64ValueBytes, imageValueKind, MAX_IMAGE_BYTES } from './image-value';
import {
  jsonString,
  optionalInt,
  optionalNumber,
  optionalString,
  wireInt,
  wireList,
  wireNumber,
  wireObject,
  wireString,
  withAlias,
} from './wire-types';

export const API_VERSIONS = ['2018-09-16', '2019-03-07'] as const;
export type ApiVersion = (typeof API_VERSIONS)[number];
export const DEFAULT_API_VERSION: ApiVersion = '2018-09-16';

export type ParamLocation = 'query' | 'body';

// ---------- request building blocks ----------

/**
 * A refinement message starting with a spec code ("InvalidParam.X: …") lets the client report
 * the same code the service would have answered with.
 */
function specIssue(code: string, text: string): string {
  return `${code}: ${text}`;
}

export const ImageValue = z.string().superRefine((value, ctx) => {
  const kind = imageValueKind(value);
  if (!kind) {
    ctx.addIssue({
      code: 'custom',
      message: specIssue('InvalidParam.ImageValuePatternError', 'an image must be base64://… (no data: prefix), http(s)://… or oss://bucket:path'),
    });
  } else if (kind === 'base64' && base64ValueBytes(value) > MAX_IMAGE_BYTES) {
    ctx.addIssue({
      code: 'custom',
      message: specIssue('ImageTooLarge', `the image is ${base64ValueBytes(value)} bytes; at most ${MAX_IMAGE_BYTES} are allowed (prepare it with prepareImage)`),
    });
  }
});

const NonEmpty = z.string().min(1, specIssue('InvalidParam.ParamMissing', 'must not be empty'));

export const ImageType = z.enum(['FacePic', 'IDPic'], specIssue('InvalidParam.ImageTypeInvalid', 'must be FacePic or IDPic'));
export type ImageType = z.infer<typeof ImageType>;

export const MATERIAL_TYPES = ['Name', 'IdentificationNumber', 'FacePic', 'IdCardFrontPic', 'IdCardBackPic', 'IDPic', 'Mobile'] as const;
export const MaterialType = z.enum(MATERIAL_TYPES, specIssue('InvalidParam.MaterialsNotValid', `must be one of ${MATERIAL_TYPES.join(', ')}`));
export type MaterialType = z.infer<typeof MaterialType>;
const PICTURE_MATERIALS: ReadonlySet<string> = new Set(['FacePic', 'IdCardFrontPic', 'IdCardBackPic', 'IDPic']);

export const Material = z.strictObject({ MaterialType, Value: NonEmpty }).superRefine((m, ctx) => {
  if (!PICTURE_MATERIALS.has(m.MaterialType)) return;
  const checked = ImageValue.safeParse(m.Value);
  if (!checked.success) for (const issue of checked.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: ['Value'] });
});
export type Material = z.infer<typeof Material>;

const Materials = z
  .array(Material)
  .min(1, specIssue('InvalidParam.MaterialsEmpty', 'submit at least one material'))
  .max(10, specIssue('InvalidParam.MaterialsNotValid', 'at most 10 materials (Material.1 … Material.10)'));

/** Binding (GetVerifyToken): materials collected before the task starts, sent as a JSON string. */
export const Binding = z.strictObject({
  Name: z.string().optional(),
  IdentificationNumber: z.string().optional(),
  IdCardFrontPic: ImageValue.optional(),
  IdCardBackPic: ImageValue.optional(),
  FacePic: ImageValue.optional(),
  IDPic: ImageValue.optional(),
  FaceRetainedPic: ImageValue.optional(),
});
export type Binding = z.infer<typeof Binding>;

export const FACE_ATTRIBUTES = ['Facetype', 'Headpose', 'Glasses', 'Blur', 'Smiling', 'Gender', 'Age'] as const;
const FaceAttributeName = z.preprocess(
  // The guide's own request example writes them in lower case.
  (v) => (typeof v === 'string' ? (FACE_ATTRIBUTES.find((a) => a.toLowerCase() === v.trim().toLowerCase()) ?? v) : v),
  z.enum(FACE_ATTRIBUTES),
);

const booleanParam = z.preprocess((v) => (v === 'true' ? true : v === 'false' ? false : v), z.boolean());
const intParam = z.preprocess((v) => (typeof v === 'string' && v.trim() !== '' ? Number(v) : v), z.number().int().min(1));

// ---------- response building blocks ----------

export const VERIFY_STATUS = { notSubmitted: -1, inReview: 0, passed: 1, failed: 2 } as const;
const StatusCode = z.preprocess(
  (v) => (typeof v === 'string' && v.trim() !== '' ? Number(v) : v),
  z.union([z.literal(-1), z.literal(0), z.literal(1), z.literal(2)]),
);
export type StatusCode = z.infer<typeof StatusCode>;

const VerifyStatus = z.preprocess(
  // The guide's JSON example names the score MaterialScore; its table says SimilarityScore.
  withAlias('SimilarityScore', 'MaterialScore'),
  wireObject({
    StatusCode,
    SimilarityScore: optionalNumber,
    AuditConclusions: optionalString,
    AuthorityComparisonScore: optionalNumber,
  }),
);

const SubmitResultData = wireObject({ VerifyStatus });

// ---------- the actions ----------

export interface ParamRule {
  /** Exact parameter name, or a pattern for numbered ones (Material.n.*). */
  name: string | RegExp;
  in: ParamLocation;
}

export interface ActionSpec<N extends string = string, RS extends z.ZodType = z.ZodType, DS extends z.ZodType = z.ZodType> {
  name: N;
  versions: readonly ApiVersion[];
  /** Methods the guide allows; the first one is what the client uses. */
  methods: readonly HttpMethod[];
  /** Where each action parameter goes, from the guide's "参数位置" column. RegionId is always query. */
  params: readonly ParamRule[];
  request: RS;
  data: DS;
}

function defineAction<const N extends string, RS extends z.ZodType, DS extends z.ZodType>(spec: ActionSpec<N, RS, DS>): ActionSpec<N, RS, DS> {
  return spec;
}

export const GetVerifyToken = defineAction({
  name: 'GetVerifyToken',
  versions: ['2018-09-16'],
  // POST because Binding, which may carry base64 images, goes in the body.
  methods: ['POST', 'GET'],
  params: [
    { name: 'Biz', in: 'query' },
    { name: 'TicketId', in: 'query' },
    { name: 'Binding', in: 'body' },
    { name: 'UserData', in: 'query' },
    // Added in 2018-08-07 (release notes); not in the parameter table, so its place follows the Java SDK.
    { name: 'VerifyConfigs', in: 'query' },
    // Our service's extension (the 2019 API's callback idea): where to POST the verdict, and the seed that signs it.
    { name: 'CallbackUrl', in: 'query' },
    { name: 'CallbackSeed', in: 'query' },
  ],
  request: z.strictObject({
    Biz: NonEmpty,
    TicketId: NonEmpty,
    Binding: jsonString(Binding).optional(),
    UserData: jsonString(z.record(z.string(), z.unknown())).optional(),
    VerifyConfigs: jsonString(z.unknown()).optional(),
    CallbackUrl: z.string().max(2048).optional(),
    CallbackSeed: z.string().max(128).optional(),
  }),
  data: wireObject({
    VerifyToken: z.preprocess(
      // The JSON example says Expire, the table and the XML example DurationSeconds.
      withAlias('DurationSeconds', 'Expire'),
      wireObject({ Token: wireString, DurationSeconds: optionalInt }),
    ),
    StsToken: wireObject({
      AccessKeyId: wireString,
      AccessKeySecret: wireString,
      Expiration: wireString,
      EndPoint: wireString,
      BucketName: wireString,
      Path: wireString,
      Token: wireString,
    }).optional(),
    CloudauthPageUrl: optionalString,
  }),
});

export const SubmitMaterials = defineAction({
  name: 'SubmitMaterials',
  versions: ['2018-09-16'],
  methods: ['POST'],
  params: [
    { name: 'VerifyToken', in: 'body' },
    { name: /^Material\.\d+\.(MaterialType|Value)$/, in: 'body' },
  ],
  request: z.strictObject({ VerifyToken: NonEmpty, Material: Materials }),
  data: SubmitResultData,
});

export const GetStatus = defineAction({
  name: 'GetStatus',
  versions: ['2018-09-16'],
  methods: ['GET', 'POST'],
  params: [
    { name: 'Biz', in: 'query' },
    { name: 'TicketId', in: 'query' },
  ],
  request: z.strictObject({ Biz: NonEmpty, TicketId: NonEmpty }),
  data: wireObject({
    StatusCode,
    SimilarityScore: optionalNumber,
    AuditConclusions: optionalString,
    TrustedScore: optionalNumber,
    AuthorityComparisonScore: optionalNumber,
  }),
});

export const GetMaterials = defineAction({
  name: 'GetMaterials',
  versions: ['2018-09-16'],
  methods: ['GET', 'POST'],
  params: [
    { name: 'Biz', in: 'query' },
    { name: 'TicketId', in: 'query' },
  ],
  request: z.strictObject({ Biz: NonEmpty, TicketId: NonEmpty }),
  data: wireObject({
    Name: wireString,
    IdentificationNumber: wireString,
    IdCardType: wireString,
    IdCardStartDate: optionalString,
    IdCardExpiry: optionalString,
    /** OCR address as the JSON string the service sends. */
    Address: optionalString,
    Sex: optionalString,
    IdCardFrontPic: optionalString,
    IdCardBackPic: optionalString,
    FacePic: optionalString,
    EthnicGroup: optionalString,
  }),
});

export const CompareFaces = defineAction({
  name: 'CompareFaces',
  versions: ['2018-09-16', '2019-03-07'],
  methods: ['POST'],
  params: [
    { name: 'SourceImageType', in: 'body' },
    { name: 'SourceImageValue', in: 'body' },
    { name: 'TargetImageType', in: 'body' },
    { name: 'TargetImageValue', in: 'body' },
  ],
  request: z
    .strictObject({
      SourceImageType: z.preprocess((v) => (v === '' ? undefined : v), ImageType.optional()),
      SourceImageValue: ImageValue,
      TargetImageType: z.preprocess((v) => (v === '' ? undefined : v), ImageType.optional()),
      TargetImageValue: ImageValue,
    })
    .superRefine((r, ctx) => {
      if (!r.SourceImageType || !r.TargetImageType) {
        ctx.addIssue({ code: 'custom', message: specIssue('InvalidParam.ImageTypeEmpty', 'SourceImageType and TargetImageType are required') });
      } else if (r.SourceImageType !== 'FacePic' && r.TargetImageType !== 'FacePic') {
        ctx.addIssue({ code: 'custom', message: specIssue('InvalidParam.FacePicNotGiven', 'at least one image must be FacePic') });
      }
    })
    .transform((r) => ({ ...r, SourceImageType: r.SourceImageType as ImageType, TargetImageType: r.TargetImageType as ImageType })),
  data: wireObject({
    SimilarityScore: wireNumber,
    /** JSON string mapping FAR to threshold; parse with parseConfidenceThresholds. */
    ConfidenceThresholds: wireString,
  }),
});

const FaceAttributes = wireObject({
  Facetype: optionalString,
  Headpose: wireObject({ PitchAngle: wireNumber, RollAngle: wireNumber, YawAngle: wireNumber }).optional(),
  Glasses: optionalString,
  Blur: optionalNumber,
  Smiling: wireObject({ Value: optionalNumber, Threshold: optionalNumber }).optional(),
  Gender: wireObject({ Value: wireString, Score: optionalNumber }).optional(),
  Age: optionalInt,
});

export const DetectFaceAttributes = defineAction({
  name: 'DetectFaceAttributes',
  // 2019-03-07 kept the name but changed the parameters (BizType, MaterialValue), so only 2018 here.
  versions: ['2018-09-16'],
  methods: ['POST'],
  params: [
    { name: 'MaterialValue', in: 'body' },
    { name: 'RetAttributes', in: 'body' },
    { name: 'MaxFaceNum', in: 'body' },
    { name: 'DontSaveDB', in: 'body' },
    { name: 'ClientTag', in: 'body' },
    { name: 'MaxNumPhotosPerCategory', in: 'body' },
  ],
  // Defaults are the ones the guide says to pass.
  request: z.strictObject({
    MaterialValue: ImageValue,
    RetAttributes: z.preprocess(
      (v) => (typeof v === 'string' ? v.split(',').filter((s) => s.trim() !== '') : v),
      z.array(FaceAttributeName).min(1, specIssue('InvalidParam.ParamMissing', 'name at least one attribute')),
    ),
    MaxFaceNum: intParam.default(1),
    DontSaveDB: booleanParam.default(true),
    ClientTag: z.string().default(''),
    MaxNumPhotosPerCategory: intParam.default(1),
  }),
  data: wireObject({
    ImgWidth: wireInt,
    ImgHeight: wireInt,
    FaceInfos: z.preprocess(
      (v) => (v === undefined || v === '' ? {} : v),
      wireObject({
        FaceAttributesDetectInfo: wireList(
          wireObject({
            FaceAttributes,
            FaceRect: wireObject({ Left: wireInt, Top: wireInt, Height: wireInt, Width: wireInt }),
          }),
        ),
      }),
    ),
  }),
});

export const SubmitVerification = defineAction({
  name: 'SubmitVerification',
  versions: ['2018-09-16'],
  methods: ['POST'],
  params: [
    { name: 'Biz', in: 'body' },
    { name: 'TicketId', in: 'body' },
    { name: /^Material\.\d+\.(MaterialType|Value)$/, in: 'body' },
  ],
  request: z.strictObject({ Biz: NonEmpty, TicketId: NonEmpty, Material: Materials }),
  data: SubmitResultData,
});

export const ACTIONS = {
  GetVerifyToken,
  SubmitMaterials,
  GetStatus,
  GetMaterials,
  CompareFaces,
  DetectFaceAttributes,
  SubmitVerification,
} as const;
export type ActionName = keyof typeof ACTIONS;
export type ActionRequest<A extends ActionName> = z.input<(typeof ACTIONS)[A]['request']>;
export type ActionData<A extends ActionName> = z.output<(typeof ACTIONS)[A]['data']>;

export function isActionName(name: string): name is ActionName {
  return Object.hasOwn(ACTIONS, name);
}

/** Where a parameter of this action goes; undefined when the guide does not list it. */
export function paramLocation(spec: ActionSpec, name: string): ParamLocation | undefined {
  if (name === 'RegionId') return 'query';
  const rule = spec.params.find((r) => (typeof r.name === 'string' ? r.name === name : r.name.test(name)));
  return rule?.in;
}

// ---------- flat wire params <-> typed requests ----------

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Typed request (already validated) → flat wire params: lists of objects as K.n.F, objects as JSON. */
export function flattenRequest(request: Record<string, unknown>): FlatParams {
  const flat: FlatParams = {};
  for (const [key, value] of Object.entries(request)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) {
      if (value.every(isRecord)) {
        value.forEach((item, i) => {
          for (const [field, v] of Object.entries(item)) if (v !== undefined) flat[`${key}.${i + 1}.${field}`] = String(v);
        });
      } else {
        flat[key] = value.map(String).join(',');
      }
    } else if (isRecord(value)) {
      flat[key] = JSON.stringify(value);
    } else {
      flat[key] = String(value);
    }
  }
  return flat;
}

/**
 * Flat wire params → the object a request schema parses (the server's and the CLI's direction).
 * K.n.F becomes K[n-1].F for 1 ≤ n ≤ 10; other numbered names are kept as they are so the strict
 * schema reports them.
 */
export function unflattenParams(params: FlatParams): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const lists = new Map<string, Map<number, Record<string, string>>>();
  for (const [name, value] of Object.entries(params)) {
    const m = /^([A-Za-z]+)\.(\d+)\.([A-Za-z]+)$/.exec(name);
    const index = m ? Number(m[2]) : 0;
    if (m && index >= 1 && index <= 10) {
      const [, list = '', , field = ''] = m;
      const items = lists.get(list) ?? new Map<number, Record<string, string>>();
      const item = items.get(index) ?? {};
      item[field] = value;
      items.set(index, item);
      lists.set(list, items);
    } else {
      out[name] = value;
    }
  }
  for (const [list, items] of lists) out[list] = [...items.entries()].sort(([a], [b]) => a - b).map(([, item]) => item);
  return out;
}

/** Splits flat params into query and body by the guide's table; unlisted names go to the body. */
export function placeParams(spec: ActionSpec, params: FlatParams): { query: FlatParams; body: FlatParams } {
  const query: FlatParams = {};
  const body: FlatParams = {};
  for (const [name, value] of Object.entries(params)) {
    if (paramLocation(spec, name) === 'query') query[name] = value;
    else body[name] = value;
  }
  return { query, body };
}
