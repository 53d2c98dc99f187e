import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import type { PublicSettings } from '../../../contract';
import { Settings } from './schema';

export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettingsError';
  }
}

export interface SettingsSource {
  /** Folder for settings.json, the audit database and other state. */
  dataDir: string;
  /** Explicit settings file (RENZHENG_CONFIG); otherwise dataDir/settings.json when present. */
  file?: string;
  env: Record<string, string | undefined>;
}

/**
 * Reads settings from JSON with defaults for everything, so a fresh machine runs the embedded
 * default (local engine, auto reader). AccessKeys may come from the variables Alibaba's own
 * tools use, which keeps them out of files on shared kiosks.
 */
export function loadSettings(source: SettingsSource): Settings {
  const file = source.file ?? join(source.dataDir, 'settings.json');
  let raw: unknown = {};
  if (existsSync(file)) {
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new SettingsError(`Settings file ${file} is not valid JSON (${(error as Error).message}). Fix or remove it.`);
    }
  } else if (source.file) {
    throw new SettingsError(`Settings file ${file} does not exist. Check RENZHENG_CONFIG.`);
  }
  const parsed = Settings.safeParse(raw);
  if (!parsed.success) {
    throw new SettingsError(`Settings file ${file} is invalid: ${z.prettifyError(parsed.error)}`);
  }
  const settings = parsed.data;
  const { ALIBABA_CLOUD_ACCESS_KEY_ID: keyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: keySecret } = source.env;
  if (keyId) settings.verify.cloudauth.accessKeyId = keyId;
  if (keySecret) settings.verify.cloudauth.accessKeySecret = keySecret;
  if (!isAbsolute(settings.audit.file)) settings.audit.file = join(source.dataDir, settings.audit.file);
  return settings;
}

/** The renderer's view: no secrets, no paths. */
export function publicSettings(settings: Settings, outOfService: string | null = null): PublicSettings {
  return {
    outOfService,
    language: settings.language,
    capture: settings.capture,
    resultDisplayMs: settings.resultDisplayMs,
    consentTimeoutMs: settings.consentTimeoutMs,
    flow: { ...settings.flow, provider: settings.verify.provider, offerEnrollment: offersEnrollment(settings) },
    privacy: {
      keepsRecords: settings.audit.enabled,
      keepsImages: settings.audit.enabled && settings.audit.storeImages,
      retentionDays: settings.audit.retentionDays,
    },
  };
}

/** Whether the consent screen may offer enrollment: only when verifying through our service's ticket flow. */
export function offersEnrollment(settings: Settings): boolean {
  const { provider, cloudauth } = settings.verify;
  return provider === 'cloudauth' && cloudauth.mode === 'rpmin' && cloudauth.offerEnrollment;
}
