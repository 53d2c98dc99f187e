import { z } from 'zod';
import { ContractError, type ContractErrorShape, type Envelope } from './envelope';
import { ActiveChallenge, FaceBackend, Language, ReaderStatus } from './schemas';
import { OPERATOR_CHANNEL_NAMES } from './operator-channel-names';

/**
 * The operator surface's own channel map. It is served only on the operator page's own
 * connection (web host: its own port and token; Electron: its own window and preload), so the
 * public kiosk page can never reach one of these: its dispatcher does not know the names.
 */

const Empty = z.strictObject({});
const Ok = z.strictObject({ ok: z.literal(true) });

/** What the operator may read back: every setting except secrets, of which only "is one set". */
export const OperatorSettingsView = z.strictObject({
  provider: z.enum(['local', 'cloudauth']),
  endpoint: z.string(),
  cloudauthMode: z.enum(['compare', 'rpmin']),
  accessKeySet: z.boolean(),
  far: z.union([z.literal(0.0001), z.literal(0.001), z.literal(0.01)]),
  fallbackToLocal: z.boolean(),
  maxAttempts: z.number().int(),
  consentTimeoutMs: z.number().int(),
  resultDisplayMs: z.number().int(),
  verifyTimeoutMs: z.number().int(),
  captureTimeoutMs: z.number().int(),
  activeChallenges: z.array(ActiveChallenge),
  readerMode: z.string(),
  serialPath: z.string().nullable(),
  cameraDeviceId: z.string().nullable(),
  language: Language,
  voice: z.boolean(),
  storeImages: z.boolean(),
  retentionDays: z.number().int(),
});
export type OperatorSettingsView = z.infer<typeof OperatorSettingsView>;

/** A change the operator makes; every field optional. Secrets go in, never out. */
export const OperatorSettingsPatch = z.strictObject({
  provider: z.enum(['local', 'cloudauth']).optional(),
  endpoint: z.string().url().max(300).optional(),
  cloudauthMode: z.enum(['compare', 'rpmin']).optional(),
  accessKeyId: z.string().min(1).max(128).optional(),
  accessKeySecret: z.string().min(1).max(256).optional(),
  far: z.union([z.literal(0.0001), z.literal(0.001), z.literal(0.01)]).optional(),
  fallbackToLocal: z.boolean().optional(),
  maxAttempts: z.number().int().min(1).max(10).optional(),
  consentTimeoutMs: z.number().int().min(5000).max(600_000).optional(),
  resultDisplayMs: z.number().int().min(2000).max(600_000).optional(),
  verifyTimeoutMs: z.number().int().min(5000).max(600_000).optional(),
  captureTimeoutMs: z.number().int().min(5000).max(600_000).optional(),
  activeChallenges: z.array(ActiveChallenge).max(4).optional(),
  readerMode: z.enum(['auto', 'simulated', 'sam-simulator', 'serial', 'hid', 'usb', 'vendor']).optional(),
  serialPath: z.string().max(200).nullable().optional(),
  cameraDeviceId: z.string().max(200).nullable().optional(),
  language: Language.optional(),
  voice: z.boolean().optional(),
  storeImages: z.boolean().optional(),
  retentionDays: z.number().int().min(1).max(3650).optional(),
});
export type OperatorSettingsPatch = z.infer<typeof OperatorSettingsPatch>;

export const Diagnostics = z.strictObject({
  appVersion: z.string(),
  shell: z.enum(['electron', 'web']),
  reader: ReaderStatus,
  faceBackends: z.strictObject({ renderer: FaceBackend.nullable(), local: z.array(z.string()) }),
  provider: z.strictObject({ name: z.enum(['local', 'cloudauth']), ready: z.boolean(), detail: z.string() }),
  audit: z.strictObject({ enabled: z.boolean(), records: z.number().int(), outboxPending: z.number().int() }),
  /** Recent warnings and errors from the main log (already free of personal data). */
  recentErrors: z.array(z.strictObject({ at: z.string(), level: z.string(), message: z.string() })),
  /** Settings saved that apply only after a restart (reader, camera). */
  restartNeeded: z.boolean(),
});
export type Diagnostics = z.infer<typeof Diagnostics>;

export const AuditFilter = z.strictObject({
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
  verdict: z.enum(['pass', 'fail', 'error', 'manual-check']).optional(),
  limit: z.number().int().min(1).max(1000).optional(),
  offset: z.number().int().min(0).optional(),
});
export type AuditFilter = z.infer<typeof AuditFilter>;

