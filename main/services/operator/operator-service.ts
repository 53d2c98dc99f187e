import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ContractError, type SystemInfo } from '../../../contract';
import type { AuditEntry, OperatorHandlers, OperatorSettingsPatch, OperatorSettingsView } from '../../../contract/operator-channels';
import { auditCsv, type AuditLedger, type AuditListRow } from '../audit/audit-ledger';
import type { Logger } from '../log';
import { Settings } from '../settings';
import type { LiveProvider } from './live-provider';
import type { PinGate } from './pin';
import type { RecentErrors } from './recent-errors';
import type { SecretStore } from './secrets';

export interface OperatorServiceDeps {
  /** The kiosk's live settings object: changed in place so every service sees the new values. */
  settings: Settings;
  /** Where settings are saved (settings.json, 0600); null keeps changes in memory (tests). */
  settingsFile: string | null;
  secrets: SecretStore | null;
  pin: PinGate | null;
  ledger: AuditLedger | null;
  provider: LiveProvider;
  systemInfo(): SystemInfo;
  recentErrors: RecentErrors;
  log: Logger;
  /** Ends the operator session (the shell closes the operator page's connection). */
  signOut(): void;
}

export function settingsView(settings: Settings, accessKeySet: boolean): OperatorSettingsView {
  return {
    provider: settings.verify.provider,
    endpoint: settings.verify.cloudauth.endpoint,
    cloudauthMode: settings.verify.cloudauth.mode,
    accessKeySet,
    far: settings.verify.far,
    fallbackToLocal: settings.verify.fallbackToLocal,
    maxAttempts: settings.flow.maxAttempts,
    consentTimeoutMs: settings.consentTimeoutMs,
    resultDisplayMs: settings.resultDisplayMs,
    verifyTimeoutMs: settings.flow.verifyTimeoutMs,
    captureTimeoutMs: settings.capture.captureTimeoutMs,
    activeChallenges: settings.capture.activeChallenges,
    readerMode: settings.reader.mode,
    serialPath: settings.reader.serialPath ?? null,
    cameraDeviceId: settings.capture.cameraDeviceId,
    language: settings.language,
    voice: settings.flow.voice,
    storeImages: settings.audit.storeImages,
    retentionDays: settings.audit.retentionDays,
  };
}

/** Fields that take effect only when the kiosk restarts (the reader loop and camera are opened once). */
const RESTART_FIELDS: (keyof OperatorSettingsPatch)[] = ['readerMode', 'serialPath'];

type Json = Record<string, unknown>;
function section(raw: Json, key: string): Json {
  const value = raw[key];
  if (value && typeof value === 'object' && !Array.isArray(value)) return value as Json;
  const fresh: Json = {};
  raw[key] = fresh;
  return fresh;
}

/** Pure: the settings file's JSON with the operator's patch applied (secrets are not part of it). */
export function applyPatch(raw: Json, patch: OperatorSettingsPatch): Json {
  const next = structuredClone(raw);
  const verify = section(next, 'verify');
  const cloudauth = section(verify, 'cloudauth');
  const flow = section(next, 'flow');
  const capture = section(next, 'capture');
  const reader = section(next, 'reader');
  const audit = section(next, 'audit');
  const set = <T>(target: Json, key: string, value: T | undefined) => {
    if (value === undefined) return;
    if (value === null) delete target[key];
    else target[key] = value;
  };
  set(verify, 'provider', patch.provider);
  set(verify, 'far', patch.far);
  set(verify, 'fallbackToLocal', patch.fallbackToLocal);
  set(cloudauth, 'endpoint', patch.endpoint);
  set(cloudauth, 'mode', patch.cloudauthMode);
  set(flow, 'maxAttempts', patch.maxAttempts);
  set(flow, 'verifyTimeoutMs', patch.verifyTimeoutMs);
  set(flow, 'voice', patch.voice);
  set(next, 'consentTimeoutMs', patch.consentTimeoutMs);
  set(next, 'resultDisplayMs', patch.resultDisplayMs);
  set(next, 'language', patch.language);
  set(capture, 'captureTimeoutMs', patch.captureTimeoutMs);
  set(capture, 'activeChallenges', patch.activeChallenges);
  if (patch.cameraDeviceId !== undefined) capture.cameraDeviceId = patch.cameraDeviceId;
  set(reader, 'mode', patch.readerMode);
  set(reader, 'serialPath', patch.serialPath);
  set(audit, 'storeImages', patch.storeImages);
  set(audit, 'retentionDays', patch.retentionDays);
  // Keys never live in the settings file once the operator set them: the sealed store has them.
  if (patch.accessKeyId !== undefined || patch.accessKeySecret !== undefined) {
    delete cloudauth.accessKeyId;
    delete cloudauth.accessKeySecret;
  }
  return next;
}

