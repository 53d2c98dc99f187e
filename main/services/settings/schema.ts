import { z } from 'zod';
import { CaptureSettings, Language } from '../../../contract';
import type { WltAbi } from '../../../native/wlt/types';
import { DEFAULT_CAPTURE_SETTINGS } from '../../../capture/defaults';

const WLT_ABIS = ['unpack-raw', 'bmp-length', 'bmp-buffer', 'file'] as const satisfies readonly WltAbi[];

const ReaderSettings = z.strictObject({
  /**
   * auto: the configured serial path, else a plugged-in known reader answering SAM status, else
   * the simulated demo reader. sam-simulator runs the SAM simulator through the full frame codec.
   */
  mode: z.enum(['auto', 'simulated', 'sam-simulator', 'serial', 'hid', 'usb', 'vendor']).default('auto'),
  serialPath: z.string().optional(),
  hid: z.strictObject({ vendorId: z.number().int(), productId: z.number().int(), path: z.string().optional() }).optional(),
  usb: z.strictObject({ vendorId: z.number().int(), productId: z.number().int() }).optional(),
  /** Read fingerprints too (command 30 10); they are never stored. */
  fingerprints: z.boolean().default(false),
  vendorLibrary: z.string().optional(),
  /** The reader vendor's WLT photo decoder (see native/wlt/types.ts for each field's meaning). */
  wltDecoder: z
    .strictObject({
      library: z.string(),
      symbol: z.string().optional(),
      abi: z.enum(WLT_ABIS).optional(),
      vendorCode: z.number().int().optional(),
      fileInterface: z.number().int().optional(),
      rawChannelOrder: z.enum(['rgb', 'bgr']).optional(),
      rawRowOrder: z.enum(['bottom-up', 'top-down']).optional(),
      callingConvention: z.enum(['cdecl', 'stdcall']).optional(),
    })
    .optional(),
  /** Vendor SDK port: 1-16 serial, 1001-1016 USB. */
  vendorPort: z.number().int().positive().optional(),
  baudRate: z.union([z.literal(115200), z.literal(57600), z.literal(38400), z.literal(19200), z.literal(9600)]).optional(),
  healthIntervalMs: z.number().int().min(1000).optional(),
  pollIntervalMs: z.number().int().min(50).max(5000).default(300),
});

const CloudauthSettings = z.strictObject({
  endpoint: z.string().url().default('https://cloudauth.aliyuncs.com'),
  region: z.string().default('cn-hangzhou'),
  apiVersion: z.enum(['2018-09-16', '2019-03-07']).default('2018-09-16'),
  /** compare: CompareFaces only; rpmin: GetVerifyToken → SubmitMaterials → GetStatus. */
  mode: z.enum(['compare', 'rpmin']).default('compare'),
  biz: z.string().optional(),
  accessKeyId: z.string().optional(),
  accessKeySecret: z.string().optional(),
  timeoutMs: z.number().int().positive().default(15_000),
  /** Allow a plain http:// endpoint off this machine (loopback is always allowed): only for a test service on a trusted network. */
  allowInsecureHttp: z.boolean().default(false),
  /**
   * Offer, on the consent screen, to keep the card photo as a reference at our own service (issue 15's
   * references; the service's biz must allow enrollment too). Needs mode rpmin: CompareFaces keeps nothing.
   */
  offerEnrollment: z.boolean().default(false),
  /** How this kiosk names itself in the consent record a reference keeps (default: the host name). */
  kioskId: z.string().min(1).max(64).optional(),
});

const VerifySettings = z.strictObject({
  provider: z.enum(['local', 'cloudauth']).default('local'),
  /** Chosen false-accept rate; the pass threshold is derived from calibration at this FAR. */
  far: z.union([z.literal(0.0001), z.literal(0.001), z.literal(0.01)]).default(0.001),
  /** A failed liveness check fails the verification even when the faces match. */
  requireLiveness: z.boolean().default(true),
  /** cloudauth unreachable (network, timeout, 5xx): compare on the local engine instead of failing. */
  fallbackToLocal: z.boolean().default(false),
  cloudauth: CloudauthSettings.prefault({}),
  local: z
    .strictObject({
      /** A site calibration from `renzheng calibrate --pairs` (absolute path); the shipped one when absent. */
      calibrationFile: z.string().optional(),
      /** A folder of extra model manifests (a site's licensed embedder), searched after the shipped models. */
      modelsDir: z.string().optional(),
    })
    .prefault({}),
});

const AuditSettings = z.strictObject({
  /** A central service's URL that receives each audit record (queued and retried until it accepts). */
  centralUrl: z.string().url().optional(),
  enabled: z.boolean().default(true),
  /** Off by default: biometric images are kept only when an operator turns this on. */
  storeImages: z.boolean().default(false),
  /** SQLite file; relative paths resolve against the data directory. */
  file: z.string().default('audit.sqlite'),
  /** Records older than this are purged (PIPL: kept no longer than needed). */
  retentionDays: z.number().int().positive().max(3650).default(90),
});

const FlowSettings = z.strictObject({
  maxAttempts: z.number().int().min(1).max(10).default(3),
  verifyTimeoutMs: z.number().int().positive().default(45_000),
  cardReadMs: z.number().int().positive().default(1500),
  voice: z.boolean().default(true),
});

// The kiosk's and the service's H5 page's shared capture policy (capture/defaults.ts).
const defaultCapture: CaptureSettings = DEFAULT_CAPTURE_SETTINGS;

export const Settings = z.strictObject({
  language: Language.default('zh-CN'),
  reader: ReaderSettings.prefault({}),
  verify: VerifySettings.prefault({}),
  capture: CaptureSettings.partial().transform((partial) => ({ ...defaultCapture, ...partial })).prefault({}),
  audit: AuditSettings.prefault({}),
  resultDisplayMs: z.number().int().positive().default(6000),
  consentTimeoutMs: z.number().int().positive().default(30_000),
  flow: FlowSettings.prefault({}),
});
export type Settings = z.infer<typeof Settings>;
export type SettingsInput = z.input<typeof Settings>;