export const AuditEntry = z.strictObject({
  verificationId: z.string(),
  startedAt: z.string(),
  cardType: z.string(),
  idNumberMasked: z.string(),
  provider: z.string(),
  verdict: z.string(),
  reason: z.string().nullable(),
  score: z.number().nullable(),
  threshold: z.number().nullable(),
  livenessPassed: z.boolean(),
  livenessChallenge: z.string().nullable(),
  attempt: z.number().int().nullable(),
  hasImages: z.boolean(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const operatorInvokeChannels = {
  'operator.settings.get': { request: Empty, response: OperatorSettingsView },
  'operator.settings.update': { request: OperatorSettingsPatch, response: z.strictObject({ settings: OperatorSettingsView, restartNeeded: z.boolean() }) },
  'operator.diagnostics': { request: Empty, response: Diagnostics },
  /** Reaches the configured provider once (a signed call for cloudauth, the engine for local). */
  'operator.provider.test': { request: Empty, response: z.strictObject({ ok: z.boolean(), detail: z.string(), ms: z.number() }) },
  'operator.audit.search': { request: AuditFilter, response: z.strictObject({ entries: z.array(AuditEntry), total: z.number().int() }) },
  'operator.audit.csv': { request: AuditFilter, response: z.strictObject({ csv: z.string() }) },
  /** PIPL: delete every record of one ID number (the full number is hashed, compared, and forgotten). */
  'operator.audit.deleteSubject': { request: z.strictObject({ idNumber: z.string().regex(/^[0-9A-Za-z]{8,20}$/) }), response: z.strictObject({ deleted: z.number().int() }) },
  'operator.audit.purge': { request: Empty, response: z.strictObject({ deleted: z.number().int() }) },
  'operator.pin.change': { request: z.strictObject({ current: z.string().regex(/^\d{4,12}$/), next: z.string().regex(/^\d{4,12}$/) }), response: Ok },
  'operator.signOut': { request: Empty, response: Ok },
} as const;

export type OperatorInvokeChannel = keyof typeof operatorInvokeChannels;
export type OperatorRequest<C extends OperatorInvokeChannel> = z.input<(typeof operatorInvokeChannels)[C]['request']>;
export type OperatorResponse<C extends OperatorInvokeChannel> = z.infer<(typeof operatorInvokeChannels)[C]['response']>;

export const OPERATOR_INVOKE_CHANNEL_NAMES = Object.keys(operatorInvokeChannels) as OperatorInvokeChannel[];

export function isOperatorInvokeChannel(name: unknown): name is OperatorInvokeChannel {
  return typeof name === 'string' && Object.hasOwn(operatorInvokeChannels, name);
}

export type OperatorHandlers = {
  [C in OperatorInvokeChannel]: (request: z.infer<(typeof operatorInvokeChannels)[C]['request']>) => Promise<OperatorResponse<C>> | OperatorResponse<C>;
};

export interface OperatorClient {
  invoke<C extends OperatorInvokeChannel>(channel: C, request: OperatorRequest<C>): Promise<OperatorResponse<C>>;
}

/** The operator's gate, shaped like contract/dispatcher.ts: only these names, every payload parsed. */
export function createOperatorDispatcher(
  handlers: OperatorHandlers,
  log: { warn(message: string, fields?: Record<string, unknown>): void; error(message: string, fields?: Record<string, unknown>): void },
): (channel: unknown, payload: unknown) => Promise<Envelope<unknown>> {
  return async (channel, payload) => {
    if (!isOperatorInvokeChannel(channel)) {
      log.warn('operator: refused unknown channel', { channel: typeof channel === 'string' ? channel.slice(0, 64) : typeof channel });
      return { ok: false, error: { code: 'unknown-channel', message: `Unknown channel: ${String(channel).slice(0, 64)}` } };
    }
    const parsed = operatorInvokeChannels[channel].request.safeParse(payload ?? {});
    if (!parsed.success) {
      const issues = parsed.error.issues.slice(0, 20).map((issue) => ({ path: issue.path.map(String).join('.') || '(root)', message: issue.message }));
      return { ok: false, error: { code: 'validation', message: `Invalid payload for ${channel}`, issues } satisfies ContractErrorShape };
    }
    try {
      const handler = handlers[channel] as (request: unknown) => unknown;
      return { ok: true, value: await handler(parsed.data) };
    } catch (error) {
      if (error instanceof ContractError) return { ok: false, error: error.toShape() };
      log.error('operator handler failed', { channel, error: error instanceof Error ? error.message : String(error) });
      return { ok: false, error: { code: 'internal', message: `The ${channel} call failed inside the kiosk; see the main log.` } };
    }
  };
}

// Compile-time proof that the preload's name list matches the schemas.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const operatorNamesMatch: Same<(typeof OPERATOR_CHANNEL_NAMES)[number], OperatorInvokeChannel> = true;
void operatorNamesMatch;