function entry(row: AuditListRow): AuditEntry {
  return {
    verificationId: row.verification_id,
    startedAt: row.started_at,
    cardType: row.card_type,
    idNumberMasked: row.id_number_masked,
    provider: row.provider,
    verdict: row.verdict,
    reason: row.reason,
    score: row.score,
    threshold: row.threshold,
    livenessPassed: row.liveness_passed === 1,
    livenessChallenge: row.liveness_challenge,
    attempt: row.attempt,
    hasImages: row.has_images === 1,
  };
}

/**
 * The operator surface's services: settings (saved, applied to the running kiosk), diagnostics,
 * a provider connectivity test, the audit browser and PIPL deletion. Every change is recorded as
 * an operator action in the audit trail.
 */
export class OperatorService {
  private restartNeeded = false;

  constructor(private readonly deps: OperatorServiceDeps) {}

  private accessKeySet(): boolean {
    const { accessKeyId, accessKeySecret } = this.deps.settings.verify.cloudauth;
    return Boolean(accessKeyId && accessKeySecret);
  }

  private readRaw(): Json {
    const file = this.deps.settingsFile;
    if (!file || !existsSync(file)) return {};
    return JSON.parse(readFileSync(file, 'utf8')) as Json;
  }

  updateSettings(patch: OperatorSettingsPatch): { settings: OperatorSettingsView; restartNeeded: boolean } {
    const raw = applyPatch(this.readRaw(), patch);
    const parsed = Settings.safeParse(raw);
    if (!parsed.success) throw new ContractError({ code: 'validation', message: `These settings do not fit together: ${parsed.error.issues[0]?.message ?? 'invalid'}` });
    const live = this.deps.settings;
    const next = parsed.data;
    // Paths and secrets resolved at load stay as they were; everything else takes the new values.
    next.audit.file = live.audit.file;
    next.verify.cloudauth.accessKeyId = live.verify.cloudauth.accessKeyId;
    next.verify.cloudauth.accessKeySecret = live.verify.cloudauth.accessKeySecret;
    if (patch.accessKeyId !== undefined || patch.accessKeySecret !== undefined) {
      const secrets = { ...this.deps.secrets?.read(), ...(patch.accessKeyId ? { accessKeyId: patch.accessKeyId } : {}), ...(patch.accessKeySecret ? { accessKeySecret: patch.accessKeySecret } : {}) };
      this.deps.secrets?.write(secrets);
      next.verify.cloudauth.accessKeyId = secrets.accessKeyId;
      next.verify.cloudauth.accessKeySecret = secrets.accessKeySecret;
    }
    const providerChanged = JSON.stringify(next.verify) !== JSON.stringify(live.verify);
    if (this.deps.settingsFile) {
      mkdirSync(dirname(this.deps.settingsFile), { recursive: true });
      writeFileSync(this.deps.settingsFile, `${JSON.stringify(raw, null, 2)}\n`, { mode: 0o600 });
      chmodSync(this.deps.settingsFile, 0o600);
    }
    for (const key of Object.keys(next) as (keyof Settings)[]) (live as Record<string, unknown>)[key] = next[key];
    if (providerChanged) this.deps.provider.reconfigure(live.verify);
    if (RESTART_FIELDS.some((f) => patch[f] !== undefined)) this.restartNeeded = true;
    // The action names the fields, never their values (an AccessKey must not reach the audit trail).
    this.deps.ledger?.recordOperatorAction('settings.update', Object.keys(patch).sort().join(','));
    this.deps.log.info('operator changed settings', { fields: Object.keys(patch).sort() });
    return { settings: settingsView(live, this.accessKeySet()), restartNeeded: this.restartNeeded };
  }

  async testProvider(): Promise<{ ok: boolean; detail: string; ms: number }> {
    const started = performance.now();
    const { ready, detail } = this.deps.provider.status();
    const settings = this.deps.settings.verify;
    if (settings.provider === 'cloudauth' && ready) {
      // Reachability: any HTTP answer from the endpoint (even an error document) means it is there.
      try {
        const response = await fetch(settings.cloudauth.endpoint, { method: 'GET', signal: AbortSignal.timeout(5000) });
        return { ok: true, detail: `${settings.cloudauth.endpoint} answered HTTP ${response.status}`, ms: Math.round(performance.now() - started) };
      } catch (error) {
        const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
        return { ok: false, detail: `${settings.cloudauth.endpoint} cannot be reached (${cause})`, ms: Math.round(performance.now() - started) };
      }
    }
    return { ok: ready, detail, ms: Math.round(performance.now() - started) };
  }

  handlers(): OperatorHandlers {
    const ledger = this.deps.ledger;
    const needLedger = () => {
      if (!ledger) throw new ContractError({ code: 'unavailable', message: 'The audit trail is turned off (settings audit.enabled).' });
      return ledger;
    };
    return {
      'operator.settings.get': () => settingsView(this.deps.settings, this.accessKeySet()),
      'operator.settings.update': (patch) => this.updateSettings(patch),
      'operator.diagnostics': () => {
        const info = this.deps.systemInfo();
        return {
          appVersion: info.appVersion,
          shell: info.shell,
          reader: info.reader,
          faceBackends: info.faceBackends,
          provider: { name: this.deps.provider.name, ...this.deps.provider.status() },
          audit: { enabled: ledger !== null, records: ledger?.count() ?? 0, outboxPending: ledger?.pending() ?? 0 },
          recentErrors: this.deps.recentErrors.list(),
          restartNeeded: this.restartNeeded,
        };
      },
      'operator.provider.test': () => this.testProvider(),
      'operator.audit.search': (filter) => {
        const rows = needLedger().search(filter);
        return { entries: rows.map(entry), total: needLedger().count() };
      },
      'operator.audit.csv': (filter) => {
        const csv = auditCsv(needLedger().search({ ...filter, limit: filter.limit ?? 10_000 }));
        needLedger().recordOperatorAction('audit.export', null);
        return { csv };
      },
      'operator.audit.deleteSubject': ({ idNumber }) => {
        const deleted = needLedger().deleteByIdNumber(idNumber);
        needLedger().recordOperatorAction('audit.deleteSubject', `${deleted} records`);
        return { deleted };
      },
      'operator.audit.purge': () => {
        const deleted = needLedger().purgeOlderThan(this.deps.settings.audit.retentionDays);
        needLedger().recordOperatorAction('audit.purge', `${deleted} records`);
        return { deleted };
      },
      'operator.pin.change': ({ current, next }) => {
        const pin = this.deps.pin;
        if (!pin) throw new ContractError({ code: 'unavailable', message: 'No staff PIN store in this kiosk.' });
        const check = pin.check(current);
        if (!check.ok) throw new ContractError({ code: 'validation', message: check.locked ? 'Too many wrong PINs; try again later.' : 'The current PIN is wrong.' });
        pin.set(next);
        ledger?.recordOperatorAction('pin.change', null);
        return { ok: true as const };
      },
      'operator.signOut': () => {
        ledger?.recordOperatorAction('signOut', null);
        this.deps.signOut();
        return { ok: true as const };
      },
    };
  }
}
